import type { MountState, TransitionEvent } from '../types.js';
import type { Clock, TimerHandle } from '../clock.js';

/** The changes of one mount that go out as one mail. */
export interface MailBatch {
  mount: string;
  /** the changes listed in the mail, in order (the latest `listMax` when there were more) */
  events: TransitionEvent[];
  /** how many changes this mail stands for; more than events.length when some were not listed */
  total: number;
  /** state before the first change of the batch */
  firstFrom: MountState;
  /** changes folded in because the per-mount rate limit held them back */
  folded: number;
}

/** Options of createMailBatcher. */
export interface MailBatcherOptions {
  clock: Clock;
  coalesceMs: number;
  rateLimit: { count: number; windowMs: number };
  listMax: number;
  /** called with each batch that is due, in order */
  onBatch: (batch: MailBatch) => void;
}

/** Groups transitions into mails: per mount, a coalesce window, then a sliding-window rate limit. */
export interface MailBatcher {
  add(event: TransitionEvent): void;
  /** hands out everything still waiting (at shutdown), ignoring the windows */
  flushAll(): void;
}

/** Events of one mount waiting to be mailed: the first state, the latest listMax events, a count. */
interface Pending {
  firstFrom: MountState;
  events: TransitionEvent[];
  total: number;
}

interface MountSlot {
  coalescing?: Pending;
  coalesceTimer?: TimerHandle;
  /** rate-limited changes waiting for a free slot in the window */
  held?: Pending;
  heldTimer?: TimerHandle;
  /** when the mails of the current window went out */
  sentAt: number[];
}

/**
 * Per mount: the first change opens a coalesce window; at its end the changes are one mail if
 * the mount has sent fewer than `count` mails in the last `windowMs`. Otherwise they are held,
 * and everything that arrives meanwhile joins them, until a slot frees up; then one mail says
 * how many changes it folded. Order is kept: nothing overtakes a held batch.
 */
export function createMailBatcher(options: MailBatcherOptions): MailBatcher {
  const { clock, coalesceMs, rateLimit, listMax, onBatch } = options;
  const slots = new Map<string, MountSlot>();

  const slotOf = (mount: string): MountSlot => {
    let slot = slots.get(mount);
    if (!slot) {
      slot = { sentAt: [] };
      slots.set(mount, slot);
    }
    return slot;
  };

  const single = (event: TransitionEvent): Pending => ({ firstFrom: event.from, events: [event], total: 1 });

  /** Appends `from` to `into` (or copies it), keeping only the latest listMax events listed. */
  const join = (into: Pending | undefined, from: Pending): Pending => {
    if (!into) return { firstFrom: from.firstFrom, events: from.events.slice(-listMax), total: from.total };
    into.events.push(...from.events);
    if (into.events.length > listMax) into.events.splice(0, into.events.length - listMax);
    into.total += from.total;
    return into;
  };

  const emit = (mount: string, pending: Pending, folded: number): void => {
    onBatch({ mount, events: pending.events, total: pending.total, firstFrom: pending.firstFrom, folded });
  };

  const pruneWindow = (slot: MountSlot): void => {
    const horizon = clock.now() - rateLimit.windowMs;
    while (slot.sentAt.length > 0 && (slot.sentAt[0] ?? 0) <= horizon) slot.sentAt.shift();
  };

  const releaseHeld = (mount: string, slot: MountSlot): void => {
    slot.heldTimer = undefined;
    const held = slot.held;
    slot.held = undefined;
    if (!held) return;
    pruneWindow(slot);
    slot.sentAt.push(clock.now());
    emit(mount, held, held.total);
  };

  const hold = (mount: string, slot: MountSlot, pending: Pending): void => {
    slot.held = join(slot.held, pending);
    if (slot.heldTimer !== undefined) return;
    const oldest = slot.sentAt[0] ?? clock.now();
    const wait = Math.max(0, oldest + rateLimit.windowMs - clock.now());
    slot.heldTimer = clock.setTimeout(() => releaseHeld(mount, slot), wait);
  };

  const closeWindow = (mount: string, slot: MountSlot): void => {
    slot.coalesceTimer = undefined;
    const pending = slot.coalescing;
    slot.coalescing = undefined;
    if (!pending) return;
    pruneWindow(slot);
    if (slot.held || slot.sentAt.length >= rateLimit.count) {
      hold(mount, slot, pending);
      return;
    }
    slot.sentAt.push(clock.now());
    emit(mount, pending, 0);
  };

  return {
    add(event) {
      const slot = slotOf(event.mount);
      if (slot.held) {
        // a storm is being held back: join it so the summary stays in order
        slot.held = join(slot.held, single(event));
        return;
      }
      slot.coalescing = join(slot.coalescing, single(event));
      if (slot.coalesceTimer === undefined) {
        slot.coalesceTimer = clock.setTimeout(() => closeWindow(event.mount, slot), coalesceMs);
      }
    },
    flushAll() {
      for (const [mount, slot] of slots) {
        if (slot.coalesceTimer !== undefined) clock.clearTimeout(slot.coalesceTimer);
        if (slot.heldTimer !== undefined) clock.clearTimeout(slot.heldTimer);
        slot.coalesceTimer = undefined;
        slot.heldTimer = undefined;
        const held = slot.held;
        const coalescing = slot.coalescing;
        slot.held = undefined;
        slot.coalescing = undefined;
        const folded = held?.total ?? 0;
        const rest = held && coalescing ? join(held, coalescing) : (held ?? coalescing);
        if (rest) emit(mount, rest, folded);
      }
    },
  };
}
