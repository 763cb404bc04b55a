import { chmodSync, chownSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { describeAgentLiveness, readStatusFile, resolveStateDir, writeStatusFile, type AgentStatus } from '../../../src/agent/status-file.js';
import { buildStatusReport, formatStatus } from '../../../src/agent/status-format.js';
import { showStatus } from '../../../src/cli/status-command.js';
import { HaMountError } from '../../../src/errors.js';

const NOW = Date.UTC(2026, 10, 21, 12, 0, 0);
const status: AgentStatus = {
  version: 1,
  pid: 4242,
  host: 'client1',
  startedAt: NOW - 3_600_000,
  updatedAt: NOW - 2_000,
  sources: ['/etc/ha-mount/ha-mount.yaml'],
  mounts: [
    { name: 'data', mountpoint: '/mnt/data', backend: 'glusterfs', state: 'healthy', since: NOW - 180_000, reason: 'probe answered', server: '10.0.0.10', lastProbe: { at: NOW - 500, latencyMs: 12, verdict: 'ok', detail: 'ok' }, remounts: 2, daemonPid: 77 },
    { name: 'mfs', mountpoint: '/mnt/mfs', backend: 'moosefs', state: 'hung', since: NOW - 7_000, reason: 'hung 5 s: probe got no answer', lastProbe: { at: NOW - 2_000, latencyMs: 5_000, verdict: 'timeout', detail: 'no answer' }, remounts: 0 },
  ],
};

describe('formatStatus', () => {
  it('when the agent runs then the header says so and every mount has its state, since, server, latency and remounts', () => {
    const lines = formatStatus(status, 'running', NOW);
    expect(lines[0]).toMatch(/^agent running: pid 4242 on client1/);
    expect(lines[1]).toMatch(/^MOUNT\s+MOUNTPOINT\s+STATE\s+SINCE\s+SERVER\s+LAST PROBE\s+REMOUNTS\s+REASON$/);
    expect(lines[2]).toMatch(/^data\s+\/mnt\/data\s+healthy\s+3m ago\s+10\.0\.0\.10\s+12 ms\s+2\s+probe answered$/);
    expect(lines[3]).toMatch(/^mfs\s+\/mnt\/mfs\s+hung\s+7s ago\s+-\s+>5000 ms\s+0\s+hung 5 s/);
  });

  it('when a mount is hung then a line after the table gives its reason, for how long, since when, the last probe and what it means for I/O', () => {
    const lines = formatStatus(status, 'running', NOW);
    expect(lines.slice(-2)).toEqual([
      '',
      'mfs (/mnt/mfs) HUNG for 7s, since 2026-11-21 11:59:53Z: hung 5 s: probe got no answer; last probe 2s ago: no answer within 5s; I/O on it blocks: the probe got no answer within the probe timeout',
    ]);
  });

  it('when a mount is degraded then the line names the bricks down and says I/O works', () => {
    const degraded = { ...status, mounts: [{ name: 'data', mountpoint: '/mnt/data', backend: 'glusterfs', state: 'degraded' as const, since: NOW - 95_000, reason: 'brick rep_vol1-client-0 disconnected', bricksDown: ['rep_vol1-client-0'], lastProbe: { at: NOW - 400, latencyMs: 14, verdict: 'ok' as const, detail: 'ok' }, remounts: 0 }] };
    expect(formatStatus(degraded, 'running', NOW).at(-1)).toBe(
      'data (/mnt/data) DEGRADED for 1.6m, since 2026-11-21 11:58:25Z: brick rep_vol1-client-0 disconnected; last probe 400ms ago: ok in 14ms; bricks down: rep_vol1-client-0; I/O works, but slowly or with less redundancy',
    );
  });

  it('when every mount is healthy then no problem line follows the table', () => {
    const healthy = { ...status, mounts: status.mounts.slice(0, 1) };
    expect(formatStatus(healthy, 'running', NOW)).toHaveLength(3);
  });

  it('when the agent is gone then the first line says clearly that no agent runs', () => {
    expect(formatStatus(status, 'gone', NOW)[0]).toMatch(/^NO AGENT RUNNING: pid 4242 is gone/);
  });

  it('when the agent stopped writing then it is reported as not answering', () => {
    expect(formatStatus(status, 'stale', NOW)[0]).toMatch(/^AGENT NOT ANSWERING/);
  });

  it('when printed as JSON then times are ISO strings beside the numbers', () => {
    const report = buildStatusReport(status, 'running');
    expect(report.agent).toMatchObject({ state: 'running', pid: 4242, updatedAt: '2026-11-21T11:59:58.000Z' });
    expect(report.mounts[0]).toMatchObject({ name: 'data', state: 'healthy', sinceIso: '2026-11-21T11:57:00.000Z' });
  });
});

describe('describeAgentLiveness', () => {
  it.each([
    [true, NOW - 2_000, 'running'],
    [true, NOW - 60_000, 'stale'],
    [false, NOW - 2_000, 'gone'],
  ] as const)('when the pid exists=%s and the status was written at %i then it is %s', (exists, updatedAt, expected) => {
    expect(describeAgentLiveness({ ...status, updatedAt }, NOW, () => exists)).toBe(expected);
  });
});

describe('the status file', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('when written then it reads back the same and no temp file is left', () => {
    dir = mkdtempSync(join(tmpdir(), 'ha-mount-state-'));
    writeStatusFile(join(dir, 'sub'), status);
    expect(readStatusFile(join(dir, 'sub'))).toEqual(status);
    expect(readdirSync(join(dir, 'sub'))).toEqual(['status.json']);
  });

  it('when no agent ever wrote one then status fails with a message that says no agent runs', () => {
    dir = mkdtempSync(join(tmpdir(), 'ha-mount-state-'));
    expect(() => showStatus({ print: () => undefined }, { stateDir: dir! })).toThrow(HaMountError);
    expect(() => showStatus({ print: () => undefined }, { stateDir: dir! })).toThrow(/no agent is running/);
  });

  it('when status --json runs then it prints the report document', () => {
    dir = mkdtempSync(join(tmpdir(), 'ha-mount-state-'));
    writeStatusFile(dir, status);
    const printed: string[] = [];
    showStatus({ print: (line) => printed.push(line) }, { stateDir: dir, json: true }, NOW, () => true);
    expect(JSON.parse(printed.join('\n'))).toMatchObject({ agent: { state: 'running' }, mounts: [{ name: 'data' }, { name: 'mfs' }] });
    expect(readFileSync(join(dir, 'status.json'), 'utf8')).toContain('"version": 1');
  });

  it('when a symlink is planted at the temp file then the write neither follows it nor leaves it as status.json', () => {
    dir = mkdtempSync(join(tmpdir(), 'ha-mount-state-'));
    const victim = join(dir, 'victim');
    writeFileSync(victim, 'root-owned content\n');
    const state = join(dir, 'state');
    writeStatusFile(state, status);
    symlinkSync(victim, join(state, `status.json.${process.pid}.tmp`));
    writeStatusFile(state, status);
    expect(readFileSync(victim, 'utf8')).toBe('root-owned content\n');
    expect(lstatSync(join(state, 'status.json')).isFile()).toBe(true);
    expect(readStatusFile(state)).toEqual(status);
  });

  it('when the state folder is writable by group or others then writing refuses with a clear error', () => {
    dir = mkdtempSync(join(tmpdir(), 'ha-mount-state-'));
    chmodSync(dir, 0o777);
    expect(() => writeStatusFile(dir!, status)).toThrow(/writable by group or others \(mode 777\).*chmod 755/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it.skipIf(process.getuid?.() !== 0)('when the state folder belongs to another user then writing refuses with a clear error', () => {
    dir = mkdtempSync(join(tmpdir(), 'ha-mount-state-'));
    chownSync(dir, 65_534, 65_534);
    expect(() => writeStatusFile(dir!, status)).toThrow(/owned by uid 65534, not root/);
  });

  it('when status.json is a FIFO then status refuses at once instead of blocking on it', () => {
    dir = mkdtempSync(join(tmpdir(), 'ha-mount-state-'));
    execFileSync('mkfifo', [join(dir, 'status.json')]);
    expect(() => showStatus({ print: () => undefined }, { stateDir: dir! })).toThrow(/is a FIFO, not a regular file/);
  });

  it('when HA_MOUNT_STATE_DIR is set then it is the state folder unless an option says otherwise', () => {
    expect(resolveStateDir(undefined, { HA_MOUNT_STATE_DIR: '/tmp/x' })).toBe('/tmp/x');
    expect(resolveStateDir('/tmp/y', { HA_MOUNT_STATE_DIR: '/tmp/x' })).toBe('/tmp/y');
    expect(resolveStateDir(undefined, {})).toBe('/run/ha-mount');
  });
});
