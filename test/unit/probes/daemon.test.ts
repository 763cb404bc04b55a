import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { checkDaemon, createDaemonStatReader, findDaemon } from '../../../src/probes/daemon.js';
import { watchDaemon } from '../../../src/probes/daemon-watcher.js';
import type { ProcessEndWatch, ProcessWatchEvents } from '../../../src/probes/probe-helper.js';
import { parseProcStat, parseProcStatBytes, systemProc, type ProcReader } from '../../../src/probes/proc.js';
import { fakeBackend, FakeClock, FakeProc } from '../supervisor/fakes.js';

describe('parseProcStat', () => {
  it('when the command name holds spaces and parentheses then fields 22 and 24 are still found', () => {
    const fields = Array.from({ length: 50 }, (_, index) => String(index + 3));
    const text = `1234 (glusterfs (fuse) x) ${['S', ...fields.slice(1)].join(' ')}`;
    expect(parseProcStat(text)).toEqual({ state: 'S', startTime: 22, rssPages: 24 });
  });

  it('when parsed from bytes then the fields equal the string parse, for a name with spaces and parentheses too', () => {
    const fields = Array.from({ length: 50 }, (_, index) => String(index * 7 + 3));
    const text = `1234 (glusterfs (fuse) x) ${['D', ...fields.slice(1)].join(' ')}\n`;
    const bytes = Buffer.from(text);
    expect(parseProcStatBytes(bytes, bytes.length)).toEqual(parseProcStat(text));
    expect(parseProcStatBytes(bytes, bytes.length)).toEqual({ state: 'D', startTime: 19 * 7 + 3, rssPages: 21 * 7 + 3 });
    expect(parseProcStatBytes(bytes, 20)).toBeUndefined();
  });

  it('when a kept stat is read then it matches readStat, and once the process is reaped it reads undefined', async () => {
    const child = spawn('sleep', ['30']);
    const pid = child.pid!;
    // until it sleeps, the child is still being exec'd and its RSS moves between two reads
    for (let tries = 0; tries < 200 && systemProc.readStat(pid)?.state !== 'S'; tries += 1) await new Promise((resolve) => setTimeout(resolve, 10));
    const kept = systemProc.keepStat!(pid)!;
    expect(kept.read()).toEqual(systemProc.readStat(pid));
    expect(kept.read()?.state).toBe('S');
    child.kill('SIGKILL');
    await once(child, 'exit');
    expect(kept.read()).toBeUndefined();
    kept.close();
    expect(kept.read()).toBeUndefined();
  });

  it('when reading this very process then its start time is stable', () => {
    const first = systemProc.readStat(process.pid);
    expect(first?.startTime).toBeGreaterThan(0);
    expect(systemProc.readStat(process.pid)?.startTime).toBe(first?.startTime);
  });
});

describe('findDaemon and checkDaemon', () => {
  it('when an old daemon lingers beside the new one then the newest is found', () => {
    const proc = new FakeProc();
    proc.spawnDaemon('/mnt/data');
    const newer = proc.spawnDaemon('/mnt/data');
    proc.spawnDaemon('/mnt/other');
    expect(findDaemon('/mnt/data', fakeBackend, proc)?.pid).toBe(newer);
  });

  it('when the pid is reused by another process then the daemon counts as dead', () => {
    const proc = new FakeProc();
    const pid = proc.spawnDaemon('/mnt/data');
    const daemon = findDaemon('/mnt/data', fakeBackend, proc)!;
    proc.processes.set(pid, { argv: ['bash'], stat: { state: 'S', startTime: 999, rssPages: 1 } });
    expect(checkDaemon(daemon, proc)).toBe('reused');
  });

  it('when the daemon is a zombie then it counts as dead', () => {
    const proc = new FakeProc();
    const pid = proc.spawnDaemon('/mnt/data');
    const daemon = findDaemon('/mnt/data', fakeBackend, proc)!;
    proc.processes.get(pid)!.stat.state = 'Z';
    expect(checkDaemon(daemon, proc)).toBe('zombie');
  });
});

