import { describe, expect, it } from 'vitest';
import { createMailBatcher, type MailBatch } from '../../../src/notify/mail-batcher.js';
import { createFakeClock, makeEvent } from './helpers.js';

function setup(options: { coalesceMs?: number; count?: number; windowMs?: number; listMax?: number } = {}) {
  const clock = createFakeClock();
  const batches: MailBatch[] = [];
  const batcher = createMailBatcher({
    clock,
    coalesceMs: options.coalesceMs ?? 3_000,
    rateLimit: { count: options.count ?? 6, windowMs: options.windowMs ?? 900_000 },
    listMax: options.listMax ?? 50,
    onBatch: (batch) => batches.push(batch),
  });
  return { clock, batches, batcher };
}

describe('mail batcher', () => {
  it('when one transition arrives then one batch leaves after the coalesce window and not before', async () => {
    const { clock, batches, batcher } = setup();
    batcher.add(makeEvent());
    await clock.advance(2_999);
    expect(batches).toHaveLength(0);
    await clock.advance(1);
    expect(batches).toHaveLength(1);
    expect(batches[0]).toMatchObject({ mount: 'data', total: 1, folded: 0, firstFrom: 'healthy' });
  });

  it('when changes come within the coalesce window then they leave as one batch in order', async () => {
    const { clock, batches, batcher } = setup();
    const a = makeEvent({ from: 'healthy', to: 'failed' });
    batcher.add(a);
    await clock.advance(1_000);
    const b = makeEvent({ from: 'failed', to: 'recovering' });
    batcher.add(b);
    await clock.advance(1_000);
    const c = makeEvent({ from: 'recovering', to: 'healthy' });
    batcher.add(c);
    await clock.advance(1_000);
    expect(batches).toHaveLength(1);
    expect(batches[0]?.events.map((event) => event.seq)).toEqual([a.seq, b.seq, c.seq]);
    expect(batches[0]?.total).toBe(3);
  });

  it('when two mounts change at once then each gets its own batch', async () => {
    const { clock, batches, batcher } = setup();
    batcher.add(makeEvent({ mount: 'data' }));
    batcher.add(makeEvent({ mount: 'home' }));
    await clock.advance(3_000);
    expect(batches.map((batch) => batch.mount).sort()).toEqual(['data', 'home']);
  });

  it('when a mount exceeds the rate limit then later changes are held and the next batch counts what it folded', async () => {
    const { clock, batches, batcher } = setup({ count: 2, windowMs: 60_000 });
    for (let index = 0; index < 5; index++) {
      batcher.add(makeEvent({ from: index % 2 ? 'failed' : 'healthy', to: index % 2 ? 'healthy' : 'failed' }));
      await clock.advance(4_000); // each change closes its own coalesce window
    }
    expect(batches).toHaveLength(2);
    expect(batches.every((batch) => batch.folded === 0)).toBe(true);
    // the first mail left at t=3 s: its slot frees at t=63 s
    await clock.advance(63_000 - 20_000 - 1);
    expect(batches).toHaveLength(2);
    await clock.advance(1);
    expect(batches).toHaveLength(3);
    expect(batches[2]).toMatchObject({ folded: 3, total: 3 });
    expect(batches[2]?.firstFrom).toBe('healthy');
  });

  it('when changes arrive while a storm is held then they join it instead of overtaking it', async () => {
    const { clock, batches, batcher } = setup({ count: 1, windowMs: 60_000 });
    batcher.add(makeEvent());
    await clock.advance(3_000);
    const held = makeEvent({ from: 'failed', to: 'healthy' });
    batcher.add(held);
    await clock.advance(3_000);
    const late = makeEvent({ from: 'healthy', to: 'failed' });
    batcher.add(late);
    await clock.advance(60_000);
    expect(batches).toHaveLength(2);
    expect(batches[1]?.events.map((event) => event.seq)).toEqual([held.seq, late.seq]);
    expect(batches[1]?.folded).toBe(2);
  });

  it('when more changes than listMax are folded then only the latest are listed but all are counted', async () => {
    const { clock, batches, batcher } = setup({ listMax: 3 });
    const events = Array.from({ length: 10 }, () => makeEvent());
    for (const event of events) batcher.add(event);
    await clock.advance(3_000);
    expect(batches[0]?.total).toBe(10);
    expect(batches[0]?.events.map((event) => event.seq)).toEqual(events.slice(-3).map((event) => event.seq));
  });

  it('when flushAll is called then waiting changes leave at once, held ones still counted as folded', async () => {
    const { clock, batches, batcher } = setup({ count: 1 });
    batcher.add(makeEvent());
    await clock.advance(3_000);
    batcher.add(makeEvent());
    await clock.advance(3_000); // held by the rate limit
    batcher.add(makeEvent()); // joins the held ones
    batcher.flushAll();
    expect(batches).toHaveLength(2);
    expect(batches[1]).toMatchObject({ total: 2, folded: 2 });
    expect(clock.pending()).toBe(0);
  });
});
