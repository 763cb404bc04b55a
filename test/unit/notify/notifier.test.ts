import { describe, expect, it } from 'vitest';
import { SmtpSecrets } from '../../../src/notify/smtp-secrets.js';
import { DEFAULTS } from '../../../src/defaults.js';
import type { Runner } from '../../../src/exec/run.js';
import type { OutgoingMail, SendMail } from '../../../src/notify/mail-sender.js';
import type { EmailConfig, NotifyConfig } from '../../../src/notify/notify-config.js';
import { createNotifier } from '../../../src/notify/notifier.js';
import { captureLogger, createFakeClock, makeEvent } from './helpers.js';

/** The defaults, as parseNotifyConfig would give them for a minimal email section. */
const email: EmailConfig = {
  to: ['ops@example.com'],
  from: 'ha-mount@client-01',
  smtp: { host: '127.0.0.1', port: 25, security: 'none', timeoutMs: DEFAULTS.notify.smtpTimeoutMs, secrets: new SmtpSecrets({}) },
  coalesceMs: DEFAULTS.notify.coalesceMs,
  rateLimit: { count: DEFAULTS.notify.rateLimitCount, windowMs: DEFAULTS.notify.rateLimitWindowMs },
  queueMax: DEFAULTS.notify.queueMax,
  retry: { baseMs: DEFAULTS.notify.retryBaseMs, capMs: DEFAULTS.notify.retryCapMs },
  listMax: DEFAULTS.notify.listMax,
};
const noHooks = { scripts: {}, timeoutMs: 1_000, queueMax: 100 };

function setup(options: { config?: Partial<NotifyConfig>; send?: SendMail; runHook?: Runner; clock?: ReturnType<typeof createFakeClock> } = {}) {
  const clock = options.clock ?? createFakeClock();
  const { logger, lines } = captureLogger();
  const mails: Array<OutgoingMail & { sentAt: number }> = [];
  const send: SendMail =
    options.send ??
    (async (mail) => {
      mails.push({ ...mail, sentAt: clock.now() });
      return { accepted: mail.to, rejected: [], response: '250 ok' };
    });
  const notifier = createNotifier(
    { email, hooks: noHooks, desktop: false, ...options.config },
    { logger, clock, host: 'client-01', sendMail: send, ...(options.runHook ? { runHook: options.runHook } : {}) },
  );
  return { clock, lines, mails, notifier };
}