describe('createDaemonStatReader', () => {
  /** A fake /proc whose kept stats log each open, read and close. */
  function keepingProc(): { fake: FakeProc; proc: ProcReader; log: string[] } {
    const fake = new FakeProc();
    const log: string[] = [];
    const proc: ProcReader = fake;
    proc.keepStat = (pid) => {
      log.push(`open ${pid}`);
      return { read: () => (log.push(`read ${pid}`), fake.readStat(pid)), close: () => void log.push(`close ${pid}`) };
    };
    return { fake, proc, log };
  }

  it('when the same daemon is read again then its kept stat is read, not reopened; another daemon (pid or start time) gets its own', () => {
    const { fake, proc, log } = keepingProc();
    fake.spawnDaemon('/mnt/data');
    const first = findDaemon('/mnt/data', fakeBackend, proc)!;
    fake.spawnDaemon('/mnt/other');
    const second = findDaemon('/mnt/other', fakeBackend, proc)!;
    const reader = createDaemonStatReader(proc);
    expect(reader.read(first)).toEqual(fake.readStat(first.pid));
    reader.read(first);
    reader.read(second);
    reader.read({ ...second, startTime: second.startTime + 1 });
    expect(log).toEqual([`open ${first.pid}`, `read ${first.pid}`, `read ${first.pid}`, `close ${first.pid}`, `open ${second.pid}`, `read ${second.pid}`, `close ${second.pid}`, `open ${second.pid}`, `read ${second.pid}`]);
  });

  it('when closed then the kept stat is closed once, and a later read opens it again', () => {
    const { fake, proc, log } = keepingProc();
    const pid = fake.spawnDaemon('/mnt/data');
    const reader = createDaemonStatReader(proc);
    reader.read(findDaemon('/mnt/data', fakeBackend, proc)!);
    reader.close();
    reader.close();
    expect(log).toEqual([`open ${pid}`, `read ${pid}`, `close ${pid}`]);
    reader.read(findDaemon('/mnt/data', fakeBackend, proc)!);
    expect(log.slice(3)).toEqual([`open ${pid}`, `read ${pid}`]);
  });

  it('when /proc cannot keep stat open then each read is kill(pid, 0) and a plain read, undefined once the pid is gone', () => {
    const proc = new FakeProc();
    const pid = proc.spawnDaemon('/mnt/data');
    const daemon = findDaemon('/mnt/data', fakeBackend, proc)!;
    const reader = createDaemonStatReader(proc);
    expect(reader.read(daemon)).toEqual(proc.readStat(pid));
    proc.kill(pid);
    expect(reader.read(daemon)).toBeUndefined();
    reader.close();
  });
});

