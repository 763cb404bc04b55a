// mount.ha and ha-mount mount end with exit 13 (an unsettled top-level await) when the only thing
// left in the event loop is a wait on an unref'd timer: the mount path's clock must hold the process
import { describe, expect, it } from 'vitest';
import { commandClock, createNamedTimers, systemClock } from '../../src/clock.js';
import { FakeClock } from './fake-clock.js';
import { createMounterDeps } from '../../src/mount/mounter-deps.js';
import { runCommand } from '../../src/exec/run.js';

describe('the real clocks', () => {
  it('when the mount path waits then its timer keeps the process alive', () => {
    const timer = createMounterDeps(runCommand).clock.setTimeout(() => undefined, 10_000) as NodeJS.Timeout;
    expect(timer.hasRef()).toBe(true);
    commandClock.clearTimeout(timer);
  });

  it("when the agent schedules a probe or a retry then its timer does not keep a finished process alive", () => {
    const timer = systemClock.setTimeout(() => undefined, 10_000) as NodeJS.Timeout;
    expect(timer.hasRef()).toBe(false);
    systemClock.clearTimeout(timer);
  });
});

describe('createNamedTimers', () => {
  it('when a name is set again then only its last timer fires, once; another name runs beside it', async () => {
    const clock = new FakeClock();
    const timers = createNamedTimers<'tick' | 'retry'>(clock);
    const fired: string[] = [];
    timers.set('tick', 100, () => fired.push('tick 1'));
    timers.set('tick', 300, () => fired.push('tick 2'));
    timers.set('retry', 200, () => fired.push('retry'));
    expect(clock.pending()).toBe(2);
    await clock.advance(1_000);
    expect(fired).toEqual(['retry', 'tick 2']);
    expect(clock.pending()).toBe(0);
  });

  it('when a name is cleared then its timer never fires; clearing a fired or unknown name does nothing', async () => {
    const clock = new FakeClock();
    const timers = createNamedTimers<string>(clock);
    const fired: string[] = [];
    timers.set('tick', 100, () => fired.push('tick'));
    await clock.advance(100);
    timers.clear('tick');
    timers.clear('other');
    timers.set('retry', 100, () => fired.push('retry'));
    timers.clear('retry');
    await clock.advance(1_000);
    expect(fired).toEqual(['tick']);
    expect(clock.pending()).toBe(0);
  });
});
