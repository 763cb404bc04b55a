// How a mail relay is spoken to: whether TLS is used and whether the relay's certificate is
// checked, from notify.email.smtp. Pure, so the table in docs/mail.md is a unit test.
import { isIP } from 'node:net';
import { DEFAULTS } from '../defaults.js';
import type { SmtpConfig, SmtpSecurity } from './notify-config.js';

/** What the connection does about TLS. */
export type TlsUse = 'implicit' | 'required' | 'opportunistic' | 'off';

/** The TLS policy of one relay, with the reason in words for notify-test and the log. */
export interface SmtpTlsPolicy {
  use: TlsUse;
  /** check the certificate chain and name (system CAs, or ca-file when set) */
  verify: boolean;
  /** one line: what is done and why, e.g. "STARTTLS when offered; certificate not checked: loopback relay" */
  summary: string;
}

/** True for a relay on this machine: 127.0.0.0/8, ::1 or localhost. Nothing sent to it crosses a network. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (bare === 'localhost' || bare === '::1') return true;
  return isIP(bare) === 4 && bare.startsWith('127.');
}

/**
 * The policy:
 * - `tls` / `starttls`: TLS is required; the certificate is checked, except on a loopback relay
 *   without ca-file (a certificate proves who answers across a network; on loopback the kernel
 *   does, and a relay's certificate never names 127.0.0.1).
 * - `auto` (the default): STARTTLS is required and checked when a password would cross the
 *   network (a user and a relay that is not on loopback); otherwise STARTTLS is used when the
 *   relay offers it, unchecked unless ca-file is set, as MTAs do between themselves (RFC 7435):
 *   unchecked TLS is never worse than the clear text the relay would otherwise get.
 * - `none`: never TLS, even when offered.
 */
export function decideTlsPolicy(smtp: Pick<SmtpConfig, 'host' | 'security' | 'user' | 'caFile'>): SmtpTlsPolicy {
  const loopback = isLoopbackHost(smtp.host);
  const hasCa = smtp.caFile !== undefined;
  const checked = (verify: boolean): string =>
    verify ? `certificate checked against ${hasCa ? 'ca-file' : "the system's CAs"}` : `certificate not checked: ${loopback ? 'loopback relay, nothing crosses a network' : 'opportunistic TLS, as between MTAs'}`;
  const required = (use: 'implicit' | 'required', why: string): SmtpTlsPolicy => {
    const verify = !loopback || hasCa;
    return { use, verify, summary: `${use === 'implicit' ? 'TLS from the first byte' : 'STARTTLS required'}${why}; ${checked(verify)}` };
  };
  const security: SmtpSecurity = smtp.security;
  if (security === 'none') return { use: 'off', verify: false, summary: 'no TLS (security: none)' };
  if (security === 'tls') return required('implicit', '');
  if (security === 'starttls') return required('required', '');
  if (smtp.user !== undefined && !loopback) return required('required', ': a password would cross the network');
  return { use: 'opportunistic', verify: hasCa, summary: `STARTTLS when the relay offers it, plain SMTP otherwise; ${checked(hasCa)}` };
}

/** The port when the config names none: 465 for tls, 587 when STARTTLS is required, else the relay port 25. */
export function defaultSmtpPort(smtp: Pick<SmtpConfig, 'host' | 'security' | 'user'>): number {
  const { use } = decideTlsPolicy(smtp);
  const ports = DEFAULTS.notify.smtpPorts;
  if (use === 'implicit') return ports.tls;
  return use === 'required' ? ports.starttls : ports.relay;
}
