// mount.ha and ha-mount mount end with exit 13 (an unsettled top-level await) when the only thing
// left in the event loop is a wait on an unref'd timer: the mount path's clock must hold the process
import { describe, expect, it } from 'vitest';
import { commandClock, systemClock } from '../../src/clock.js';
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
