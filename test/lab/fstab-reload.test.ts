// Issue 6 on the real lab (run `npm run build` first; `npm run test:lab` does):
// 1. every fstab-examples/*.fstab, rewritten from its own text to the lab's addresses, is mounted
//    by the real mount(8) (`mount -a -T FILE`), the LizardFS one by its resolved command only;
// 2. a config edit while mounts are in use: the agent runs as a real process in the client's
//    network namespace, reloads on a file change (chokidar) and on SIGHUP, keeps unchanged mounts
//    (same FUSE daemon), and a broken edit changes nothing.
//
// mount(8) looks for its `ha` helper in /sbin, /sbin/fs.d and /sbin/fs (libmount's fixed search
// path). test/lab/mount.test.ts adds /sbin/mount.ha when absent and removes it in its afterAll;
// another run of it may be going on at the same time, so this file never touches /sbin/mount.ha:
// it adds /sbin/fs.d/mount.ha (and /sbin/fs.d if absent) and removes exactly those. When a
// /sbin/mount.ha exists, mount(8) uses that one first; the test says so when it is not this
// tree's build.
import { cpSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, realpathSync, renameSync, rmdirSync, rmSync, unlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AgentStatus } from '../../src/agent/status-file.js';
import { getBackend } from '../../src/backends/registry.js';
import { runCommand } from '../../src/exec/run.js';
import { glusterOf, glusterServer, mooseOf, waitUntil } from '../../src/lab/lab-access.js';
import { installSignalCleanup, startLab } from '../../src/lab/lab.js';
import type { Lab, LabHost } from '../../src/lab/lab-types.js';
import { readCmdline, sleep } from '../../src/lab/procs.js';
import { analyzeWrites } from '../../src/lab/writer-analysis.js';
import { systemProc } from '../../src/probes/proc.js';
import type { BackendName } from '../../src/types.js';
import { AgentProcess } from './support/agent-process.js';
import { addMountHelperLink, daemonsFor, expectWritable, HA_MOUNT, mountAt, MOUNT_HA, ROOT, runInClient, WRITER } from './support/lab-helpers.js';
import { WriterProcess } from './support/writer-process.js';

const EXAMPLES = join(ROOT, 'fstab-examples');
const SBIN_HELPER = '/sbin/mount.ha';
const FSD_HELPER = '/sbin/fs.d/mount.ha';
const KEEP_DIR = '/tmp/ha-mount-fstab-reload-last'; // the agent's log and config, kept after the lab is gone
/** the writers beside a reload: a file every 200 ms is enough to see a remount */
const WRITE_SLOWLY = { intervalMs: 200, size: 256, keep: 20 };

let lab: Lab;
let removeSignalCleanup: () => void = () => undefined;
let removeFsdHelper: () => void = () => undefined;
/** mountpoint -> backend, for the cleanup of whatever a test left mounted */
const mounted = new Map<string, BackendName>();
const cleanups: Array<() => Promise<void>> = [];

// ---------------------------------------------------------------- helpers

const gluster = (): ReturnType<typeof glusterOf> => glusterOf(lab);
const moose = (): ReturnType<typeof mooseOf> => mooseOf(lab);
const gfs = (index: 0 | 1): LabHost => glusterServer(lab, index);

function newMountpoint(name: string, backend: BackendName): string {
  const path = join(lab.dir, 'mnt', name);
  mkdirSync(path, { recursive: true });
  mounted.set(path, backend);
  return path;
}