describe('watchDaemon', () => {
  it('when the daemon dies then the death is reported within one poll, once', async () => {
    const proc = new FakeProc();
    const clock = new FakeClock();
    const pid = proc.spawnDaemon('/mnt/data');
    const deaths: string[] = [];
    watchDaemon(findDaemon('/mnt/data', fakeBackend, proc)!, { proc, clock, pollMs: 100 }, (status) => deaths.push(status));
    await clock.advance(1_000);
    expect(deaths).toEqual([]);
    proc.kill(pid);
    await clock.advance(100);
    expect(deaths).toEqual(['gone']);
    await clock.advance(1_000);
    expect(deaths).toEqual(['gone']);
    expect(clock.pending()).toBe(0);
  });

  it('when many daemons are watched then one timer polls them all and each death is reported once, within one poll', async () => {
    const proc = new FakeProc();
    const clock = new FakeClock();
    const mounts = Array.from({ length: 50 }, (_, index) => `/mnt/m${index}`);
    const pids = mounts.map((mountpoint) => proc.spawnDaemon(mountpoint));
    const deaths: string[] = [];
    const stops = mounts.map((mountpoint) => watchDaemon(findDaemon(mountpoint, fakeBackend, proc)!, { proc, clock, pollMs: 100 }, () => deaths.push(mountpoint)));
    expect(clock.pending()).toBe(1);
    await clock.advance(1_000);
    proc.kill(pids[7]!);
    proc.kill(pids[30]!);
    await clock.advance(100);
    expect(deaths).toEqual(['/mnt/m7', '/mnt/m30']);
    await clock.advance(1_000);
    expect(deaths).toHaveLength(2);
    for (const stop of stops) stop();
    expect(clock.pending()).toBe(0);
  });

  it('when the reader can keep stat open then each poll reads the kept stat, not exists and readStat, and the death closes it', async () => {
    const proc = new FakeProc();
    const clock = new FakeClock();
    const pid = proc.spawnDaemon('/mnt/data');
    const daemon = findDaemon('/mnt/data', fakeBackend, proc)!;
    let keptReads = 0;
    let closed = 0;
    let plainReads = 0;
    const keeping = Object.assign(Object.create(proc) as FakeProc, {
      readStat: (target: number) => (plainReads++, proc.readStat(target)),
      keepStat: (target: number) => ({ read: () => (keptReads++, proc.exists(target) ? proc.readStat(target) : undefined), close: () => void closed++ }),
    });
    const deaths: string[] = [];
    watchDaemon(daemon, { proc: keeping, clock, pollMs: 100 }, (status) => deaths.push(status));
    await clock.advance(1_000);
    expect(keptReads).toBe(10);
    expect(plainReads).toBe(0);
    proc.processes.get(pid)!.stat.state = 'Z';
    await clock.advance(100);
    expect(deaths).toEqual(['zombie']);
    expect(closed).toBe(1);
    expect(clock.pending()).toBe(0);
  });

  it('when the watch is stopped then no timer is left', async () => {
    const proc = new FakeProc();
    const clock = new FakeClock();
    proc.spawnDaemon('/mnt/data');
    const stop = watchDaemon(findDaemon('/mnt/data', fakeBackend, proc)!, { proc, clock }, () => undefined);
    await clock.advance(500);
    stop();
    expect(clock.pending()).toBe(0);
  });

  /** An `ends` port driven by the test: it records each watch and lets the test answer. */
  const scriptedEnds = () => {
    const watches: Array<{ pid: number; startTime: number; events: ProcessWatchEvents; stopped: boolean }> = [];
    const ends: ProcessEndWatch = {
      watchProcess: (pid, startTime, events) => {
        const watch = { pid, startTime, events, stopped: false };
        watches.push(watch);
        return () => void (watch.stopped = true);
      },
    };
    return { ends, watches };
  };

  it('when the helper watches the daemon then nothing is polled, and its word that the daemon ended is checked in /proc before the death is reported', async () => {
    const proc = new FakeProc();
    const clock = new FakeClock();
    const pid = proc.spawnDaemon('/mnt/data');
    const daemon = findDaemon('/mnt/data', fakeBackend, proc)!;
    const { ends, watches } = scriptedEnds();
    const deaths: string[] = [];
    watchDaemon(daemon, { proc, clock, pollMs: 100, ends }, (status) => deaths.push(status));
    expect(watches).toMatchObject([{ pid, startTime: daemon.startTime }]);
    expect(clock.pending()).toBe(0);
    proc.processes.get(pid)!.stat.state = 'Z';
    watches[0]!.events.ended();
    expect(deaths).toEqual(['zombie']);
    watches[0]!.events.ended();
    expect(deaths).toEqual(['zombie']);
  });

  it('when the helper says the daemon ended but /proc shows it running, or the helper cannot watch, then the daemon is polled instead', async () => {
    for (const answer of ['ended', 'unwatchable'] as const) {
      const proc = new FakeProc();
      const clock = new FakeClock();
      const pid = proc.spawnDaemon('/mnt/data');
      const { ends, watches } = scriptedEnds();
      const deaths: string[] = [];
      const stop = watchDaemon(findDaemon('/mnt/data', fakeBackend, proc)!, { proc, clock, pollMs: 100, ends }, (status) => deaths.push(status));
      if (answer === 'ended') watches[0]!.events.ended();
      else watches[0]!.events.unwatchable('pidfd_open: ENOSYS');
      expect(deaths).toEqual([]);
      expect(clock.pending()).toBe(1);
      proc.kill(pid);
      await clock.advance(100);
      expect(deaths).toEqual(['gone']);
      stop();
      expect(clock.pending()).toBe(0);
    }
  });

  it('when a helper watch is stopped then the helper is told, and a late word from it reports nothing', () => {
    const proc = new FakeProc();
    const clock = new FakeClock();
    const pid = proc.spawnDaemon('/mnt/data');
    const { ends, watches } = scriptedEnds();
    const deaths: string[] = [];
    const stop = watchDaemon(findDaemon('/mnt/data', fakeBackend, proc)!, { proc, clock, ends }, (status) => deaths.push(status));
    stop();
    expect(watches[0]!.stopped).toBe(true);
    proc.kill(pid);
    watches[0]!.events.ended();
    expect(deaths).toEqual([]);
    expect(clock.pending()).toBe(0);
  });
});
