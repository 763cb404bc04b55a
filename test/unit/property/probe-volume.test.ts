// Property: whatever the volume holds at the probe's paths (nothing, a regular file, a folder, a
// symlink to a local file or folder, a FIFO, a device node; and the same swapped in and out while
// probes run), the real write probe (the Perl helper's child) never touches anything outside the
// mount, never blocks past its deadline, and reports a volume holding anything it did not put
// there as `tampered`, never ok. A temp folder stands in for the mount root, with its own device.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProbePaths } from '../../../src/probes/probe-plan.js';
import { createProbeRunner } from '../../../src/probes/probe-runner.js';
import type { ProbeResult, ProbeTarget } from '../../../src/probes/probe-types.js';
import { deviceOf } from '../probes/device-of.js';
import { runs } from './arbitraries.js';

/** What the volume may hold at one of the probe's paths. */
const KINDS = ['nothing', 'file', 'folder', 'link-outside-file', 'link-outside-folder', 'link-inside', 'fifo', 'device'] as const;
type Kind = (typeof KINDS)[number];
const PLACES = ['folder', 'hostFolder', 'file'] as const;
type Place = (typeof PLACES)[number];
/** What the probe expects at each place: nothing yet, or what it makes there itself. */
const BENIGN: Record<Place, readonly Kind[]> = { folder: ['nothing', 'folder'], hostFolder: ['nothing', 'folder'], file: ['nothing', 'file'] };
const DEADLINE_MS = 3_000;

let root: string;
let outside: string;
let counter = 0;

/** Every entry below `dir`: type, size, mode, mtime and content of files. */
function snapshot(dir: string): string {
  const lines: string[] = [];
  const walk = (path: string): void => {
    for (const name of readdirSync(path).sort()) {
      const full = join(path, name);
      const stat = lstatSync(full);
      lines.push(`${full} ${stat.mode} ${stat.size} ${stat.mtimeMs} ${stat.isFile() ? readFileSync(full, 'utf8') : ''}`);
      if (stat.isDirectory()) walk(full);
    }
  };
  walk(dir);
  return lines.join('\n');
}

/** Puts `kind` at `path` (its parent exists). */
function plant(path: string, kind: Kind, mount: string): void {
  switch (kind) {
    case 'nothing':
      return;
    case 'file':
      return writeFileSync(path, 'someone else\n');
    case 'folder':
      return mkdirSync(path);
    case 'link-outside-file':
      return symlinkSync(join(outside, 'shadow'), path);
    case 'link-outside-folder':
      return symlinkSync(join(outside, 'etc'), path);
    case 'link-inside':
      return symlinkSync(mount, path);
    case 'fifo':
      return void execFileSync('mkfifo', [path]);
    case 'device':
      return void execFileSync('mknod', [path, 'c', '1', '3']);
  }
}

/** A fresh mount folder holding `layout`; a place below a non-folder stays as it is. */
function makeVolume(layout: Record<Place, Kind>): { target: ProbeTarget; mount: string } {
  counter += 1;
  const mount = join(root, `mnt-${counter}`);
  mkdirSync(mount);
  const target: ProbeTarget = { mountpoint: mount, device: deviceOf(mount), write: true, host: 'client1' };
  const paths = buildProbePaths(target, 'x');
  plant(paths.folder, layout.folder, mount);
  if (layout.folder === 'folder') plant(paths.hostFolder, layout.hostFolder, mount);
  if (layout.folder === 'folder' && layout.hostFolder === 'folder') plant(paths.file, layout.file, mount);
  return { target, mount };
}

/** The probe under a deadline, as the agent runs it: killed when overdue. */
async function probeWithDeadline(target: ProbeTarget): Promise<{ result: ProbeResult | 'overdue'; ms: number }> {
  const started = performance.now();
  const probe = createProbeRunner()(target);
  let timer: NodeJS.Timeout | undefined;
  const overdue = new Promise<'overdue'>((resolve) => (timer = setTimeout(() => resolve('overdue'), DEADLINE_MS)));
  const result = await Promise.race([probe.result, overdue]);
  clearTimeout(timer);
  if (result === 'overdue') probe.kill();
  await probe.exited;
  return { result, ms: performance.now() - started };
}

/** Whether the probe may call this layout healthy: only when every place holds what it expects. */
function isClean(layout: Record<Place, Kind>): boolean {
  if (!BENIGN.folder.includes(layout.folder)) return false;
  if (layout.folder === 'nothing') return true;
  if (!BENIGN.hostFolder.includes(layout.hostFolder)) return false;
  return layout.hostFolder === 'nothing' || BENIGN.file.includes(layout.file);
}

