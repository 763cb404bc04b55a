// The real Perl helper on a local folder standing in for a mount.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ProbeHelper } from '../../../src/probes/probe-helper.js';
import { parseProcStat } from '../../../src/probes/proc.js';
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

  it('when a batch runs then its answers reach the agent together: a few pipe reads, not one per line', async () => {
    dir = mkdtempSync(join(tmpdir(), 'ha-mount-helper-'));
    helper = new ProbeHelper();
    await helper.run(request(dir, 100)).exited; // the helper is up
    const stdout = (helper as unknown as { child: { stdout: NodeJS.ReadableStream } }).child.stdout;
    let chunks = 0;
    let text = '';
    const count = (chunk: string): void => {
      chunks += 1;
      text += chunk;
    };
    stdout.on('data', count);
    const probes = Array.from({ length: 20 }, (_, index) => helper!.run({ ...request(dir!, index), write: false }));
    await Promise.all(probes.map((probe) => probe.exited));
    stdout.off('data', count);
    // 22 lines (s, 20 r, x): held by the helper until the child is reaped, or 20 ms
    expect(text.trimEnd().split('\n')).toHaveLength(22);
    expect(chunks).toBeLessThanOrEqual(2);
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
    // the stand-in is a node process: under load its start alone can outlast the 100 ms deadline
    await helper.run(lookup('warm-up')).exited;
    const skip = readFileSync(sent, 'utf8').trim().split('\n').length;
    const names = ['a', 'b', 'stuck', 'c', 'd'];
    const probes = names.map((name) => helper!.run(lookup(name)));
    const verdict = async (index: number): Promise<string> => {
      const end = await probes[index]!.end;
      return end.kind === 'report' ? end.report.verdict : end.kind;
    };
    expect(await Promise.all([0, 1, 3, 4].map(verdict))).toEqual(['ok', 'ok', 'ok', 'ok']);
    const lines = (): string[] => readFileSync(sent, 'utf8').trim().split('\n').slice(skip);
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

  describe('its workers', () => {
    const childrenOf = (pid: number): number[] => readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
    const pidsOf = (running: ProbeHelper): number[] => childrenOf(helperPid(running));
    const verdictOf = async (probe: ReturnType<ProbeHelper['run']>): Promise<string> => {
      const end = await probe.end;
      await probe.exited;
      return end.kind === 'report' ? end.report.verdict : end.kind;
    };
    /** two mounts' probes in one turn: one batch request */
    const batch = (running: ProbeHelper, index: number, write = true) => [running.run({ ...request(dir!, index), write }), running.run({ ...request(dir!, index + 100), write: false })];
    const settle = async (probes: ReturnType<ProbeHelper['run']>[]): Promise<string[]> => Promise.all(probes.map(verdictOf));
    const fewerThan = async (running: ProbeHelper, count: number): Promise<void> => {
      const until = Date.now() + 2_000;
      while (pidsOf(running).length >= count && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 20));
    };

    it('when batches follow one another then one worker runs them all, and between them it holds nothing of the mount', async () => {
      dir = mkdtempSync(join(tmpdir(), 'ha-mount-helper-'));
      helper = new ProbeHelper();
      const workers = new Set<number>();
      for (let index = 0; index < 5; index += 1) {
        expect(await settle(batch(helper, index, index % 2 === 0))).toEqual(['ok', 'ok']);
        for (const pid of pidsOf(helper)) workers.add(pid);
      }
      expect(workers.size).toBe(1);
      const [worker] = [...workers];
      expect(readlinkSync(`/proc/${worker}/cwd`)).toBe('/');
      const open = readdirSync(`/proc/${worker}/fd`).map((fd) => readlinkSync(`/proc/${worker}/fd/${fd}`));
      expect(open.filter((target) => target.startsWith(dir!))).toEqual([]);
    });

    it('when one mount is probed alone then its worker ends after each probe: none waits between them', async () => {
      dir = mkdtempSync(join(tmpdir(), 'ha-mount-helper-'));
      helper = new ProbeHelper();
      for (let index = 0; index < 3; index += 1) {
        expect(await verdictOf(helper.run(request(dir, index)))).toBe('ok');
        await fewerThan(helper, 1);
        expect(pidsOf(helper)).toEqual([]);
      }
    });

    it('when a worker is stuck and killed then its probes end as killed and the next batch gets a new worker', async () => {
      dir = mkdtempSync(join(tmpdir(), 'ha-mount-helper-'));
      helper = new ProbeHelper();
      expect(await settle(batch(helper, 0))).toEqual(['ok', 'ok']);
      const [first] = pidsOf(helper);
      process.kill(first!, 'SIGSTOP'); // as a worker blocked in a hung mount: it takes the request and never answers
      const stuck = helper.run(request(dir, 1));
      let settled = false;
      void stuck.end.then(() => (settled = true));
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(settled).toBe(false);
      stuck.kill();
      expect(await verdictOf(stuck)).toBe('killed');
      expect(await settle(batch(helper, 2))).toEqual(['ok', 'ok']);
      expect(pidsOf(helper)).not.toContain(first);
      expect(pidsOf(helper)).toHaveLength(1);
    });

    it('when the idle worker died then the next batch is still answered, by a new worker', async () => {
      dir = mkdtempSync(join(tmpdir(), 'ha-mount-helper-'));
      helper = new ProbeHelper();
      expect(await settle(batch(helper, 0))).toEqual(['ok', 'ok']);
      const [first] = pidsOf(helper);
      process.kill(first!, 'SIGKILL');
      expect(await settle(batch(helper, 1))).toEqual(['ok', 'ok']);
      expect(pidsOf(helper)).not.toContain(first);
    });

    it('when batches run at once in two workers then only one stays, idle, after', async () => {
      dir = mkdtempSync(join(tmpdir(), 'ha-mount-helper-'));
      helper = new ProbeHelper();
      expect(await settle(batch(helper, 0))).toEqual(['ok', 'ok']);
      const [first] = pidsOf(helper);
      process.kill(first!, 'SIGSTOP'); // busy with the next batch until it continues
      const held = batch(helper, 1);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(await settle(batch(helper, 2))).toEqual(['ok', 'ok']);
      expect(pidsOf(helper)).toHaveLength(2);
      process.kill(first!, 'SIGCONT');
      expect(await settle(held)).toEqual(['ok', 'ok']);
      // the second idle worker is told to end; it is reaped within the helper's 0.1 s poll
      await fewerThan(helper, 2);
      expect(pidsOf(helper)).toHaveLength(1);
    });
  });

  it('when the interpreter is missing then the probe ends as failed and names it', async () => {
    dir = mkdtempSync(join(tmpdir(), 'ha-mount-helper-'));
    helper = new ProbeHelper('/nonexistent/perl');
    const probe = helper.run(request(dir, 0));
    expect(await probe.end).toMatchObject({ kind: 'failed', message: expect.stringMatching(/\/nonexistent\/perl.*ENOENT/) });
    await probe.exited;
  });

  describe('watching a process that is not its child', () => {
    const startTimeOf = (pid: number): number => parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'))!.startTime;
    const told = (helperNow: ProbeHelper, pid: number, startTime: number) => {
      const events: string[] = [];
      let resolve!: () => void;
      const first = new Promise<void>((done) => (resolve = done));
      const stop = helperNow.watchProcess(pid, startTime, {
        ended: () => (events.push('ended'), resolve()),
        unwatchable: (reason) => (events.push(`unwatchable: ${reason}`), resolve()),
      });
      return { events, first, stop };
    };
    const sleeper = async (): Promise<ChildProcess> => {
      const child = spawn('sleep', ['60'], { stdio: 'ignore' });
      await once(child, 'spawn');
      return child;
    };

    it('when the process is killed then the helper tells, once, and not before', async () => {
      helper = new ProbeHelper();
      const child = await sleeper();
      const watch = told(helper, child.pid!, startTimeOf(child.pid!));
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(watch.events).toEqual([]);
      child.kill('SIGKILL');
      await watch.first;
      expect(watch.events).toEqual(['ended']);
    });

    it('when the pid names another process (other start time) or none then it ends at once', async () => {
      helper = new ProbeHelper();
      const child = await sleeper();
      const reused = told(helper, child.pid!, startTimeOf(child.pid!) + 1);
      await reused.first;
      expect(reused.events).toEqual(['ended']);
      child.kill('SIGKILL');
      await once(child, 'exit');
      const none = told(helper, child.pid!, 0);
      await none.first;
      expect(none.events).toEqual(['ended']);
    });

    it('when the watch is stopped then the end of the process is not told', async () => {
      helper = new ProbeHelper();
      const stopped = await sleeper();
      const watched = await sleeper();
      const quiet = told(helper, stopped.pid!, startTimeOf(stopped.pid!));
      const loud = told(helper, watched.pid!, startTimeOf(watched.pid!));
      await new Promise((resolve) => setTimeout(resolve, 100));
      quiet.stop();
      await new Promise((resolve) => setTimeout(resolve, 100));
      stopped.kill('SIGKILL');
      await once(stopped, 'exit');
      watched.kill('SIGKILL'); // its word comes after any word about the first
      await loud.first;
      expect(quiet.events).toEqual([]);
      expect(loud.events).toEqual(['ended']);
    });

    it('when the helper dies then its watches say so, for the caller to poll instead', async () => {
      helper = new ProbeHelper();
      const child = await sleeper();
      const watch = told(helper, child.pid!, startTimeOf(child.pid!));
      await new Promise((resolve) => setTimeout(resolve, 100));
      process.kill(helperPid(helper), 'SIGKILL');
      await watch.first;
      expect(watch.events).toEqual(['unwatchable: the probe helper exited (SIGKILL)']);
      child.kill('SIGKILL');
    });
  });
});
