// Reading what the watchers wrote (bench/logs.ts): the agent's JSON log and the baselines' JSON lines.
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BaselineEvent } from '../../../bench/baselines/remount-check.js';
import { parseAgentTransitions, parseBaselineEvents } from '../../../bench/logs.js';
import { createLogger } from '../../../src/log/logger.js';
import { logTransition } from '../../../src/notify/transition-log.js';
import type { TransitionEvent } from '../../../src/types.js';

// lines as `ha-mount agent` writes them with HA_MOUNT_LOG_FORMAT=json (src/log/logger.ts; src/notify/transition-log.ts)
const STARTED = '{"level":30,"time":"2025-03-10T14:00:00.000Z","pid":4242,"msg":"ha-mount agent started, watching 1 mount(s)"}';
const TO_FAILED =
  '{"level":40,"time":"2025-03-10T14:00:05.250Z","pid":4242,"event":"transition","seq":3,"mount":"bench-glusterfs","mountpoint":"/tmp/bench-x/ha-mount","from":"healthy","to":"failed","reason":"ENOTCONN","server":"10.0.0.10:24007","msg":"mount bench-glusterfs: healthy -> failed (ENOTCONN)"}';
const TO_HEALTHY =
  '{"level":30,"time":"2025-03-10T14:00:05.900Z","pid":4242,"event":"transition","seq":4,"mount":"bench-glusterfs","mountpoint":"/tmp/bench-x/ha-mount","from":"failed","to":"healthy","reason":"remounted","action":"remounted via 10.0.0.11","outageMs":650,"msg":"mount bench-glusterfs: failed -> healthy (remounted)"}';

describe('parseAgentTransitions', () => {
  it('when the log holds transitions among other lines then it returns the transitions with their time, mount, states, reason and seq', () => {
    const text = [STARTED, TO_FAILED, '{"level":30,"time":"2025-03-10T14:00:05.300Z","pid":4242,"mount":"bench-glusterfs","msg":"remounting"}', TO_HEALTHY, ''].join('\n');
    expect(parseAgentTransitions(text)).toEqual([
      { t: Date.parse('2025-03-10T14:00:05.250Z'), mount: 'bench-glusterfs', from: 'healthy', to: 'failed', reason: 'ENOTCONN', seq: 3 },
      { t: Date.parse('2025-03-10T14:00:05.900Z'), mount: 'bench-glusterfs', from: 'failed', to: 'healthy', reason: 'remounted', seq: 4 },
    ]);
  });

  it('when lines are torn, not JSON, or JSON without from/to then they are ignored', () => {
    const text = [
      TO_FAILED.slice(0, 80),
      'mount bench-glusterfs: healthy -> failed "to" garbage',
      '{"level":30,"msg":"mail queued","to":["ops@example.org"]}',
      '{"level":30,"from":"healthy"}',
      TO_HEALTHY,
    ].join('\n');
    const found = parseAgentTransitions(text);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ from: 'failed', to: 'healthy', seq: 4 });
  });

  it('when the same transition is logged twice (same mount and seq) then it counts once', () => {
    const again = TO_FAILED.replace('"level":40', '"level":30').replace('"pid":4242', '"pid":4242,"notifier":"log"');
    const found = parseAgentTransitions([TO_FAILED, again, TO_HEALTHY].join('\n'));
    expect(found.map((transition) => transition.seq)).toEqual([3, 4]);
  });

  it('when two mounts log the same seq then both transitions are kept', () => {
    const other = TO_FAILED.replaceAll('bench-glusterfs', 'bench-moosefs');
    expect(parseAgentTransitions([TO_FAILED, other].join('\n')).map((transition) => transition.mount)).toEqual(['bench-glusterfs', 'bench-moosefs']);
  });

  it('when a transition has no seq then it is kept every time and reported without one', () => {
    const line = '{"time":1741615205250,"mount":"m","from":"healthy","to":"degraded"}';
    const found = parseAgentTransitions([line, line].join('\n'));
    expect(found).toEqual([
      { t: 1741615205250, mount: 'm', from: 'healthy', to: 'degraded', reason: '' },
      { t: 1741615205250, mount: 'm', from: 'healthy', to: 'degraded', reason: '' },
    ]);
    expect(found[0]).not.toHaveProperty('seq');
  });

  it('when the time is missing then t is NaN rather than a made-up time', () => {
    expect(parseAgentTransitions('{"mount":"m","from":"healthy","to":"failed","seq":1}')[0]?.t).toBeNaN();
  });
});

