import type { Logger } from '../log/logger.js';
import type { Clock, TimerHandle } from '../clock.js';

/** A mail ready to go: addressed, written, with a Message-ID fixed at creation so a resend is recognisable. */
export interface OutgoingMail {
  id: number;
  mount: string;
  from: string;
  to: string[];
  subject: string;
  text: string;
  messageId: string;
}

/** What the SMTP server said about a mail it took. */
export interface SendReceipt {
  accepted: string[];
  rejected: string[];
  response: string;
}

/** Sends one mail; rejects with the transport's error. Injected so tests can use a fake. */
export type SendMail = (mail: OutgoingMail) => Promise<SendReceipt>;

/** Counters of the mail queue, for status output and tests. */
export interface MailSenderStatus {
  queued: number;
  sent: number;
  /** failed attempts that will be retried */
  failedAttempts: number;
  /** mails the server refused for good (5xx), not retried */
  refused: number;
  /** mails dropped because the queue was full */
  dropped: number;
  /** set while waiting to retry */
  retryAt?: number;
}

/** Options of createMailSender. */
export interface MailSenderOptions {
  send: SendMail;
  clock: Clock;
  logger: Logger;
  queueMax: number;
  retry: { baseMs: number; capMs: number };
}

/** A bounded FIFO of mails with a single sender: order kept, each mail removed only once the server took it. */
export interface MailSender {
  enqueue(mail: OutgoingMail): void;
  status(): MailSenderStatus;
  /** stops retrying and keeps sending until the queue is empty, a send fails, or `deadlineMs` passes; returns what is left */
  close(deadlineMs: number): Promise<OutgoingMail[]>;
}

/** Delay before retry number `attempt` (1-based): base doubling, capped. */
export function computeBackoff(attempt: number, retry: { baseMs: number; capMs: number }): number {
  return Math.min(retry.capMs, retry.baseMs * 2 ** Math.min(attempt - 1, 30));
}

/**
 * A refusal that the same mail would get again: a sender, recipient or message refused with 5xx.
 * A TLS, login or connection problem is the relay's or the config's, fixed meanwhile by an
 * operator, so that mail waits and is retried.
 */
export function isPermanentSendError(error: unknown): boolean {
  const details = error as { permanent?: boolean; code?: string };
  return details.permanent === true && details.code !== 'EAUTH' && details.code !== 'ETLS' && !`${details.code ?? ''}`.startsWith('ha-mount.smtp.tls');
}

/**
 * Creates the mail queue. `enqueue` never blocks: while SMTP is down, mails wait and the head is
 * retried with capped exponential backoff; when the queue is full the oldest waiting mail is
 * dropped and the next mail that goes out says how many were lost.
 */
export function createMailSender(options: MailSenderOptions): MailSender {
  const { send, clock, logger, queueMax, retry } = options;
  const queue: OutgoingMail[] = [];
  const counters = { sent: 0, failedAttempts: 0, refused: 0, dropped: 0 };
  let inFlight = false;
  let attempts = 0;
  let retryTimer: TimerHandle | undefined;
  let retryAt: number | undefined;
  let droppedUnreported = 0;
  let closing = false;
  let stoppedByFailure = false;
  let onSettled: (() => void) | undefined;

  const addDropNotice = (mail: OutgoingMail, dropped: number): OutgoingMail =>
    dropped === 0
      ? mail
      : {
          ...mail,
          text: `Note: ${dropped} earlier notification mail${dropped === 1 ? ' was' : 's were'} dropped while the SMTP server was unreachable (queue limit ${queueMax}); see the log.\n\n${mail.text}`,
        };

  const pump = (): void => {
    if (inFlight || retryTimer !== undefined) return;
    const mail = queue[0];
    if (!mail || stoppedByFailure) {
      onSettled?.();
      return;
    }
    inFlight = true;
    const notice = droppedUnreported;
    // a transport that throws instead of rejecting must not escape into a timer callback
    Promise.resolve().then(() => send(addDropNotice(mail, notice))).then(
      (receipt) => {
        queue.shift();
        attempts = 0;
        droppedUnreported -= notice;
        counters.sent += 1;
        const log = receipt.rejected.length > 0 ? logger.warn.bind(logger) : logger.info.bind(logger);
        log({ mail: mail.id, mount: mail.mount, accepted: receipt.accepted, rejected: receipt.rejected, response: receipt.response }, `notify mail sent: ${mail.subject}`);
      },
      (error: unknown) => {
        const details = describeSendError(error);
        if (isPermanentSendError(error)) {
          queue.shift();
          attempts = 0;
          counters.refused += 1;
          logger.error({ mail: mail.id, mount: mail.mount, error: details }, `notify mail refused by the SMTP server, not retried: ${mail.subject}: ${details}`);
          return;
        }
        attempts += 1;
        counters.failedAttempts += 1;
        if (closing) {
          stoppedByFailure = true;
          logger.warn({ mail: mail.id, error: details }, `notify mail not sent at shutdown: ${details}`);
          return;
        }
        const delay = computeBackoff(attempts, retry);
        retryAt = clock.now() + delay;
        retryTimer = clock.setTimeout(() => {
          retryTimer = undefined;
          retryAt = undefined;
          pump();
        }, delay);
        logger.warn({ mail: mail.id, attempt: attempts, retryInMs: delay, queued: queue.length, error: details }, `notify mail not sent (attempt ${attempts}), retrying in ${delay} ms: ${details}`);
      },
    ).finally(() => {
      inFlight = false;
      pump();
    });
  };

  return {
    enqueue(mail) {
      if (queue.length >= queueMax) {
        // keep the one in flight: removing it would let its retry send a different mail
        const [dropped] = queue.splice(inFlight ? 1 : 0, 1);
        counters.dropped += 1;
        droppedUnreported += 1;
        logger.error({ mail: dropped?.id, mount: dropped?.mount, queueMax }, `notify mail queue full (${queueMax}); dropped the oldest: ${dropped?.subject ?? ''}`);
      }
      queue.push(mail);
      pump();
    },
    status() {
      return { queued: queue.length, ...counters, ...(retryAt === undefined ? {} : { retryAt }) };
    },
    async close(deadlineMs) {
      closing = true;
      if (retryTimer !== undefined) {
        clock.clearTimeout(retryTimer);
        retryTimer = undefined;
        retryAt = undefined;
      }
      let deadline: TimerHandle | undefined;
      await new Promise<void>((resolve) => {
        onSettled = resolve;
        deadline = clock.setTimeout(resolve, deadlineMs);
        pump();
      });
      clock.clearTimeout(deadline);
      onSettled = undefined;
      stoppedByFailure = true;
      return [...queue];
    },
  };
}

/** One line about a send failure: its explanation (SmtpSendError), or code, SMTP reply and message. */
export function describeSendError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error.name === 'SmtpSendError') return error.message;
  const details = error as Error & { code?: string; responseCode?: number; response?: string; command?: string };
  const parts = [details.code, details.command ? `at ${details.command}` : undefined, details.response ?? details.message];
  return parts.filter((part) => part !== undefined && part !== '').join(' ');
}