const layoutArb: fc.Arbitrary<Record<Place, Kind>> = fc.record({ folder: fc.constantFrom(...KINDS), hostFolder: fc.constantFrom(...KINDS), file: fc.constantFrom(...KINDS) });

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'ha-mount-probe-volume-'));
  outside = join(root, 'outside');
  mkdirSync(join(outside, 'etc'), { recursive: true });
  writeFileSync(join(outside, 'shadow'), 'root:secret\n');
  writeFileSync(join(outside, 'etc', 'passwd'), 'root:x:0:0\n');
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('the write probe against whatever the volume holds', () => {
  it('when any mix of files, folders, symlinks, FIFOs and device nodes sits at its paths then nothing outside changes, it ends in time, and only a clean volume is ok', async () => {
    const before = snapshot(outside);
    await fc.assert(
      fc.asyncProperty(layoutArb, async (layout) => {
        const { target } = makeVolume(layout);
        const { result, ms } = await probeWithDeadline(target);
        expect(result, JSON.stringify(layout)).not.toBe('overdue');
        expect(ms).toBeLessThan(DEADLINE_MS);
        expect(snapshot(outside)).toBe(before);
        const verdict = (result as ProbeResult).verdict;
        if (isClean(layout)) expect(verdict, `${JSON.stringify(layout)}: ${(result as ProbeResult).detail}`).toBe('ok');
        else expect(verdict, `${JSON.stringify(layout)}: ${(result as ProbeResult).detail}`).toBe('tampered');
      }),
      { numRuns: runs(120) },
    );
  });

  it('when someone swaps a place between what the probe expects and something hostile while it runs then nothing outside changes, every probe ends in time and the swap is reported', async () => {
    const before = snapshot(outside);
    const hostileArb = fc.constantFrom<Kind>('link-outside-file', 'link-outside-folder', 'link-inside', 'fifo', 'device', 'file', 'folder');
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...PLACES), hostileArb, async (place, hostile) => {
        if (BENIGN[place].includes(hostile)) return; // not hostile at this place
        const { target, mount } = makeVolume({ folder: 'folder', hostFolder: 'folder', file: place === 'file' ? 'file' : 'nothing' });
        const paths = buildProbePaths(target, 'x');
        const path = place === 'folder' ? paths.folder : place === 'hostFolder' ? paths.hostFolder : paths.file;
        const swapper = await startSwapper(path, hostile, mount);
        try {
          // probe until one probe met the hostile thing (a slow machine may need many), at most 400
          const verdicts: string[] = [];
          while (!verdicts.includes('tampered') && verdicts.length < 400) {
            const { result, ms } = await probeWithDeadline(target);
            expect(result).not.toBe('overdue');
            expect(ms).toBeLessThan(DEADLINE_MS);
            verdicts.push((result as ProbeResult).verdict);
          }
          expect(snapshot(outside)).toBe(before);
          expect(verdicts, `${place} <-> ${hostile}`).toContain('tampered');
          expect(verdicts.every((verdict) => ['ok', 'tampered', 'bad'].includes(verdict))).toBe(true);
        } finally {
          await stopSwapper(swapper);
        }
        expect(snapshot(outside)).toBe(before);
      }),
      { numRuns: runs(12) },
    );
  });
});

/**
 * A process that swaps `path` between what it holds now and `hostile` as fast as it can: the
 * hostile thing is made beside it and renamed into place, and back (a folder first moves away).
 * Resolves once the hostile thing was in place once.
 */
async function startSwapper(path: string, hostile: Kind, mount: string): Promise<ChildProcess> {
  const make: Record<Kind, string> = {
    nothing: '1',
    file: 'open(my $f, ">", $t) && close($f)',
    folder: 'mkdir($t)',
    'link-outside-file': `symlink("${join(outside, 'shadow')}", $t)`,
    'link-outside-folder': `symlink("${join(outside, 'etc')}", $t)`,
    'link-inside': `symlink("${mount}", $t)`,
    fifo: 'require POSIX; POSIX::mkfifo($t, 0600)',
    device: 'system("mknod", $t, "c", "1", "3")',
  };
  const script = `my ($p) = @ARGV; my $t = "$p.hostile"; my $a = "$p.away";
    $| = 1; my $told = 0;
    for (;;) { rename($p, $a); ${make[hostile]}; rename($t, $p); print("ready\n") unless $told++; select(undef, undef, undef, 0.002);
      rename($p, $t); (-d $t && !-l $t) ? rmdir($t) : unlink($t); rename($a, $p); select(undef, undef, undef, 0.002); }`;
  const child = spawn('perl', ['-e', script, path], { stdio: ['ignore', 'pipe', 'ignore'] });
  await new Promise<void>((resolve) => child.stdout?.once('data', () => resolve()));
  return child;
}

async function stopSwapper(child: ChildProcess): Promise<void> {
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  await exited;
}
