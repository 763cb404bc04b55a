import { readFileSync } from 'node:fs';
import { format } from 'node:util';
import { createRequire } from 'node:module';
import type { SMTPTransportOptions } from 'nodemailer/lib/smtp-transport';
import type { SendMail } from './mail-sender.js';
import type { EmailConfig, SmtpConfig } from './notify-config.js';
import { readPassword } from './password-file.js';

/** Options of createSmtpSend and buildTransportOptions. */
export interface SmtpSendOptions {
  env?: NodeJS.ProcessEnv;
  /** receives the SMTP conversation line by line (C: / S:), for notify-test --verbose */
  onTranscript?: (line: string) => void;
}

/**
 * nodemailer options for a relay: STARTTLS is required when asked for (no silent fallback to
 * clear text), `none` never upgrades; password and CA are read now, so a rotated file is used.
 */
export function buildTransportOptions(smtp: SmtpConfig, options: SmtpSendOptions = {}): SMTPTransportOptions {
  const transcript = options.onTranscript;
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
      ? { auth: { user: smtp.user, pass: readPassword(smtp.password, options.env) } }
      : {}),
    ...(smtp.caFile === undefined ? {} : { tls: { ca: readFileSync(smtp.caFile, 'utf8') } }),
    ...(transcript
      ? { debug: true, logger: { trace: logLine, debug: logLine, info: logLine, warn: logLine, error: logLine, fatal: logLine } }
      : { logger: false }),
  };
}

/** A SendMail over SMTP with nodemailer: one connection per mail, closed after it. */
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
    } finally {
      transport.close();
    }
  };
}
