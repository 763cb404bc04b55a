import type { Logger } from '../log/logger.js';
import type { TransitionEvent } from '../types.js';
import type { Clock } from '../clock.js';
import { createMailBatcher, type MailBatch } from './mail-batcher.js';
import { formatMail } from './mail-format.js';
import { createMailSender, type MailSenderStatus, type OutgoingMail, type SendMail } from './mail-sender.js';
import type { EmailConfig } from './notify-config.js';
import { createSmtpSend } from './smtp-transport.js';

/** What the e-mail channel needs from outside. */
export interface EmailChannelDeps {
  clock: Clock;
  logger: Logger;
  host: string;
  /** defaults to SMTP with nodemailer */
  send?: SendMail;
}

/** Transitions in, mails out: coalesced, rate-limited, queued, retried. */
export interface EmailChannel {
  add(event: TransitionEvent): void;
  /** a mail about the agent itself (not a mount transition): queued at once, no coalescing */
  alert(subject: string, text: string): void;
  status(): MailSenderStatus;
  /** mails what is still waiting, tries to send for `deadlineMs`, returns the mails left unsent */
  close(deadlineMs: number): Promise<OutgoingMail[]>;
}

/** Wires batcher -> formatter -> queue. */
export function createEmailChannel(config: EmailConfig, deps: EmailChannelDeps): EmailChannel {
  const { clock, logger, host } = deps;
  const sender = createMailSender({
    send: deps.send ?? createSmtpSend(config),
    clock,
    logger,
    queueMax: config.queueMax,
    retry: config.retry,
  });
  const startedAt = clock.now();
  let nextId = 1;
  const compose = (batch: MailBatch): OutgoingMail => {
    const id = nextId++;
    const content = formatMail(batch, { host, rateLimit: config.rateLimit });
    return {
      id,
      mount: batch.mount,
      from: config.from,
      to: config.to,
      ...content,
      // fixed per mail: a retry after a lost reply carries the same id, so mail systems can drop the copy
      messageId: `<ha-mount.${startedAt}.${process.pid}.${id}@${host}>`,
    };
  };
  const batcher = createMailBatcher({
    clock,
    coalesceMs: config.coalesceMs,
    rateLimit: config.rateLimit,
    listMax: config.listMax,
    onBatch: (batch) => sender.enqueue(compose(batch)),
  });
  return {
    add: (event) => batcher.add(event),
    alert: (subject, text) => {
      const id = nextId++;
      sender.enqueue({ id, mount: '(agent)', from: config.from, to: config.to, subject: `[ha-mount] ${host}: ${subject}`, text, messageId: `<ha-mount.${startedAt}.${process.pid}.${id}@${host}>` });
    },
    status: () => sender.status(),
    close(deadlineMs) {
      batcher.flushAll();
      return sender.close(deadlineMs);
    },
  };
}