describe('parseAgentTransitions on the agent\'s own logger', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('when logTransition writes through the JSON logger then the parser reads back the same transitions', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2025-03-10T14:00:05.250Z'));
    const chunks: string[] = [];
    const out = new Writable({
      write(chunk: Buffer | string, _encoding, done) {
        chunks.push(chunk.toString());
        done();
      },
    });
    const logger = createLogger({ destination: out, format: 'json', level: 'info', env: {} });
    const event = (seq: number, from: TransitionEvent['from'], to: TransitionEvent['to'], reason: string): TransitionEvent => ({ seq, at: Date.now(), host: 'client', mount: 'bench-glusterfs', mountpoint: '/mnt/x', from, to, reason });
    logger.info('agent started');
    logTransition(logger, event(1, 'starting', 'healthy', 'mounted'));
    vi.setSystemTime(new Date('2025-03-10T14:00:06.000Z'));
    logTransition(logger, { ...event(2, 'healthy', 'hung', 'hung 5 s'), server: '10.0.0.10:24007' });
    const text = chunks.join('');
    expect(text.split('\n').filter((line) => line !== '')).toHaveLength(3);
    expect(parseAgentTransitions(text)).toEqual([
      { t: Date.parse('2025-03-10T14:00:05.250Z'), mount: 'bench-glusterfs', from: 'starting', to: 'healthy', reason: 'mounted', seq: 1 },
      { t: Date.parse('2025-03-10T14:00:06.000Z'), mount: 'bench-glusterfs', from: 'healthy', to: 'hung', reason: 'hung 5 s', seq: 2 },
    ]);
  });
});

describe('parseBaselineEvents', () => {
  it('when the baseline wrote its JSON lines then each one is an event', () => {
    // as bench/baselines/remount-check.ts records them: {t, event, ...}
    const text = [
      '{"t":1741615200000,"event":"start","detail":"/tmp/bench-x/cron every 10000 ms, fall 1"}',
      '{"t":1741615210000,"event":"check-failed","detail":"not mounted","fails":1}',
      '{"t":1741615210001,"event":"decided","detail":"not mounted","fails":1}',
      '{"t":1741615210400,"event":"remount-ok"}',
      '{"t":1741615220000,"event":"remount-failed","detail":"mount exit 1: Mount failed."}',
      '',
    ].join('\n');
    const expected: BaselineEvent[] = [
      { t: 1741615200000, event: 'start', detail: '/tmp/bench-x/cron every 10000 ms, fall 1' },
      { t: 1741615210000, event: 'check-failed', detail: 'not mounted', fails: 1 },
      { t: 1741615210001, event: 'decided', detail: 'not mounted', fails: 1 },
      { t: 1741615210400, event: 'remount-ok' },
      { t: 1741615220000, event: 'remount-failed', detail: 'mount exit 1: Mount failed.' },
    ];
    expect(parseBaselineEvents(text)).toEqual(expected);
  });

  it('when a line is torn, blank or garbage then it is skipped and the rest is kept', () => {
    const text = ['{"t":1,"event":"start"}', '   ', '{"t":2,"event":"deci', 'Killed', '{"t":3,"event":"decided","fails":3}'].join('\n');
    expect(parseBaselineEvents(text)).toEqual([
      { t: 1, event: 'start' },
      { t: 3, event: 'decided', fails: 3 },
    ]);
  });

  it('when the log is empty then there are no events', () => {
    expect(parseBaselineEvents('')).toEqual([]);
  });
});