/** Unmounts (plain, then lazy), then ends any FUSE client of the path that is still there. */
async function unmountAndReap(mountpoint: string, backend: BackendName): Promise<void> {
  for (let tries = 0; tries < 5 && mountAt(mountpoint) !== undefined; tries += 1) {
    const plain = await runCommand({ file: 'umount', args: [mountpoint] }, { timeoutMs: 10_000 });
    if (plain.exitCode !== 0 && mountAt(mountpoint) !== undefined) await runCommand({ file: 'umount', args: ['-l', mountpoint] }, { timeoutMs: 10_000 });
  }
  // a cleanly unmounted client exits by itself within a moment
  const deadline = Date.now() + 10_000;
  while (daemonsFor(mountpoint, backend).length > 0 && Date.now() < deadline) await sleep(100);
  for (const pid of daemonsFor(mountpoint, backend)) {
    console.log(`[fstab-reload] FUSE client ${pid} of ${mountpoint} still running after the unmount: SIGKILL`);
    process.kill(pid, 'SIGKILL');
  }
}

/** The helper mount(8) will run for type `ha` (libmount searches /sbin, /sbin/fs.d, /sbin/fs). */
function effectiveHelper(): string | undefined {
  for (const candidate of [SBIN_HELPER, FSD_HELPER, '/sbin/fs/mount.ha']) if (existsSync(candidate)) return candidate;
  return undefined;
}

function noteForeignHelper(): void {
  const helper = effectiveHelper();
  const target = helper === undefined ? undefined : realpathSync(helper);
  if (target !== realpathSync(MOUNT_HA)) console.log(`[fstab-reload] note: mount(8) runs ${helper ?? '(no mount.ha)'} -> ${target ?? '?'}, not this tree's ${MOUNT_HA}`);
}

// ---------------------------------------------------------------- fstab examples

interface FstabEntry {
  source: string;
  mountpoint: string;
  type: string;
  options: string;
}

/**
 * Rewrites an example file's text for the lab: the placeholder addresses of every entry line
 * (comments stay as they are) and its /mnt mountpoints. An address or mountpoint the map does not
 * know throws, so an example that changes its placeholders breaks the test instead of being skipped.
 */
function rewriteExample(name: string, text: string, addresses: ReadonlyMap<string, string>): { text: string; entries: FstabEntry[] } {
  const entries: FstabEntry[] = [];
  const swap = (field: string): string =>
    field.replace(/(?<![\d.])\d{1,3}(?:\.\d{1,3}){3}(?![\d.])/g, (address) => {
      const lab = addresses.get(address);
      if (lab === undefined) throw new Error(`${name}: placeholder address ${address} has no lab counterpart (README lists 10.0.0.10-12, 20/22, 40/41)`);
      return lab;
    });
  const lines = text.split('\n').map((line) => {
    if (line.trim() === '' || line.trim().startsWith('#')) return line;
    const fields = line.trim().split(/\s+/);
    if (fields.length !== 6) throw new Error(`${name}: entry line has ${fields.length} fields, not 6: ${line}`);
    const [source, mountpoint, type, options, dump, pass] = fields as [string, string, string, string, string, string];
    if (!mountpoint.startsWith('/mnt/')) throw new Error(`${name}: mountpoint ${mountpoint} is not a /mnt placeholder`);
    const entry = { source: swap(source), mountpoint: join(lab.dir, 'mnt', `fstab-${mountpoint.slice('/mnt/'.length).replaceAll('/', '-')}`), type, options: swap(options) };
    entries.push(entry);
    return [entry.source, entry.mountpoint, entry.type, entry.options, dump, pass].join(' ');
  });
  return { text: lines.join('\n'), entries };
}

interface PreparedExample {
  file: string;
  entries: FstabEntry[];
}

function prepareExample(name: string): PreparedExample {
  const addresses = new Map<string, string>([
    ['10.0.0.10', gluster().vip], // GlusterFS VIP
    ['10.0.0.11', gfs(0).ip],
    ['10.0.0.12', gfs(1).ip],
    ['10.0.0.20', moose().vip], // MooseFS: VIP of the active master
    ['10.0.0.21', moose().master.ip],
    ['10.0.0.22', moose().standby.ip], // the standby master
    // no LizardFS master exists here: MooseFS's masters answer on the same port 9421, which is all
    // that resolution (the only network step of `mount -f`) asks of them
    ['10.0.0.40', moose().vip],
    ['10.0.0.41', moose().standby.ip],
  ]);
  const rewritten = rewriteExample(name, readFileSync(join(EXAMPLES, name), 'utf8'), addresses);
  expect(rewritten.entries.length, `${name} has no entry line`).toBeGreaterThan(0);
  const file = join(lab.dir, `example-${name}`);
  writeFileSync(file, rewritten.text);
  return { file, entries: rewritten.entries };
}

