// What an SMTP failure means and which key of notify.email to change. One place, used by the
// mail queue's log lines and by notify-test, so both name the same cause.
import type { SmtpConfig } from './notify-config.js';
import { decideTlsPolicy } from './smtp-policy.js';

/** The step of the SMTP conversation that failed. */
export type SmtpStage = 'connect' | 'tls' | 'auth' | 'sender' | 'recipients' | 'message' | 'unknown';

/** A failed send, explained. */
export interface SmtpFailure {
  stage: SmtpStage;
  /** what went wrong, with the server's reply when there was one */
  cause: string;
  /** what to do, naming the key to change */
  fix: string;
  /** the same mail would be refused again: drop it instead of retrying (a refused sender, recipient or message) */
  permanent: boolean;
  /** nodemailer's or the system's error code (EAUTH, ECONNREFUSED...), for logs and searches */
  code?: string;
}

interface NodemailerError {
  code?: string;
  originalCode?: string;
  command?: string;
  response?: string;
  responseCode?: number;
  message?: string;
}

const KEY = 'notify.email.smtp';

/** What an explanation needs of notify.email.smtp (not its secrets). */
export type SmtpRelay = Pick<SmtpConfig, 'host' | 'port' | 'security' | 'user' | 'caFile' | 'timeoutMs'>;

/** Explains a nodemailer error for this relay. Pure. */
export function explainSmtpError(error: unknown, smtp: SmtpRelay): SmtpFailure {
  const details: NodemailerError = typeof error === 'object' && error !== null ? (error as NodemailerError) : { message: String(error) };
  const reply = details.response?.split(/\r?\n/)[0]?.trim();
  const said = reply ? ` (the relay said "${reply}")` : '';
  const text = `${details.message ?? ''}`.toLowerCase();
  const where = `${smtp.host}:${smtp.port}`;
  const code = details.originalCode ?? details.code;
  const fail = (stage: SmtpStage, cause: string, fix: string, permanent = false): SmtpFailure => ({ stage, cause, fix, permanent, ...(code === undefined ? {} : { code }) });

  if (text.includes('certificate') || text.includes('self-signed') || text.includes('self signed') || text.includes('hostname/ip does not match')) {
    const policy = decideTlsPolicy(smtp);
    return fail('tls', `the relay's TLS certificate was not accepted (${firstLine(details.message)}); ${policy.summary}`,
      `set ${KEY}.ca-file to the CA (or the relay's own certificate, PEM) that signed it${smtp.security === 'auto' ? '' : `, or use security: auto for a relay on this machine (127.0.0.1)`}`);
  }
  if (text.includes('wrong version number') || text.includes('packet length too long') || (details.code === 'ETLS' && smtp.security === 'tls')) {
    return fail('tls', `TLS was spoken to ${where}, which answers in plain text`, `use security: auto or starttls for port ${smtp.port}, or ${KEY}.port: 465 for TLS from the first byte`);
  }
  if (details.code === 'ETLS' || details.command === 'STARTTLS') {
    const notOffered = /not advertised|not supported|not implemented|unrecognized|unknown command/i.test(reply ?? '') || details.responseCode === 502 || details.responseCode === 500 || details.responseCode === 503;
    if (notOffered) {
      const why = smtp.security === 'starttls' ? 'security: starttls requires it' : 'a password would cross the network, so it is required';
      return fail('tls', `the relay ${where} does not offer STARTTLS${said}, and ${why}`,
        smtp.security === 'starttls'
          ? `enable STARTTLS on the relay, or set ${KEY}.security: auto (plain SMTP when TLS is not offered; refused when a password would cross the network)`
          : `enable STARTTLS on the relay, relay through a local MTA on 127.0.0.1, or use ${KEY}.security: tls on port 465`);
    }
    return fail('tls', `the TLS handshake with ${where} failed: ${firstLine(details.message)}`, `check the relay's TLS set-up, or ${KEY}.security and port`);
  }
  if (details.code === 'EAUTH') {
    return fail('auth', `the relay refused the login of user ${smtp.user ?? '(none)'}${said}`, `check ${KEY}.user and the password in password-file or password-env`);
  }
  if (details.code === 'ENOAUTH' || details.responseCode === 530) {
    return fail('auth', `the relay wants a login before it takes mail${said}`, `set ${KEY}.user and password-file (or relay through a local MTA on 127.0.0.1)`);
  }
  if (details.code === 'EENVELOPE') {
    const sender = details.command === 'MAIL FROM';
    return fail(sender ? 'sender' : 'recipients', `the relay refused the ${sender ? 'sender' : 'recipients'}${said}`,
      sender ? 'check notify.email.from (the relay may accept only its own domains)' : 'check notify.email.to (the relay may not relay to those domains for this client)', (details.responseCode ?? 0) >= 500);
  }
  if (details.code === 'EMESSAGE' || details.command === 'DATA') {
    return fail('message', `the relay refused the message${said}`, 'read the relay\'s log for why (size, content or policy)', (details.responseCode ?? 0) >= 500);
  }
  if (text.includes('econnrefused')) return fail('connect', `nothing listens on ${where}`, `check ${KEY}.host and port, and that the relay runs`);
  if (details.code === 'EDNS' || text.includes('enotfound') || text.includes('eai_again')) return fail('connect', `the name ${smtp.host} does not resolve`, `check ${KEY}.host`);
  if (details.code === 'ETIMEDOUT' || text.includes('timeout')) {
    return fail('connect', `no answer from ${where} within ${smtp.timeoutMs} ms`, `check ${KEY}.host and port (25 relay, 587 submission, 465 TLS) and any firewall between`);
  }
  if (details.code === 'ECONNECTION' || details.code === 'ESOCKET') {
    return fail('connect', `the connection to ${where} broke: ${firstLine(details.message)}`, `check that the relay runs and takes connections from this host (${KEY}.host, port)`);
  }
  return fail('unknown', firstLine(details.message) || 'unknown error', 'run ha-mount notify-test --verbose to see the whole SMTP conversation');
}

/** One line: cause, then what to do. */
export function formatSmtpFailure(failure: SmtpFailure): string {
  return `${failure.cause}${failure.code === undefined ? '' : ` [${failure.code}]`}; ${failure.fix}`;
}

function firstLine(text: string | undefined): string {
  return (text ?? '').split(/\r?\n/)[0]?.trim() ?? '';
}