/** How many transitions a mail stands for, from its subject. */
function countChanges(mail: OutgoingMail): number {
  return Number(/\((\d+) changes/.exec(mail.subject)?.[1] ?? 1);
}

describe('notifier', () => {
  it('when the agent raises an alert then one mail goes out at once, uncoalesced, naming the host and the problem', async () => {
    const { notifier, mails, clock } = setup();
    notifier.alert('config change refused, running mounts kept', '/etc/ha-mount/ha-mount.yaml:5: invalid YAML');
    await clock.advance(10);
    expect(mails).toHaveLength(1);
    expect(mails[0]?.subject).toBe('[ha-mount] client-01: config change refused, running mounts kept');
    expect(mails[0]?.text).toContain('ha-mount.yaml:5');
  });
  it('when a transition arrives then it is logged as one line with mount, from, to, reason, server and outage', () => {
    const { notifier, lines } = setup();
    const event = makeEvent({ from: 'recovering', to: 'healthy', reason: 'probe ok', action: 'remounted via data-node-02', outageMs: 8_012.4 });
    notifier.notify(event);
    const transition = lines.filter((line) => line.event === 'transition');
    expect(transition).toHaveLength(1);
    expect(transition[0]).toMatchObject({
      level: 30,
      seq: event.seq,
      mount: 'data',
      mountpoint: '/mnt/data',
      from: 'recovering',
      to: 'healthy',
      reason: 'probe ok',
      server: '10.0.0.10:24007',
      action: 'remounted via data-node-02',
      outageMs: 8_012,
      msg: 'mount data: recovering -> healthy (probe ok)',
    });
  });

  it('when each transition is more than the coalesce window apart then each one is one mail', async () => {
    const { notifier, clock, mails } = setup();
    const events = [makeEvent({ to: 'failed' }), makeEvent({ from: 'failed', to: 'recovering' }), makeEvent({ from: 'recovering', to: 'healthy' })];
    for (const event of events) {
      notifier.notify(event);
      await clock.advance(email.coalesceMs);
    }
    expect(mails.map((mail) => mail.subject)).toEqual([
      '[ha-mount] client-01: mount data healthy -> FAILED (ENOTCONN)',
      '[ha-mount] client-01: mount data failed -> RECOVERING (ENOTCONN)',
      '[ha-mount] client-01: mount data recovering -> HEALTHY (ENOTCONN)',
    ]);
  });

  it('when a channel throws then notify does not throw and the other channels still get the event', async () => {
    const clock = createFakeClock();
    const brokenClock = { ...clock, setTimeout: () => { throw new Error('timer table full'); } };
    const ran: string[] = [];
    const runHook: Runner = async (command) => {
      ran.push(command.args.join(' '));
      return { exitCode: 0, signal: undefined, stdout: '', stderr: '', timedOut: false, durationMs: 1 };
    };
    const { logger, lines } = captureLogger();
    const notifier = createNotifier(
      { email, hooks: { ...noHooks, scripts: { notify: '/bin/true' } }, desktop: false },
      { logger, clock: brokenClock, host: 'client-01', sendMail: async () => { throw new Error('unused'); }, runHook },
    );
    expect(() => notifier.notify(makeEvent())).not.toThrow();
    await new Promise((resolve) => setImmediate(resolve));
    expect(ran).toEqual(['MOUNT data FAILED ENOTCONN']);
    expect(lines.some((line) => line.channel === 'email' && line.level === 50)).toBe(true);
  });

  it('when the transport throws synchronously then nothing escapes and the mail is retried', async () => {
    let calls = 0;
    const { notifier, clock } = setup({ send: () => { calls += 1; throw new Error('boom'); } });
    expect(() => notifier.notify(makeEvent())).not.toThrow();
    await clock.advance(email.coalesceMs);
    await clock.advance(email.retry.baseMs);
    expect(calls).toBe(2);
    expect(notifier.status().email).toMatchObject({ queued: 1, failedAttempts: 2 });
  });

  it('when from equals to then it is logged but not mailed', async () => {
    const { notifier, clock, mails } = setup();
    notifier.notify(makeEvent({ from: 'healthy', to: 'healthy' }));
    await clock.advance(60_000);
    expect(mails).toEqual([]);
  });

  it('when closing then waiting changes are mailed at once and nothing is left', async () => {
    const { notifier, mails } = setup();
    notifier.notify(makeEvent());
    const result = await notifier.close();
    expect(result).toEqual({ unsent: 0, hooksNotRun: 0 });
    expect(mails).toHaveLength(1);
  });

  it('when closing while SMTP is down then close reports and logs the unsent mails', async () => {
    const { notifier, clock, lines } = setup({ send: async () => { throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ESOCKET' }); } });
    notifier.notify(makeEvent({ mount: 'data' }));
    notifier.notify(makeEvent({ mount: 'home' }));
    await clock.advance(email.coalesceMs);
    const result = await notifier.close({ drainMs: 1_000 });
    expect(result).toEqual({ unsent: 2, hooksNotRun: 0 });
    const unsentLines = lines.filter((line) => String(line.msg).startsWith('notify: mail not sent at shutdown'));
    expect(unsentLines.map((line) => line.mount)).toEqual(['data', 'home']);
  });

  it('when a mount flaps every second for a minute (120 transitions) then it yields rateLimitCount + 1 mails accounting for all 120', async () => {
    const { notifier, clock, mails } = setup();
    const start = clock.now();
    // the fault goes on for half a second and off for half a second: 120 transitions in 60 s
    for (let index = 0; index < 120; index++) {
      const failing = index % 2 === 0;
      notifier.notify(makeEvent({ at: clock.now(), from: failing ? 'healthy' : 'failed', to: failing ? 'failed' : 'healthy', reason: failing ? 'ENOTCONN' : 'remounted' }));
      await clock.advance(500);
    }
    const duringFlap = mails.length;
    await clock.advance(DEFAULTS.notify.rateLimitWindowMs + 60_000);
    // Bound from the defaults: a flap shorter than the rate window sends at most rateLimitCount
    // mails (one per coalesce window) and then exactly one summary when the window frees a slot.
    const bound = DEFAULTS.notify.rateLimitCount + 1;
    expect(bound).toBe(11);
    expect(duringFlap).toBe(DEFAULTS.notify.rateLimitCount);
    expect(mails).toHaveLength(bound);
    expect(mails.slice(0, -1).every((mail) => mail.sentAt - start <= 60_000)).toBe(true);
    expect(mails.reduce((sum, mail) => sum + countChanges(mail), 0)).toBe(120);
    const summary = mails[mails.length - 1];
    expect(summary?.subject).toMatch(/-> HEALTHY \(\d+ changes, rate limited\)$/);
    expect(summary?.text).toMatch(/Rate limit: \d+ changes were folded into this mail/);
    expect(clock.pending()).toBe(0);
  });

  it('when transitions arrive out of sequence then a warning is logged and they are still handled', () => {
    const { notifier, lines } = setup();
    notifier.notify(makeEvent({ seq: 100 }));
    notifier.notify(makeEvent({ seq: 99 }));
    expect(lines.some((line) => line.level === 40 && line.msg === 'notify: transition #99 arrived after #100; sending it anyway')).toBe(true);
    expect(notifier.status().lastSeq).toBe(100);
  });
});
