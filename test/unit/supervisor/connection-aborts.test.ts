// Issue 17 through the supervisor on the fake clock: the core's abort effects reach the levers.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/log/logger.js';
import type { AbortOutcome } from '../../../src/probes/fuse-connection.js';
import type { DaemonRef } from '../../../src/probes/daemon.js';
import type { ConnectionLevers } from '../../../src/supervisor/connection-levers.js';
import type { ServerAnswer } from '../../../src/supervisor/core-types.js';
import { createSupervisor } from '../../../src/supervisor/supervisor.js';
import { FakeWorld, makeSpec, okResult } from './fakes.js';

/** Levers that record what they were asked; the servers' answers and `waiting` are set by the test. */
class FakeLevers implements ConnectionLevers {
  answers: ServerAnswer[] = [];
  waiting = 0;
  readonly checked: number[] = [];
  readonly aborted: Array<[number, string]> = [];
  readonly fuseAborts: string[] = [];
  abortFuseConnection(id: string): AbortOutcome {
    this.fuseAborts.push(id);
    return this.waiting > 0 ? { kind: 'aborted', waiting: this.waiting } : { kind: 'idle' };
  }
  readWaiting(): number | undefined {
    return this.waiting;
  }
  async checkDaemonServers(daemon: DaemonRef): Promise<ServerAnswer[]> {
    this.checked.push(daemon.pid);
    return this.answers;
  }
  async abortServerSockets(daemon: DaemonRef, ip: string): Promise<{ aborted: number; errors: string[] }> {
    this.aborted.push([daemon.pid, ip]);
    return { aborted: 1, errors: [] };
  }
}

function start(levers: FakeLevers): { world: FakeWorld; pid: number; stop(): void; events: string[]; logLines: string[] } {
  const world = new FakeWorld(makeSpec());
  const pid = world.mountNow();
  const events: string[] = [];
  const logLines: string[] = [];
  const destination = new Writable({ write: (chunk: Buffer, _encoding, done) => (logLines.push(chunk.toString()), done()) });
  const deps = { ...world.deps(), connections: levers, logger: createLogger({ destination, format: 'json', level: 'info' }) };
  const onEvent = deps.onEvent;
  deps.onEvent = (mount, event) => {
    if (event.kind === 'abort') events.push(`${event.target}:${event.reason}`);
    onEvent?.(mount, event);
  };
  const supervisor = createSupervisor(world.spec, deps);
  supervisor.start();
  return { world, pid, events, logLines, stop: () => supervisor.stop() };
}

describe('connection aborts through the supervisor', () => {
  it('when a probe stalls 2 s and one server takes no TCP connection while another does then the daemon\'s sockets to that one are aborted, once', async () => {
    const levers = new FakeLevers();
    levers.answers = [{ ip: '10.0.0.10', answered: false }, { ip: '10.0.0.11', answered: true }];
    const { world, pid, events, logLines, stop } = start(levers);
    await world.clock.advance(1_500);
    world.probes.mode = 'hang';
    await world.clock.advance(1_000 + 2_000 + 100);
    const abortLine = logLines.map((line) => JSON.parse(line) as Record<string, unknown>).find((line) => line.event === 'abort');
    expect(abortLine).toMatchObject({ level: 40, target: 'server-sockets', reason: 'server_unreachable', msg: expect.stringContaining('10.0.0.10 took no TCP connection while 10.0.0.11 did') as unknown });
    expect(levers.checked).toEqual([pid]);
    expect(levers.aborted).toEqual([[pid, '10.0.0.10']]);
    expect(events).toEqual(['server-sockets:server_unreachable']);
    // the same probe overdue does not ask again; a new stall within 30 s aborts nothing more
    await world.clock.advance(10_000);
    expect(levers.aborted).toHaveLength(1);
    stop();
  });

  it('when every server answers the TCP connect then nothing is aborted however long the probe stalls', async () => {
    const levers = new FakeLevers();
    levers.answers = [{ ip: '10.0.0.10', answered: true }, { ip: '10.0.0.11', answered: true }];
    const { world, events, stop } = start(levers);
    await world.clock.advance(1_500);
    world.probes.mode = 'hang';
    await world.clock.advance(8_000);
    expect(levers.checked.length).toBeGreaterThanOrEqual(1);
    expect(levers.aborted).toEqual([]);
    expect(events).toEqual([]);
    stop();
  });

  it('when the daemon dies with requests on its connection then the connection is aborted before the remount, and the event counted', async () => {
    const levers = new FakeLevers();
    const { world, pid, events, stop } = start(levers);
    await world.clock.advance(1_500);
    levers.waiting = 2;
    world.proc.kill(pid);
    await world.clock.advance(150);
    expect(levers.fuseAborts).toHaveLength(1);
    expect(world.mountCalls).toBe(1);
    expect(events).toEqual(['fuse-connection:daemon_dead']);
    world.probes.mode = okResult(3);
    stop();
  });
});
