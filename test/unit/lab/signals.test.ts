import { describe, expect, it } from 'vitest';
import { onTerminationSignal } from '../../../src/lab/signals.js';

describe('onTerminationSignal', () => {
  it('when SIGTERM arrives and another listener handles it then the cleanup runs once and the handlers are removed', async () => {
    const other = (): void => undefined;
    process.on('SIGTERM', other);
    const before = process.listenerCount('SIGINT');
    let calls = 0;
    let finish: () => void = () => undefined;
    const finished = new Promise<void>((resolve) => {
      finish = resolve;
    });
    onTerminationSignal(async () => {
      calls += 1;
      finish();
    });
    expect(process.listenerCount('SIGINT')).toBe(before + 1);
    process.emit('SIGTERM', 'SIGTERM');
    await finished;
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(calls).toBe(1);
    expect(process.listenerCount('SIGINT')).toBe(before);
    process.removeListener('SIGTERM', other);
  });

  it('when removed before any signal then no handler stays behind', () => {
    const before = process.listenerCount('SIGTERM');
    const remove = onTerminationSignal(async () => undefined);
    remove();
    expect(process.listenerCount('SIGTERM')).toBe(before);
  });
});