// ---------------------------------------------------------------- the agent

interface MountDecl {
  name: string;
  mountpoint: string;
  /** a per-mount probe interval */
  interval?: string;
}

/** The agent's config: rep_vol1 through the VIP with both servers behind it, once per mountpoint. */
function agentConfig(mounts: MountDecl[]): string {
  const lines = ['# fstab-reload lab test', 'probe:', '  interval: 1s', '  timeout: 5s', 'mounts:'];
  for (const mount of mounts) {
    lines.push(
      `  - name: ${mount.name}`,
      '    backend: glusterfs',
      `    volume: ${gluster().volume}`,
      `    servers: [${gluster().vip}, ${gfs(0).ip}, ${gfs(1).ip}]`,
      `    mountpoint: ${mount.mountpoint}`,
    );
    if (mount.interval !== undefined) lines.push('    probe:', `      interval: ${mount.interval}`);
  }
  return `${lines.join('\n')}\n`;
}

/** 1-based number of the first line of `text` containing `needle`. */
function lineOf(text: string, needle: string): number {
  const index = text.split('\n').findIndex((line) => line.includes(needle));
  if (index < 0) throw new Error(`"${needle}" is not in the config`);
  return index + 1;
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The command line `-f` printed: `command -o OPTIONS` with exactly `options`, in order, besides
 * the `rw` mount(8) adds to what it passes (where it adds it depends on the fstab line).
 */
function expectPrintedCommand(output: string, command: string, options: string[]): void {
  const line = output.split('\n').find((text) => text.startsWith(`${command} -o `));
  expect(line, `no "${command} -o ..." line in:\n${output}`).toBeDefined();
  const printed = line!.slice(`${command} -o `.length).replace(/^'(.*)'$/, '$1').split(',');
  expect(printed.filter((option) => option !== 'rw'), line).toEqual(options);
}

// ---------------------------------------------------------------- lifecycle

beforeAll(async () => {
  for (const file of [HA_MOUNT, MOUNT_HA, WRITER]) if (!existsSync(file)) throw new Error(`${file} is missing: run "npm run build" first (npm run test:lab does)`);
  lab = await startLab({ gluster: true, moosefs: true, onProgress: (message) => console.log(`[lab] ${message}`) });
  removeSignalCleanup = installSignalCleanup(lab);
  // exactly what is absent is added, and removed in afterAll
  removeFsdHelper = addMountHelperLink(FSD_HELPER);
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch((error: unknown) => console.log(`[fstab-reload] cleanup: ${String(error)}`));
  for (const [path, backend] of mounted) await unmountAndReap(path, backend).catch((error: unknown) => console.log(`[fstab-reload] unmount ${path}: ${String(error)}`));
  mounted.clear();
});

afterAll(async () => {
  try {
    removeFsdHelper();
  } finally {
    removeSignalCleanup();
    await lab?.stop();
  }
});

// ---------------------------------------------------------------- tests

describe('fstab examples and live reload on the lab', () => {
  it('each fstab example mounted by mount(8) on the lab', async () => {
    noteForeignHelper();
    const vip = gluster().vip;

    // GlusterFS through the VIP, both servers as backups
    const glusterExample = prepareExample('glusterfs-vip.fstab');
    const [glusterEntry] = glusterExample.entries;
    const glusterDir = newMountpoint('fstab-rep_vol1', 'glusterfs');
    expect(glusterEntry?.mountpoint).toBe(glusterDir);
    const glusterFake = await runInClient(lab, 'mount', ['-f', '-v', '-a', '-T', glusterExample.file]);
    expect(glusterFake.exitCode, glusterFake.stderr).toBe(0);
    // the README's command; mount(8) adds `rw` to the options it passes
    expectPrintedCommand(glusterFake.stdout, `mount -t glusterfs ${vip}:/${gluster().volume} ${glusterDir}`, [`backup-volfile-servers=${gfs(0).ip}:${gfs(1).ip}`, 'xlator-option=*-client-*.ping-timeout=10']);
    expect(mountAt(glusterDir)).toBeUndefined();
    const glusterMount = await runInClient(lab, 'mount', ['-a', '-v', '-T', glusterExample.file]);
    expect(glusterMount.exitCode, `${glusterMount.stdout}\n${glusterMount.stderr}`).toBe(0);
    expect(mountAt(glusterDir)).toMatchObject({ fstype: 'fuse.glusterfs', source: `${vip}:/${gluster().volume}` });
    const [glusterDaemon, ...moreGluster] = daemonsFor(glusterDir, 'glusterfs');
    expect(moreGluster).toEqual([]);
    const glusterArgv = readCmdline(glusterDaemon!).join(' ');
    expect(glusterArgv).toContain(`--volfile-server=${vip}`);
    expect(glusterArgv).toContain(`--volfile-server=${gfs(0).ip}`);
    expect(glusterArgv).toContain(`--volfile-server=${gfs(1).ip}`);
    expect(glusterArgv).toContain('--xlator-option=*-client-*.ping-timeout=10');
    // ha-mount's own options and fstab-only ones never reach the client
    expect(glusterArgv).not.toMatch(/probe-interval|servers=|_netdev|nofail|x-systemd/);
    await expectWritable(lab, glusterDir, 'fstab-reload');

    // MooseFS through the master VIP, the standby next
    const mooseExample = prepareExample('moosefs-vip.fstab');
    const mooseDir = newMountpoint('fstab-mfs', 'moosefs');
    expect(mooseExample.entries[0]?.mountpoint).toBe(mooseDir);
    const mooseFake = await runInClient(lab, 'mount', ['-f', '-v', '-a', '-T', mooseExample.file]);
    expect(mooseFake.exitCode, mooseFake.stderr).toBe(0);
    expectPrintedCommand(mooseFake.stdout, `mfsmount ${mooseDir} -H ${moose().vip} -P 9421`, ['mfscachemode=AUTO']);
    expect(mountAt(mooseDir)).toBeUndefined();
    const mooseMount = await runInClient(lab, 'mount', ['-a', '-v', '-T', mooseExample.file]);
    expect(mooseMount.exitCode, `${mooseMount.stdout}\n${mooseMount.stderr}`).toBe(0);
    expect(mountAt(mooseDir)).toMatchObject({ fstype: 'fuse', source: `mfs#${moose().vip}:9421` });
    expect(daemonsFor(mooseDir, 'moosefs')).toHaveLength(1);
    await expectWritable(lab, mooseDir, 'fstab-reload');

    // LizardFS: no LizardFS client exists here (MooseFS's mfsmount is installed): the command only
    const lizardExample = prepareExample('lizardfs.fstab');
    const [lizardEntry] = lizardExample.entries;
    const lizardDir = newMountpoint('fstab-lizard', 'lizardfs');
    expect(lizardEntry?.mountpoint).toBe(lizardDir);
    const helperArgs = [lizardEntry!.source, lizardDir, '-o', lizardEntry!.options, '-t', lizardEntry!.type];
    const lizardFake = await runInClient(lab, 'mount', ['-f', '-v', '-a', '-T', lizardExample.file]);
    const helperFake = await runInClient(lab, process.execPath, [MOUNT_HA, ...helperArgs, '-f']);
    expect(helperFake.exitCode, helperFake.stderr).toBe(0);
    expect(lizardFake.exitCode, lizardFake.stderr).toBe(helperFake.exitCode);
    for (const output of [lizardFake.stdout, helperFake.stdout]) expectPrintedCommand(output, `mfsmount ${lizardDir} -H ${moose().vip} -P 9421`, ['mfsacl']);
    // -f still says that a real mount would be refused, and why
    for (const output of [lizardFake.stderr, helperFake.stderr]) expect(output).toMatch(/warning: cannot mount LizardFS: the installed mfsmount is MooseFS's mfsmount/);
    expect(mountAt(lizardDir)).toBeUndefined();
    // without -f: the same refusal and exit status from mount(8) as from mount.ha itself, nothing mounted
    const lizardMount = await runInClient(lab, 'mount', ['-a', '-T', lizardExample.file]);
    const helperMount = await runInClient(lab, process.execPath, [MOUNT_HA, ...helperArgs]);
    expect(helperMount.exitCode).toBe(32);
    expect(helperMount.stderr).toMatch(/cannot mount LizardFS: the installed mfsmount is MooseFS's mfsmount/);
    console.log(`[fstab-reload] lizardfs.fstab: mount -f -v -a exit ${lizardFake.exitCode}: ${lizardFake.stdout.trim()} | ${lizardFake.stderr.trim()}`);
    console.log(`[fstab-reload] lizardfs.fstab: mount -a exit ${lizardMount.exitCode}: ${lizardMount.stderr.trim()}`);
    expect(lizardMount.exitCode).toBe(helperMount.exitCode);
    expect(lizardMount.stderr).toMatch(/cannot mount LizardFS: the installed mfsmount is MooseFS's mfsmount/);
    expect(mountAt(lizardDir)).toBeUndefined();

    // the test's own unmount: both go away and their clients end
    for (const [dir, backend] of [[glusterDir, 'glusterfs'], [mooseDir, 'moosefs']] as const) {
      await unmountAndReap(dir, backend);
      expect(mountAt(dir)).toBeUndefined();
      expect(daemonsFor(dir, backend)).toEqual([]);
    }
  }, 150_000);

  it('a config edit while mounts are in use', async () => {
    const dir = join(lab.dir, 'reload');
    mkdirSync(join(dir, 'state'), { recursive: true });
    const config = join(dir, 'config.yaml');
    const [mp1, mp2, mp3] = ['reload-1', 'reload-2', 'reload-3'].map((name) => newMountpoint(name, 'glusterfs')) as [string, string, string];
    const first: MountDecl = { name: 'first', mountpoint: mp1 };
    const second: MountDecl = { name: 'second', mountpoint: mp2 };
    const third: MountDecl = { name: 'third', mountpoint: mp3 };
    writeFileSync(config, agentConfig([first, second]));

    const agent = new AgentProcess(lab, { dir, config });
    const writers: WriterProcess[] = [];
    cleanups.push(async () => {
      for (const writer of writers) await writer.stop();
      await agent.stop();
      rmSync(KEEP_DIR, { recursive: true, force: true });
      cpSync(dir, KEEP_DIR, { recursive: true });
    });

    // both mounted by the agent and healthy; their FUSE daemons are what must survive everything below
    const started = await agent.waitForHealthy(['first', 'second'], 90_000);
    const pidOf = (status: AgentStatus | undefined, name: string): number | undefined => status?.mounts.find((mount) => mount.name === name)?.daemonPid;
    const pid1 = pidOf(started, 'first')!;
    const pid2 = pidOf(started, 'second')!;
    expect(pid1).not.toBe(pid2);
    for (const [pid, mountpoint] of [[pid1, mp1], [pid2, mp2]] as const) {
      expect(getBackend('glusterfs').isDaemonFor(readCmdline(pid), mountpoint), `/proc/${pid}/cmdline: ${readCmdline(pid).join(' ')}`).toBe(true);
      expect(daemonsFor(mountpoint, 'glusterfs')).toEqual([pid]);
      expect(mountAt(mountpoint)?.fstype).toBe('fuse.glusterfs');
    }
    // in use: a writer on each mount for the whole test
    writers.push(new WriterProcess(dir, join(mp1, 'writer'), WRITE_SLOWLY), new WriterProcess(dir, join(mp2, 'writer'), WRITE_SLOWLY));

    /** Every mount still served by the daemon it had, healthy, never remounted. */
    const expectUntouched = (expected: Record<string, number>): void => {
      const status = agent.status();
      for (const [name, pid] of Object.entries(expected)) {
        const mount = status?.mounts.find((entry) => entry.name === name);
        expect(mount, `${name} in status.json`).toBeDefined();
        expect(mount?.daemonPid, `${name}'s daemon pid`).toBe(pid);
        expect(mount?.state, `${name}: ${mount?.reason}`).toBe('healthy');
        expect(mount?.remounts, `${name}'s remounts`).toBe(0);
        expect(systemProc.exists(pid), `${name}'s daemon ${pid} alive`).toBe(true);
        expect(getBackend('glusterfs').isDaemonFor(readCmdline(pid), mount!.mountpoint)).toBe(true);
      }
    };
    const reloadedCount = (): number => agent.entries(/^reloaded$/).length;
    const watcherCount = (): number => agent.entries(/changed: reloading$/).length;
    const failedCount = (): number => agent.entries(/^reload failed/, 50).length;

    // (a) an edit as editors save it (temp file + rename): second's probe interval, a third mount
    const edited = agentConfig([first, { ...second, interval: '2s' }, third]);
    writeFileSync(`${config}.tmp`, edited);
    renameSync(`${config}.tmp`, config);
    const reloadA = await agent.waitForEntry(/^reloaded$/, 1, 30_000);
    expect(reloadA).toMatchObject({ added: ['third'], removed: [], changed: ['second'], unchanged: ['first'] });
    const afterA = await agent.waitForHealthy(['first', 'second', 'third'], 90_000);
    const pid3 = pidOf(afterA, 'third')!;
    expect(getBackend('glusterfs').isDaemonFor(readCmdline(pid3), mp3)).toBe(true);
    expect(mountAt(mp3)).toMatchObject({ fstype: 'fuse.glusterfs', source: `${gluster().vip}:/${gluster().volume}` });
    // first: not touched at all; second: its new supervisor adopted the mount (no remount either)
    expectUntouched({ first: pid1, second: pid2, third: pid3 });
    for (const mountpoint of [mp1, mp2, mp3]) expect(agent.entries(new RegExp(`^mounted ${escapeRegExp(mountpoint)} via `)), mountpoint).toHaveLength(1);

    // (b1) a YAML syntax error: logged with file:line, nothing changes, the agent keeps running
    const syntaxBroken = edited.replace(`    mountpoint: ${mp3}\n`, `    mountpoint: ${mp3}: oops: a typo\n`);
    const syntaxLine = lineOf(syntaxBroken, 'oops: a typo');
    writeFileSync(config, syntaxBroken);
    const syntaxError = await agent.waitForEntry(/^reload failed/, 1, 30_000, 50);
    expect(syntaxError.msg).toMatch(new RegExp(`^reload failed, keeping the running mounts: ${escapeRegExp(config)}:\\d+: invalid YAML`));
    // soft: the rest of the scenario still runs when only the line number is wrong
    expect.soft(syntaxError.msg, 'the YAML error names the line of the typo').toContain(`${config}:${syntaxLine}: invalid YAML`);

    // (b2) an invalid value in a well-formed file: file:line and the key path
    const valueBroken = edited.replace('      interval: 2s\n', '      interval: soon\n');
    const valueLine = lineOf(valueBroken, 'interval: soon');
    writeFileSync(config, valueBroken);
    const valueError = await agent.waitForEntry(/^reload failed/, 2, 30_000, 50);
    expect(valueError.msg).toContain(`${config}:${valueLine}: mounts[1].probe.interval:`);
    expect(valueError.msg).toContain('"soon"');
    // nothing was applied: no "reloaded" since (a); still running, still writing status, same daemons
    expect(reloadedCount()).toBe(1);
    const brokenAt = Date.now();
    await waitUntil('status.json rewritten after the broken edits', () => ((agent.status()?.updatedAt ?? 0) > brokenAt ? true : undefined), 30_000, 200);
    expect(agent.running).toBe(true);
    expect(agent.status()?.mounts.map((mount) => mount.name)).toEqual(['first', 'second', 'third']);
    expectUntouched({ first: pid1, second: pid2, third: pid3 });

    // (c) the valid file back: the watcher reloads and finds nothing to change...
    writeFileSync(config, edited);
    const reloadBack = await agent.waitForEntry(/^reloaded$/, 2, 30_000);
    expect(reloadBack).toMatchObject({ added: [], removed: [], changed: [], unchanged: ['first', 'second', 'third'] });
    // ...and SIGHUP alone reloads too (no file event: the watcher's count stays)
    const watcherBefore = watcherCount();
    agent.child.kill('SIGHUP');
    const reloadHup = await agent.waitForEntry(/^reloaded$/, 3, 30_000);
    expect(reloadHup).toMatchObject({ added: [], removed: [], changed: [], unchanged: ['first', 'second', 'third'] });
    expect(watcherCount()).toBe(watcherBefore);
    expect(failedCount()).toBe(2);
    // a few probe intervals later nothing has been remounted behind the reloads' back
    await sleep(3_000);
    expectUntouched({ first: pid1, second: pid2, third: pid3 });

    // the writers never saw a failure through all of it
    const records = await Promise.all(writers.splice(0).map((writer) => writer.stop()));
    for (const [index, writes] of records.entries()) {
      const analysis = analyzeWrites(writes, 5_000);
      console.log(`[fstab-reload] writer ${index + 1}: ${analysis.total} writes, ${analysis.failed} failed, max ${Math.round(analysis.maxLatencyMs)} ms`);
      expect(analysis.total).toBeGreaterThan(0);
      expect(analysis.failed).toBe(0);
    }

    // SIGTERM: the agent ends (exit 0) and leaves every mount as it is, even while the file is being
    // saved (an edit in the watcher's quiet period must not turn into a reload during the stop):
    // saves every 50 ms keep a reload pending, and SIGTERM comes in the middle of them
    const saving = (async () => {
      for (const until = Date.now() + 1_500; Date.now() < until && agent.running; await sleep(50)) writeFileSync(config, edited);
    })();
    await sleep(750);
    agent.child.kill('SIGTERM');
    const exit = await waitUntil('the agent exits after SIGTERM', async () => {
      const result = await Promise.race([agent.exited, sleep(200).then(() => undefined)]);
      return result;
    }, 60_000, 0);
    await saving;
    expect(exit).toEqual({ code: 0, signal: null });
    expect(agent.entries(/^agent stopped; mounts left as they are$/)).toHaveLength(1);
    for (const [mountpoint, pid] of [[mp1, pid1], [mp2, pid2], [mp3, pid3]] as const) {
      expect(mountAt(mountpoint)?.fstype, mountpoint).toBe('fuse.glusterfs');
      expect(systemProc.exists(pid), `daemon ${pid} of ${mountpoint}`).toBe(true);
    }
    await expectWritable(lab, mp1, 'fstab-reload');

    // the test unmounts them; their clients end
    for (const mountpoint of [mp1, mp2, mp3]) {
      await unmountAndReap(mountpoint, 'glusterfs');
      expect(mountAt(mountpoint)).toBeUndefined();
      expect(daemonsFor(mountpoint, 'glusterfs')).toEqual([]);
    }
  }, 240_000);
});
