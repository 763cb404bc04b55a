import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createProbeRunner } from '../../../src/probes/probe-runner.js';

// The real coreutils children on a plain local folder standing in for a mount.
describe('the probe with real coreutils', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  const deviceOf = (path: string): string => {
    const dev = statSync(path).dev;
    // Linux new_encode_dev: major = (dev >> 8) & 0xfff, minor = (dev & 0xff) | ((dev >> 12) & 0xfff00)
    return `${(dev >> 8) & 0xfff}:${(dev & 0xff) | ((dev >> 12) & 0xfff00)}`;
  };

  it('when the folder is on the expected device then the token is written, synced and read back', async () => {
    dir = mkdtempSync(join(tmpdir(), 'ha-mount-probe-'));
    const result = await createProbeRunner()({ mountpoint: dir, device: deviceOf(dir), write: true, host: 'client1' }).result;
    expect(result).toMatchObject({ verdict: 'ok' });
    const [probeFile] = readdirSync(join(dir, '.ha-mount', 'client1'));
    expect(probeFile).toMatch(/^probe-[0-9a-f]{12}$/);
    expect(readFileSync(join(dir, '.ha-mount', 'client1', probeFile ?? ''), 'utf8')).toMatch(/^ha-mount client1 /);
  });

  it('when the device differs (a vanished mount) then nothing is created below the folder', async () => {
    dir = mkdtempSync(join(tmpdir(), 'ha-mount-probe-'));
    const result = await createProbeRunner()({ mountpoint: dir, device: '0:9999', write: true, host: 'client1' }).result;
    expect(result.verdict).toBe('unsafe');
    expect(() => statSync(join(dir!, '.ha-mount'))).toThrow();
  });
});
