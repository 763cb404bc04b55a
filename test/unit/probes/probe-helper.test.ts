// The real Perl helper on a local folder standing in for a mount.
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ProbeHelper } from '../../../src/probes/probe-helper.js';
import type { ProbeRequest } from '../../../src/probes/probe-protocol.js';
import { deviceOf } from './device-of.js';

describe('the probe helper', () => {
  let dir: string | undefined;
  let helper: ProbeHelper | undefined;
  afterEach(() => {
    helper?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  const request = (mountpoint: string, index: number): ProbeRequest => ({ write: true, mountpoint, device: deviceOf(mountpoint), host: 'h', fileName: `probe-${index}`, token: `token ${index}\n`, nonce: index.toString(16) });
  const helperPid = (running: ProbeHelper): number => (running as unknown as { child?: { pid?: number } }).child?.pid ?? -1;

  it('when 20 mounts ask for a probe in the same turn then one helper runs them all and each gets its own result', async () => {
    dir = mkdtempSync(join(tmpdir(), 'ha-mount-helper-'));
    helper = new ProbeHelper();
    const probes = Array.from({ length: 20 }, (_, index) => helper!.run(request(dir!, index)));
    const ends = await Promise.all(probes.map((probe) => probe.end));
    await Promise.all(probes.map((probe) => probe.exited));
    expect(ends.map((end) => (end.kind === 'report' ? end.report.verdict : end.kind))).toEqual(Array.from({ length: 20 }, () => 'ok'));
  });

  it('when the helper dies with probes in flight then they end as failed, saying so, and the next probe starts a new helper', async () => {
    dir = mkdtempSync(join(tmpdir(), 'ha-mount-helper-'));
    helper = new ProbeHelper();
    await helper.run(request(dir, 0)).exited;
    const first = helperPid(helper);
    process.kill(first, 'SIGSTOP'); // it cannot answer the next request
    const lost = helper.run(request(dir, 1));
    await new Promise((resolve) => setTimeout(resolve, 50));
    process.kill(first, 'SIGKILL');
    expect(await lost.end).toEqual({ kind: 'failed', message: 'the probe helper exited (SIGKILL)' });
    await lost.exited;
    const next = helper.run(request(dir, 2));
    expect(await next.end).toMatchObject({ kind: 'report', report: { verdict: 'ok' } });
    expect(helperPid(helper)).not.toBe(first);
  });

  it('when 20 mounts ask for a probe in the same turn then one batch child runs them and each gets its own verdict', async () => {
    dir = mkdtempSync(join(tmpdir(), 'ha-mount-helper-'));
    helper = new ProbeHelper();
    // lookups and writes mixed, as mounts whose write is due tick beside those that only look up
    const lookup = (index: number): ProbeRequest => ({ ...request(dir!, index), write: index % 3 === 0, ...(index === 7 ? { device: '0:0' } : {}) });
    const probes = Array.from({ length: 20 }, (_, index) => helper!.run(lookup(index)));
    const ends = await Promise.all(probes.map((probe) => probe.end));
    await Promise.all(probes.map((probe) => probe.exited));
    // mount 7 claims another device: its verdict is its own, the lookups after it still answer
    expect(ends.map((end) => (end.kind === 'report' ? end.report.verdict : end.kind))).toEqual(Array.from({ length: 20 }, (_, index) => (index === 7 ? 'unsafe' : 'ok')));
  });

  it('when a lookup holds up its batch past the deadline then the others run alone and answer, and that mount is probed alone until it answers in time', async () => {
    dir = mkdtempSync(join(tmpdir(), 'ha-mount-helper-'));
    const sent = join(dir, 'requests');
    const fake = join(dir, 'fake-helper');
    // a stand-in helper: answers every lookup at once, except those of a mount named "stuck" while
    // it is stuck; a batch stops at it, as a child stuck in a FUSE call would; logs every request
    writeFileSync(fake, `#!${process.execPath}
const { appendFileSync, existsSync } = require('node:fs');
const out = (line) => process.stdout.write(line + '\\n');
const stuck = (hex) => Buffer.from(hex, 'hex').toString().endsWith('stuck') && !existsSync(${JSON.stringify(join(dir, 'unstuck'))});
const batches = new Set();
require('node:readline').createInterface({ input: process.stdin }).on('line', (line) => {
  appendFileSync(${JSON.stringify(sent)}, line + '\\n');
  const [command, id, ...fields] = line.split(' ');
  if (command === 'k') { if (batches.delete(id)) out(id + ' x 9'); return; }
  if (command === 'p') {
    out(id + ' s 1');
    if (!stuck(fields[1])) { out(id + ' r ok lookup 0 answered lookup'); out(id + ' x 0'); }
    return;
  }
  out(id + ' s 1');
  for (let at = 0; at < fields.length; at += 8) {
    if (stuck(fields[at + 2])) { batches.add(id); return; }
    out(fields[at] + ' r ok lookup 0 answered lookup');
  }
  out(id + ' x 0');
});
`);
    chmodSync(fake, 0o755);
    helper = new ProbeHelper(fake, 100);
    const lookup = (name: string): ProbeRequest => ({ ...request(dir!, 0), mountpoint: join(dir!, name), write: false });
    const names = ['a', 'b', 'stuck', 'c', 'd'];
    const probes = names.map((name) => helper!.run(lookup(name)));
    const verdict = async (index: number): Promise<string> => {
      const end = await probes[index]!.end;
      return end.kind === 'report' ? end.report.verdict : end.kind;
    };
    expect(await Promise.all([0, 1, 3, 4].map(verdict))).toEqual(['ok', 'ok', 'ok', 'ok']);
    const lines = (): string[] => readFileSync(sent, 'utf8').trim().split('\n');
    expect(lines()[0]).toMatch(/^b \d+ /);
    // past the deadline the batch is killed and the unanswered lookups (stuck, c, d) run alone
    expect(lines().filter((line) => line.startsWith('p ')).length).toBe(3);
    expect(lines().some((line) => line.startsWith('k '))).toBe(true);
    probes[2]!.kill();
    // the next turn: the stuck mount runs alone, the others in a batch again
    const again = ['a', 'stuck', 'b'].map((name) => helper!.run(lookup(name)));
    await Promise.all([again[0]!.end, again[2]!.end]);
    const turn = lines().slice(-3);
    expect(turn.filter((line) => line.startsWith('b ')).length).toBe(1);
    expect(turn.filter((line) => line.startsWith('p ') && line.includes(Buffer.from(join(dir!, 'stuck')).toString('hex'))).length).toBe(1);
    // once its lookup answers within the deadline, it rejoins the batches
    writeFileSync(join(dir, 'unstuck'), '');
    again[1]!.kill();
    expect(await helper.run(lookup('stuck')).end).toMatchObject({ kind: 'report' });
    const last = ['stuck', 'a'].map((name) => helper!.run(lookup(name)));
    await Promise.all(last.map((probe) => probe.end));
    expect(lines().at(-1)).toMatch(/^b \d+ /);
  });

  it('when a probe is killed in the turn it was asked for then the kill follows its request to the helper', async () => {
    dir = mkdtempSync(join(tmpdir(), 'ha-mount-helper-'));
    const sent = join(dir, 'requests');
    const fake = join(dir, 'fake-helper');
    // a stand-in helper whose probes never answer until killed; logs every request
    writeFileSync(fake, `#!${process.execPath}
const { appendFileSync } = require('node:fs');
require('node:readline').createInterface({ input: process.stdin }).on('line', (line) => {
  appendFileSync(${JSON.stringify(sent)}, line + '\\n');
  const [command, id] = line.split(' ');
  if (command === 'p') process.stdout.write(id + ' s 1\\n');
  if (command === 'k') process.stdout.write(id + ' x 9\\n');
});
`);
    chmodSync(fake, 0o755);
    helper = new ProbeHelper(fake, 100);
    const probe = helper.run({ ...request(dir, 0), write: false });
    probe.kill();
    expect(await probe.end).toEqual({ kind: 'killed' });
    await probe.exited;
    expect(readFileSync(sent, 'utf8').trim().split('\n').map((line) => line.split(' ')[0])).toEqual(['p', 'k']);
  });

  it('when the interpreter is missing then the probe ends as failed and names it', async () => {
    dir = mkdtempSync(join(tmpdir(), 'ha-mount-helper-'));
    helper = new ProbeHelper('/nonexistent/perl');
    const probe = helper.run(request(dir, 0));
    expect(await probe.end).toMatchObject({ kind: 'failed', message: expect.stringMatching(/\/nonexistent\/perl.*ENOENT/) });
    await probe.exited;
  });
});
