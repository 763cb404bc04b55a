import { describe, expect, it } from 'vitest';
import { parseWatchdogEnv, Watchdog, type WatchdogSettings, type WatchdogTimers } from '../../../src/systemd/watchdog.js';
import { createCapturingLogger } from './log-capture.js';

/** A clock and an interval timer that move only when the test says so. */
function createFakeTime() {
  let now = 0;
  const intervals = new Map<number, { callback: () => void; ms: number; next: number }>();
  let nextId = 1;
  const timers: WatchdogTimers = {
    setInterval(callback, ms) {
      const id = nextId++;
      intervals.set(id, { callback, ms, next: now + ms });
      return id;
    },
    clearInterval(handle) {
      intervals.delete(handle as number);
    },
  };
  return {
    clock: { now: () => now },
    timers,
    intervals,
    /** moves time forward, firing due intervals in order, running `each` at every ms step boundary of 1 s */
    advance(ms: number, each?: (now: number) => void) {
      const end = now + ms;
      while (now < end) {
        now += 1;
        for (const timer of intervals.values()) {
          if (timer.next <= now) {
            timer.next += timer.ms;
            timer.callback();
          }
        }
        if (each && now % 1_000 === 0) each(now);
      }
    },
  };
}

const tenSeconds: WatchdogSettings = { enabled: true, intervalMs: 10_000, pingEveryMs: 5_000 };

function createWatchdog(settings: WatchdogSettings = tenSeconds) {
  const time = createFakeTime();
  const { logger, lines } = createCapturingLogger();
  let pings = 0;
  const watchdog = new Watchdog({ settings, ping: () => (pings += 1), clock: time.clock, timers: time.timers, logger });
  return { watchdog, time, lines, pings: () => pings };
}

describe('parseWatchdogEnv', () => {
  it('when WATCHDOG_USEC is set and WATCHDOG_PID is ours then pings come at half the interval', () => {
    expect(parseWatchdogEnv({ WATCHDOG_USEC: '20000000', WATCHDOG_PID: '77' }, 77)).toEqual({ enabled: true, intervalMs: 20_000, pingEveryMs: 10_000 });
  });
  it('when WATCHDOG_PID is absent then the request is ours', () => {
    expect(parseWatchdogEnv({ WATCHDOG_USEC: '3000000' }, 1).enabled).toBe(true);
  });
  it.each([
    [{}, /not set/],
    [{ WATCHDOG_USEC: '0' }, /not a positive number/],
    [{ WATCHDOG_USEC: '1.5e6' }, /not a positive number/],
    [{ WATCHDOG_USEC: '20000000', WATCHDOG_PID: '78' }, /WATCHDOG_PID=78 is not this process \(77\)/],
  ])('when the environment is %j then the watchdog is off and says why', (env, reason) => {
    const settings = parseWatchdogEnv(env, 77);
    expect(settings.enabled).toBe(false);
    if (!settings.enabled) expect(settings.reason).toMatch(reason);
  });
});

describe('Watchdog', () => {
  it('when it starts then it pings at once and then every pingEveryMs', () => {
    const { watchdog, time, pings } = createWatchdog();
    watchdog.start();
    expect(pings()).toBe(1);
    time.advance(20_000);
    expect(pings()).toBe(5);
  });

  it('when every supervisor beats each second then it keeps pinging', () => {
    const { watchdog, time, pings } = createWatchdog();
    watchdog.register('data');
    watchdog.register('home');
    watchdog.start();
    time.advance(60_000, () => {
      watchdog.heartbeat('data');
      watchdog.heartbeat('home');
    });
    expect(pings()).toBe(13);
  });

  it('when one supervisor stops beating then pings stop once it is silent longer than the interval, and the log says so once', () => {
    const { watchdog, time, pings, lines } = createWatchdog();
    watchdog.register('data');
    watchdog.register('stuck');
    watchdog.start();
    time.advance(3_000, () => {
      watchdog.heartbeat('data');
      watchdog.heartbeat('stuck');
    });
    // 'stuck' last beat at t=3 s; allowed until t=13 s; ticks at 5 and 10 s still ping
    time.advance(57_000, () => watchdog.heartbeat('data'));
    expect(pings()).toBe(3);
    expect(watchdog.findStalled()).toEqual([{ name: 'stuck', silentMs: 57_000, limitMs: 10_000 }]);
    const errors = lines.filter((line) => line.msg.startsWith('systemd watchdog: not pinging'));
    expect(errors).toHaveLength(1);
    expect(errors[0]?.msg).toContain('stuck silent');
  });

  it('when a stalled supervisor beats again then pings resume', () => {
    const { watchdog, time, pings } = createWatchdog();
    watchdog.register('data');
    watchdog.start();
    time.advance(30_000);
    const before = pings();
    watchdog.heartbeat('data');
    time.advance(5_000);
    expect(pings()).toBe(before + 1);
  });

  it('when a supervisor announces a step longer than the interval then its wait is not a stall', () => {
    const { watchdog, time, pings } = createWatchdog();
    watchdog.heartbeat('data', { nextWithinMs: 30_000 }); // e.g. a mount with a 30 s deadline
    watchdog.start();
    time.advance(30_000);
    expect(pings()).toBe(7);
    time.advance(10_000);
    expect(pings()).toBe(7);
  });

  it('when a stalled supervisor is unregistered then pings resume', () => {
    const { watchdog, time, pings } = createWatchdog();
    watchdog.register('removed');
    watchdog.start();
    time.advance(20_000);
    const before = pings();
    watchdog.unregister('removed');
    time.advance(5_000);
    expect(pings()).toBe(before + 1);
  });

  it('when systemd asked for no watchdog then start sets no timer and never pings', () => {
    const { watchdog, time, pings } = createWatchdog({ enabled: false, reason: 'WATCHDOG_USEC is not set' });
    watchdog.start();
    time.advance(60_000);
    expect(time.intervals.size).toBe(0);
    expect(pings()).toBe(0);
  });

  it('when stopped then the timer is cleared', () => {
    const { watchdog, time, pings } = createWatchdog();
    watchdog.start();
    watchdog.stop();
    time.advance(60_000);
    expect(time.intervals.size).toBe(0);
    expect(pings()).toBe(1);
  });
});
