import { format } from 'node:util';
import { createTransport } from 'nodemailer';
import type { SMTPTransportOptions } from 'nodemailer/lib/smtp-transport';
import type { SendMail } from './mail-sender.js';
import type { EmailConfig, SmtpConfig } from './notify-config.js';

/** Options of createSmtpSend and buildTransportOptions. */
export interface SmtpSendOptions {
  env?: NodeJS.ProcessEnv;
  /** receives the SMTP conversation line by line (C: / S:), for notify-test --verbose */
  onTranscript?: (line: string) => void;
}

/**
 * nodemailer options for a relay: STARTTLS is required when asked for (no silent fallback to
 * clear text), `none` never upgrades; password and CA come from `smtp.secrets`, read at config load.
 */
export function buildTransportOptions(smtp: SmtpConfig, options: SmtpSendOptions = {}): SMTPTransportOptions {
  const transcript = options.onTranscript;
  // read at config load (parseNotifyConfig): nothing here touches a file, so a send cannot block the loop
  const { secrets } = smtp;
  const logLine = (...args: unknown[]): void => transcript?.(format(...(args.filter((arg) => typeof arg !== 'object' || arg === null) as [unknown, ...unknown[]])));
  return {
    host: smtp.host,
    port: smtp.port,
    secure: smtp.security === 'tls',
    requireTLS: smtp.security === 'starttls',
    ignoreTLS: smtp.security === 'none',
    connectionTimeout: smtp.timeoutMs,
    greetingTimeout: smtp.timeoutMs,
    socketTimeout: smtp.timeoutMs,
    ...(smtp.user !== undefined && smtp.password !== undefined
      ? { auth: { user: smtp.user, pass: secrets.password ?? '' } }
      : {}),
    ...(secrets.ca === undefined ? {} : { tls: { ca: secrets.ca } }),
    ...(transcript
      ? { debug: true, logger: { trace: logLine, debug: logLine, info: logLine, warn: logLine, error: logLine, fatal: logLine } }
      : { logger: false }),
  };
}

/** A SendMail over SMTP with nodemailer: one connection per mail, closed after it. */
export function createSmtpSend(email: EmailConfig, options: SmtpSendOptions = {}): SendMail {
  return async (mail) => {
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
    } finally {
      transport.close();
    }
  };
}
