import { hostname } from 'node:os';
import { DEFAULTS } from '../defaults.js';
import type { Runner } from '../exec/run.js';
import type { Logger } from '../log/logger.js';
import type { TransitionEvent } from '../types.js';
import { systemClock, type Clock } from '../clock.js';
import { createDesktopChannel, type DesktopChannelDeps } from './desktop.js';
import { createEmailChannel, type EmailChannel } from './email.js';
import { createHookChannel, createHookRunner, type HookChannel } from './hooks.js';
import type { MailSenderStatus, SendMail } from './mail-sender.js';
import type { NotifyConfig } from './notify-config.js';
import { logTransition } from './transition-log.js';

/** What the notifier needs from outside; everything but the logger has a real default. */
export interface NotifierDeps {
  logger: Logger;
  clock?: Clock;
  /** host name in mails and hooks; defaults to os.hostname() */
  host?: string;
  /** e-mail transport; defaults to SMTP with nodemailer */
  sendMail?: SendMail;
  /** runs hook scripts; defaults to a process-group-killing runner */
  runHook?: Runner;
  desktop?: Omit<DesktopChannelDeps, 'logger'>;
  /** write the one-line transition log (default true); false when the caller logs transitions itself */
  logTransitions?: boolean;
}

/** Counters of every channel, for `ha-mount status` and tests. */
export interface NotifierStatus {
  lastSeq: number;
  email?: MailSenderStatus;
  hooks: { queued: number; ran: number; failed: number; dropped: number };
  desktop: boolean;
}

/** What close() reports. */
export interface NotifierCloseResult {
  /** mails still queued (or in flight) when the shutdown deadline passed */
  unsent: number;
  /** hook runs that did not happen */
  hooksNotRun: number;
}

/**
 * The supervisor's one door to notifications. `notify` is synchronous, cheap and never throws:
 * it logs the transition, then hands it to e-mail, hooks and desktop, which do their I/O later.
 */
export interface Notifier {
  notify(event: TransitionEvent): void;
  /** an alert about the agent itself (e.g. a config edit it refused): mail and desktop; never throws */
  alert(subject: string, text: string): void;
  status(): NotifierStatus;
  /** sends what it can within `drainMs` (default DEFAULTS.notify.closeDrainMs), logs what is left */
  close(options?: { drainMs?: number }): Promise<NotifierCloseResult>;
}

/** Creates the notifier for a validated `notify:` config. */
export function createNotifier(config: NotifyConfig, deps: NotifierDeps): Notifier {
  const { logger } = deps;
  const clock = deps.clock ?? systemClock;
  const host = deps.host ?? hostname();
  const email: EmailChannel | undefined = config.email
    ? createEmailChannel(config.email, { clock, logger, host, ...(deps.sendMail ? { send: deps.sendMail } : {}) })
    : undefined;
  const hooks: HookChannel = createHookChannel(config.hooks, host, {
    logger,
    clock,
    run: deps.runHook ?? createHookRunner(DEFAULTS.notify.hookOutputMax),
  });
  const desktop = createDesktopChannel(config.desktop, { logger, ...deps.desktop });
  let lastSeq = 0;
  let closed = false;

  const guard = (channel: string, action: () => void): void => {
    try {
      action();
    } catch (error) {
      logger.error({ channel, err: error }, `notify ${channel} failed on a transition: ${String(error)}`);
    }
  };

  return {
    notify(event) {
      if (deps.logTransitions !== false) guard('log', () => logTransition(logger, event));
      if (event.seq <= lastSeq) {
        logger.warn({ seq: event.seq, lastSeq }, `notify: transition #${event.seq} arrived after #${lastSeq}; sending it anyway`);
      }
      lastSeq = Math.max(lastSeq, event.seq);
      if (closed) return;
      if (event.from === event.to) return; // not a transition: nothing to tell anyone
      if (email) guard('email', () => email.add(event));
      guard('hooks', () => hooks.add(event));
      guard('desktop', () => desktop.add(event));
    },
    alert(subject, text) {
      logger.warn({ event: 'alert', subject }, `alert: ${subject}`);
      if (closed) return;
      if (email) guard('email', () => email.alert(subject, text));
    },
    status() {
      return { lastSeq, ...(email ? { email: email.status() } : {}), hooks: hooks.status(), desktop: desktop.active };
    },
    async close(options = {}) {
      closed = true;
      const drainMs = options.drainMs ?? DEFAULTS.notify.closeDrainMs;
      const [unsentMails, skippedHooks] = await Promise.all([email?.close(drainMs) ?? Promise.resolve([]), hooks.close(drainMs)]);
      for (const mail of unsentMails) {
        logger.error({ mail: mail.id, mount: mail.mount, subject: mail.subject }, `notify: mail not sent at shutdown: ${mail.subject}`);
      }
      for (const job of skippedHooks) {
        logger.error({ hook: job.hook, seq: job.event.seq }, `notify: hook ${job.hook} for #${job.event.seq} not run at shutdown`);
      }
      if (unsentMails.length > 0 || skippedHooks.length > 0) {
        logger.error({ unsent: unsentMails.length, hooksNotRun: skippedHooks.length }, `notify: shutting down with ${unsentMails.length} mail(s) unsent and ${skippedHooks.length} hook run(s) skipped`);
      }
      return { unsent: unsentMails.length, hooksNotRun: skippedHooks.length };
    },
  };
}
