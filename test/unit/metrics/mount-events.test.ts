import { describe, expect, it } from 'vitest';
import { subscribeMetrics, type MountEventMetrics } from '../../../src/metrics/mount-events.js';
import type { MountEvent } from '../../../src/supervisor/core-types.js';

function recorder(): { metrics: MountEventMetrics; calls: unknown[][] } {
  const calls: unknown[][] = [];
  const record = (name: string) => (...args: unknown[]): void => {
    calls.push([name, ...args]);
  };
  return { calls, metrics: { observeProbe: record('observeProbe'), setState: record('setState'), countRemount: record('countRemount'), countFailure: record('countFailure'), countAbort: record('countAbort'), setServer: record('setServer'), setDaemonRss: record('setDaemonRss') } };
}

const rows: Array<[MountEvent, unknown[]]> = [
  [{ kind: 'transition', change: { from: 'healthy', to: 'failed', reason: 'ENOTCONN' } }, ['setState', 'data', 'failed']],
  [{ kind: 'state', state: 'starting' }, ['setState', 'data', 'starting']],
  [{ kind: 'probe', latencyMs: 12 }, ['observeProbe', 'data', 12]],
  [{ kind: 'daemon-rss', bytes: undefined }, ['setDaemonRss', 'data', undefined]],
  [{ kind: 'server', server: '10.0.0.11:24007' }, ['setServer', 'data', '10.0.0.11:24007']],
  [{ kind: 'failure', cause: 'enotconn' }, ['countFailure', 'data', 'enotconn']],
  [{ kind: 'remount', cause: 'daemon_dead' }, ['countRemount', 'data', 'daemon_dead']],
  [{ kind: 'abort', target: 'server-sockets', reason: 'server_unreachable', detail: '10.0.0.10 took no TCP connection' }, ['countAbort', 'data', 'server_unreachable']],
];

describe('subscribeMetrics', () => {
  it.each(rows)('when a mount emits %j then exactly one series moves: %j', (event, call) => {
    const { metrics, calls } = recorder();
    subscribeMetrics(metrics)('data', event);
    expect(calls).toEqual([call]);
  });
});
