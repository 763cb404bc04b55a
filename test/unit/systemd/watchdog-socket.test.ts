import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSdNotifier, type SdNotifier } from '../../../src/systemd/sd-notifier.js';
import { formatStatusLine } from '../../../src/systemd/status-line.js';
import { createWatchdog, type Watchdog } from '../../../src/systemd/watchdog.js';
import { createNotifyReceiver, type NotifyReceiver } from './notify-receiver.js';

// The watchdog protocol against a real AF_UNIX datagram socket at $NOTIFY_SOCKET. Time is
// vitest's fake clock: the watchdog's own setInterval and Date.now, and the simulated
// supervisor's sleeps, all move only with advanceTimersByTimeAsync.

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A supervisor loop: probe, handle the result, heartbeat, wait a second, again. */
function startSupervisor(watchdog: Watchdog, name: string, probe: () => Promise<string>, deadlineMs?: number) {
  const verdicts: string[] = [];
  let running = true;
  void (async () => {
    while (running) {
      const result = deadlineMs === undefined ? probe() : Promise.race([probe(), sleep(deadlineMs).then(() => 'hung')]);
      verdicts.push(await result);
      watchdog.heartbeat(name);
      await sleep(1_000);
    }
  })();
  return { verdicts, stop: () => (running = false) };
}

const never = () => new Promise<string>(() => undefined);

let receiver: NotifyReceiver;
let notifier: SdNotifier;
let watchdog: Watchdog;
let sentinels = 0;

/** Sends a marker and waits for it: datagrams from one socket arrive in order, so every earlier one is in. */
async function countWatchdogPingsSinceLastMark(): Promise<number> {
  const marker = `STATUS=mark ${++sentinels}`;
  await notifier.notify({ STATUS: `mark ${sentinels}` });
  await receiver.waitFor((m) => m === marker);
  const end = receiver.messages.indexOf(marker);
  const start = sentinels === 1 ? -1 : receiver.messages.indexOf(`STATUS=mark ${sentinels - 1}`);
  return receiver.messages.slice(start + 1, end).filter((m) => m === 'WATCHDOG=1').length;
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
  receiver = createNotifyReceiver();
  notifier = createSdNotifier({ env: { NOTIFY_SOCKET: receiver.path } });
  watchdog = createWatchdog(notifier, { env: { WATCHDOG_USEC: '10000000', WATCHDOG_PID: String(process.pid) } });
  sentinels = 0;
});

afterEach(() => {
  watchdog.stop();
  notifier.close();
  receiver.close();
  vi.useRealTimers();
});

describe('watchdog on a real notify socket', () => {
  it('when the supervisor loop gets stuck then WATCHDOG=1 stops arriving once it is silent longer than WATCHDOG_USEC', async () => {
    let stuck = false;
    const supervisor = startSupervisor(watchdog, 'data', () => (stuck ? never() : Promise.resolve('healthy')));
    watchdog.start();
    await notifier.ready(formatStatusLine(['healthy']));

    await vi.advanceTimersByTimeAsync(30_000);
    expect(await countWatchdogPingsSinceLastMark()).toBe(7); // t = 0, 5, ..., 30 s

    stuck = true; // the next probe never returns and has no deadline: the loop is wedged
    await vi.advanceTimersByTimeAsync(30_000);
    // last beat at 30 s, allowed until 40 s: the ticks at 35 and 40 s still ping, none after
    expect(await countWatchdogPingsSinceLastMark()).toBe(2);

    await vi.advanceTimersByTimeAsync(60_000);
    expect(await countWatchdogPingsSinceLastMark()).toBe(0);
    expect(receiver.messages).toContain('READY=1\nSTATUS=1 mount: 1 healthy');
    supervisor.stop();
  });

  it('when a mount hangs but the supervisor reaches a "hung" verdict by its deadline then WATCHDOG=1 keeps arriving', async () => {
    const supervisor = startSupervisor(watchdog, 'data', never, 5_000);
    watchdog.start();
    await notifier.ready(formatStatusLine(['hung']));

    await vi.advanceTimersByTimeAsync(60_000);
    expect(await countWatchdogPingsSinceLastMark()).toBe(13); // t = 0, 5, ..., 60 s: never stopped
    expect(supervisor.verdicts.length).toBeGreaterThanOrEqual(9);
    expect(new Set(supervisor.verdicts)).toEqual(new Set(['hung']));
    expect(receiver.messages).toContain('READY=1\nSTATUS=1 mount: 1 hung');
    supervisor.stop();
  });
});
