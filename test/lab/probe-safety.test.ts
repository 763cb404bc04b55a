// Issue 15 item 1 on a real GlusterFS mount: anyone who can create entries under
// `<mount>/.ha-mount/` (root on any other client) planted a symlink at the probe file, or made the
// host folder a symlink, and every client's agent truncated and overwrote a local file of their
// choice while its probe said ok. Here the running agent and `ha-mount check --write` must leave
// the outside target untouched and report the volume as tampered with.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../../src/exec/run.js';
import { glusterOf, glusterServer, waitUntil } from '../../src/lab/lab-access.js';
import { installSignalCleanup, startLab } from '../../src/lab/lab.js';
import type { Lab } from '../../src/lab/lab-types.js';
import { systemProc } from '../../src/probes/proc.js';
import { AgentProcess } from './support/agent-process.js';
import { daemonsFor, HA_MOUNT, runInClient } from './support/lab-helpers.js';

const VICTIM_TEXT = 'root-owned local file: must never change\n';

let lab: Lab;
let agent: AgentProcess;
let mountpoint: string;
let removeSignalCleanup: () => void = () => undefined;

/** The agent's probe folder and file on the volume, once its probes have made them. */
async function probePaths(): Promise<{ hostFolder: string; file: string }> {
  const hostFolder = join(mountpoint, '.ha-mount', hostname());
  const name = await waitUntil(`a probe file in ${hostFolder}`, () => existsSync(hostFolder) && readdirSync(hostFolder).find((entry) => /^probe-[0-9a-f]{12}$/.test(entry)), 10_000);
  return { hostFolder, file: join(hostFolder, name) };
}

/** Waits for the agent to call the mount degraded for tampering; the error when it does not (asserted after the outside checks). */
function waitForTamperAlert(): Promise<unknown> {
  return agent.waitForState('degraded', 20_000, (mount) => /tampering/.test(mount.reason)).then(() => undefined, (error: unknown) => error);
}

/** `ha-mount check --write` from the client's network namespace. */
async function checkWrite(): Promise<{ code: number | null | undefined; line: string }> {
  const result = await runInClient(lab, process.execPath, [HA_MOUNT, 'check', mountpoint, '--write'], 30_000);
  return { code: result.exitCode, line: result.stdout.trim() };
}

beforeAll(async () => {
  if (!existsSync(HA_MOUNT)) throw new Error(`${HA_MOUNT} is missing: run "npm run build" first`);
  lab = await startLab({ gluster: true, onProgress: (message) => console.log(`[lab] ${message}`) });
  removeSignalCleanup = installSignalCleanup(lab);
  const gluster = glusterOf(lab);
  const dir = join(lab.dir, 'probe-safety');
  mountpoint = join(lab.dir, 'mnt', 'probe-safety');
  mkdirSync(join(dir, 'state'), { recursive: true });
  mkdirSync(mountpoint, { recursive: true });
  const servers = [gluster.vip, glusterServer(lab, 0).ip, glusterServer(lab, 1).ip];
  writeFileSync(join(dir, 'config.yaml'), `probe:\n  interval: 1s\n  timeout: 5s\n  fall: 2\nmounts:\n  - name: vol\n    volume: ${gluster.volume}\n    servers: [${servers.join(', ')}]\n    mountpoint: ${mountpoint}\n`);
  agent = new AgentProcess(lab, { dir });
  await agent.waitForState('healthy', 30_000);
});

afterAll(async () => {
  await agent?.stop(5_000);
  if (mountpoint !== undefined) {
    await runCommand({ file: 'umount', args: ['-l', mountpoint] }, { timeoutMs: 10_000 });
    for (const pid of daemonsFor(mountpoint, 'glusterfs')) if (systemProc.exists(pid)) process.kill(pid, 'SIGKILL');
  }
  removeSignalCleanup();
  await lab?.stop();
});

describe('the write probe on a GlusterFS volume where someone planted symlinks', () => {
  it('when the probe file is a symlink to a local file then the agent and check --write leave the file untouched and report tampering', async () => {
    const victim = join(lab.dir, 'victim-file');
    writeFileSync(victim, VICTIM_TEXT);
    const { file } = await probePaths();
    const checkFile = `${file}-check`; // check --write's own probe file
    unlinkSync(file);
    symlinkSync(victim, file);
    rmSync(checkFile, { force: true });
    symlinkSync(victim, checkFile);
    try {
      const notAlerted = await waitForTamperAlert();
      const check = await checkWrite();
      expect(readFileSync(victim, 'utf8')).toBe(VICTIM_TEXT);
      expect(notAlerted).toBeUndefined();
      expect(check.code, check.line).toBe(2);
      expect(check.line).toMatch(/CRITICAL .*someone is tampering with the volume: .* is a symlink/);
    } finally {
      unlinkSync(file);
      unlinkSync(checkFile);
    }
    await agent.waitForState('healthy', 20_000);
    expect(readFileSync(victim, 'utf8')).toBe(VICTIM_TEXT);
  });

  it('when the host folder is a symlink to a local folder then nothing is written there and the volume is reported as tampered with', async () => {
    const outside = join(lab.dir, 'victim-folder');
    mkdirSync(outside, { recursive: true });
    const { hostFolder, file } = await probePaths();
    // what the old probe overwrote: the file of the probe's name in the folder the link points to
    const planted = join(outside, file.slice(hostFolder.length + 1));
    writeFileSync(planted, VICTIM_TEXT);
    renameSync(hostFolder, `${hostFolder}.away`);
    symlinkSync(outside, hostFolder);
    try {
      const notAlerted = await waitForTamperAlert();
      const check = await checkWrite();
      expect(readdirSync(outside)).toEqual([planted.slice(outside.length + 1)]);
      expect(readFileSync(planted, 'utf8')).toBe(VICTIM_TEXT);
      expect(notAlerted).toBeUndefined();
      expect(check.code, check.line).toBe(2);
      expect(check.line).toMatch(/CRITICAL .*someone is tampering with the volume/);
    } finally {
      unlinkSync(hostFolder);
      renameSync(`${hostFolder}.away`, hostFolder);
    }
    await agent.waitForState('healthy', 20_000);
    expect(readFileSync(planted, 'utf8')).toBe(VICTIM_TEXT);
    rmSync(outside, { recursive: true, force: true });
  });
});
