import { format } from 'node:util';
import { createRequire } from 'node:module';
import type { SMTPTransportOptions } from 'nodemailer/lib/smtp-transport';
import type { SendMail } from './mail-sender.js';
import type { EmailConfig, SmtpConfig } from './notify-config.js';
import { explainSmtpError, formatSmtpFailure, type SmtpFailure } from './smtp-errors.js';
import { decideTlsPolicy } from './smtp-policy.js';

/** Options of createSmtpSend and buildTransportOptions. */
export interface SmtpSendOptions {
  env?: NodeJS.ProcessEnv;
  /** receives the SMTP conversation line by line (C: / S:), for notify-test */
  onTranscript?: (line: string) => void;
}

/** A failed send with its explanation; `permanent` only when the relay refused this mail itself. */
export class SmtpSendError extends Error {
  readonly code: string;
  readonly permanent: boolean;
  constructor(readonly failure: SmtpFailure, cause: unknown) {
    super(formatSmtpFailure(failure), { cause });
    this.name = 'SmtpSendError';
    this.code = `ha-mount.smtp.${failure.stage}`;
    this.permanent = failure.permanent;
  }
}

/**
 * nodemailer options for a relay, after decideTlsPolicy: required TLS never falls back to clear
 * text, `none` never upgrades, `auto` upgrades when offered; password and CA come from
 * `smtp.secrets`, read at config load.
 */
export function buildTransportOptions(smtp: SmtpConfig, options: SmtpSendOptions = {}): SMTPTransportOptions {
  const transcript = options.onTranscript;
  // read at config load (parseNotifyConfig): nothing here touches a file, so a send cannot block the loop
  const { secrets } = smtp;
  // nodemailer tags what the relay said with {tnx: 'server'} and what it sent with {tnx: 'client'}
  const logLine = (...args: unknown[]): void => {
    const tnx = (args.find((arg) => typeof arg === 'object' && arg !== null) as { tnx?: string } | undefined)?.tnx;
    const prefix = tnx === 'server' ? 'S: ' : tnx === 'client' ? 'C: ' : '';
    const text = format(...(args.filter((arg) => typeof arg !== 'object' || arg === null) as [unknown, ...unknown[]]));
    transcript?.(prefix === '' ? text : text.split('\n').map((line) => `${prefix}${line}`).join('\n'));
  };
  const policy = decideTlsPolicy(smtp);
  return {
    host: smtp.host,
    port: smtp.port,
    secure: policy.use === 'implicit',
    requireTLS: policy.use === 'required',
    opportunisticTLS: policy.use === 'opportunistic',
    ignoreTLS: policy.use === 'off',
    connectionTimeout: smtp.timeoutMs,
    greetingTimeout: smtp.timeoutMs,
    socketTimeout: smtp.timeoutMs,
    ...(smtp.user !== undefined && smtp.password !== undefined
      ? { auth: { user: smtp.user, pass: secrets.password ?? '' } }
      : {}),
    tls: {
      rejectUnauthorized: policy.verify,
      ...(secrets.ca === undefined ? {} : { ca: secrets.ca }),
    },
    ...(transcript
      ? { debug: true, logger: { trace: logLine, debug: logLine, info: logLine, warn: logLine, error: logLine, fatal: logLine } }
      : { logger: false }),
  };
}

/** A SendMail over SMTP with nodemailer: one connection per mail, closed after it; failures come as SmtpSendError. */
export function createSmtpSend(email: EmailConfig, options: SmtpSendOptions = {}): SendMail {
  return async (mail) => {
    // loaded at the first mail: an agent without e-mail keeps its memory (issue 16)
    const { createTransport } = createRequire(import.meta.url)('nodemailer') as typeof import('nodemailer');
    const transport = createTransport(buildTransportOptions(email.smtp, options));
    try {
      const info = await transport.sendMail({
        from: mail.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        messageId: mail.messageId,
        headers: { 'X-Ha-Mount-Mount': mail.mount },
      });
      return {
        accepted: info.accepted.map(String),
        rejected: info.rejected.map(String),
        response: info.response,
      };
    } catch (error) {
      throw new SmtpSendError(explainSmtpError(error, email.smtp), error);
    } finally {
      transport.close();
    }
  };
}
