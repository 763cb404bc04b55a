// Regression tests for issue 15 item 1: the write probe followed a symlink planted on the volume
// (at the probe file, or a symlinked `.ha-mount/<host>` folder) and overwrote a local file while
// it said "ok". A local temp folder stands in for the mount root, with that folder's device.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildCheckReport, NagiosCode } from '../../../src/probes/check.js';
import { buildProbePaths } from '../../../src/probes/probe-plan.js';
import { createProbeRunner } from '../../../src/probes/probe-runner.js';
import type { ProbeTarget } from '../../../src/probes/probe-types.js';
import { weighProbe } from '../../../src/supervisor/weigh-probe.js';
import { deviceOf } from './device-of.js';

const OUTSIDE_TEXT = 'root-owned local file: must never change\n';

describe('the write probe on a volume holding planted symlinks', () => {
  let root: string | undefined;
  afterEach(() => {
    if (root) rmSync(root, { recursive: true, force: true });
    root = undefined;
  });

  /** A "mount" and an outside folder holding a victim file, side by side. */
  function setUp(): { mount: string; outside: string; victim: string; target: ProbeTarget } {
    root = mkdtempSync(join(tmpdir(), 'ha-mount-probe-safety-'));
    const mount = join(root, 'mnt');
    const outside = join(root, 'etc');
    mkdirSync(mount);
    mkdirSync(outside);
    const victim = join(outside, 'shadow');
    writeFileSync(victim, OUTSIDE_TEXT);
    return { mount, outside, victim, target: { mountpoint: mount, device: deviceOf(mount), write: true, host: 'client1' } };
  }

  it('when the probe file is a symlink to a local file then the file is untouched and the probe reports tampering', async () => {
    const { mount, victim, target } = setUp();
    const paths = buildProbePaths(target, 'x');
    mkdirSync(paths.hostFolder, { recursive: true });
    symlinkSync(victim, paths.file);
    const result = await createProbeRunner()(target).result;
    expect(readFileSync(victim, 'utf8')).toBe(OUTSIDE_TEXT);
    expect(result.verdict).toBe('tampered');
    expect(result.detail).toMatch(/symlink/);
    expect(mount).toBeTruthy();
  });

  it('when the host folder is a symlink to a local folder then nothing is created there and the probe reports tampering', async () => {
    const { outside, victim, target } = setUp();
    const paths = buildProbePaths(target, 'x');
    mkdirSync(paths.folder);
    symlinkSync(outside, paths.hostFolder);
    // the file the probe would write in the outside folder, if it followed the link
    const planted = join(outside, paths.file.slice(paths.hostFolder.length + 1));
    writeFileSync(planted, OUTSIDE_TEXT);
    const result = await createProbeRunner()(target).result;
    expect(readFileSync(planted, 'utf8')).toBe(OUTSIDE_TEXT);
    expect(readFileSync(victim, 'utf8')).toBe(OUTSIDE_TEXT);
    expect(result.verdict).toBe('tampered');
  });

  it('when the .ha-mount folder is a symlink to a local folder then nothing is created there and the probe reports tampering', async () => {
    const { mount, outside, target } = setUp();
    symlinkSync(outside, join(mount, '.ha-mount'));
    const result = await createProbeRunner()(target).result;
    expect(() => statSync(join(outside, 'client1'))).toThrow();
    expect(result.verdict).toBe('tampered');
  });
});

describe('a tampered volume as the agent and the check report it', () => {
  const tampered = { verdict: 'tampered' as const, step: 'write' as const, latencyMs: 3, detail: 'someone is tampering with the volume: /m/.ha-mount/h/probe-1 is a symlink; nothing was written' };

  it('when a probe reports tampering then the agent weighs it as an alert (soft: degraded), never ok and never a remount', () => {
    expect(weighProbe(tampered, [], 2_000, true)).toEqual({ signal: { kind: 'probe', verdict: 'soft', reason: tampered.detail, latencyMs: 3, daemonAlive: true }, cause: 'tampered' });
  });

  it('when ha-mount check --write finds tampering then it is CRITICAL and says so', () => {
    const report = buildCheckReport('/m', { kind: 'probe', result: tampered, backend: 'glusterfs', source: 'gfs1:/v', daemonPid: 7, downBricks: [] }, { warningMs: 2_000, criticalMs: 5_000 });
    expect(report.code).toBe(NagiosCode.CRITICAL);
    expect(report.line).toMatch(/HA-MOUNT CRITICAL .*someone is tampering with the volume/);
  });
});
