import { hostname } from 'node:os';
import { isSeq } from 'yaml';
import type { ConfigReader } from '../config/config-reader.js';
import { DEFAULTS } from '../defaults.js';
import { ExitCode, HaMountError } from '../errors.js';
import type { MountState } from '../types.js';
import { checkMailAddress } from './mail-address.js';
import { checkCaFile, checkPasswordFile } from './password-file.js';
import { checkScriptSecurity } from './script-security.js';
import { defaultSmtpPort, isLoopbackHost } from './smtp-policy.js';
import { SmtpSecrets } from './smtp-secrets.js';

/**
 * How the SMTP connection is protected: `auto` (STARTTLS when offered, required when a password
 * would cross the network), STARTTLS required, TLS from the first byte, or none. See smtp-policy.ts.
 */
export type SmtpSecurity = 'auto' | 'starttls' | 'tls' | 'none';

/** Where the SMTP password comes from; read when the config is loaded and on reload (SmtpSecrets), never at send time. */
export type PasswordSource = { file: string } | { env: string };

/** The SMTP relay that notification mail goes through. */
export interface SmtpConfig {
  host: string;
  port: number;
  security: SmtpSecurity;
  user?: string;
  password?: PasswordSource;
  /** PEM file of the CA (or the self-signed certificate) the relay's certificate must chain to */
  caFile?: string;
  /** the password and the CA's text, read and checked at load; the transport uses these, never the files */
  secrets: SmtpSecrets;
  /** connect, greeting and per-reply timeout */
  timeoutMs: number;
}

/** `notify.email`: who gets mail, through which relay, and how storms are held back. */
export interface EmailConfig {
  to: string[];
  from: string;
  smtp: SmtpConfig;
  /** changes within this long of the first go out as one mail */
  coalesceMs: number;
  /** at most `count` mails per mount per `windowMs`; the rest are folded into the next one */
  rateLimit: { count: number; windowMs: number };
  /** mails waiting for SMTP; beyond that the oldest are dropped (and the next mail says so) */
  queueMax: number;
  /** backoff while SMTP is down: retryBaseMs doubling up to retryCapMs */
  retry: { baseMs: number; capMs: number };
  /** changes listed in one mail; more are counted, not listed */
  listMax: number;
}

/** Hook names: the generic `notify` and one per state, as keepalived's notify_master/notify_fault. */
export type HookName = 'notify' | `notify_${MountState}`;

/** Every hook key `notify.hooks` accepts, in the order keepalived users would expect. */
export const HOOK_NAMES: readonly HookName[] = [
  'notify',
  'notify_starting',
  'notify_healthy',
  'notify_degraded',
  'notify_hung',
  'notify_failed',
  'notify_recovering',
];

/** `notify.hooks`: scripts run on each transition, one at a time, in event order. */
export interface HooksConfig {
  /** absolute paths, checked like keepalived's enable_script_security at load */
  scripts: Partial<Record<HookName, string>>;
  timeoutMs: number;
  queueMax: number;
}

/** The validated `notify:` section. */
export interface NotifyConfig {
  /** absent: no mail */
  email?: EmailConfig;
  hooks: HooksConfig;
  /** desktop notifications (node-notifier); off by default */
  desktop: boolean;
}

/** Options for parseNotifyConfig; tests inject the environment. */
export interface ParseNotifyOptions {
  env?: NodeJS.ProcessEnv;
}

const SECURITIES: readonly SmtpSecurity[] = ['auto', 'starttls', 'tls', 'none'];

/**
 * Parses and validates the `notify:` section (the reader points at it). Checks at load what can
 * be checked: password file permissions, password variable present, hook script security.
 * Throws HaMountError (exit 1) naming file, line and key.
 */
export function parseNotifyConfig(reader: ConfigReader, options: ParseNotifyOptions = {}): NotifyConfig {
  reader.rejectUnknownKeys(['email', 'hooks', 'desktop']);
  const email = reader.child('email');
  // `enabled: false` is "Alertmanager only": the site pages from Prometheus, the mail settings stay for a switch back
  const mailOn = email.exists && (email.child('enabled').boolean() ?? true);
  return {
    ...(mailOn ? { email: parseEmail(email, options.env ?? process.env) } : {}),
    hooks: parseHooks(reader.child('hooks')),
    desktop: reader.child('desktop').boolean() ?? false,
  };
}

/** A config error at a reader's position whose text is not of the "expected X, found Y" kind. */
export function configError(reader: ConfigReader, text: string, code = 'ha-mount.config.invalid'): HaMountError {
  return new HaMountError(code, `${reader.file}:${reader.line}: ${reader.path}: ${text}`, ExitCode.USAGE);
}

function parseEmail(reader: ConfigReader, env: NodeJS.ProcessEnv): EmailConfig {
  reader.rejectUnknownKeys(['enabled', 'to', 'from', 'smtp', 'coalesce', 'rate-limit']);
  const toReader = reader.child('to');
  const to = toReader.stringList() ?? [];
  if (to.length === 0) throw toReader.error('one or more mail addresses', 'ha-mount.config.missing');
  const toItems = isSeq(toReader.node) ? toReader.items() : [toReader];
  to.forEach((address, index) => checkAddress(toItems[index] ?? toReader, address));
  const fromReader = reader.child('from');
  const from = fromReader.string() ?? `ha-mount@${hostname()}`;
  checkAddress(fromReader, from);
  const rate = reader.child('rate-limit');
  rate.rejectUnknownKeys(['count', 'window']);
  return {
    to,
    from,
    smtp: parseSmtp(reader.child('smtp'), env),
    coalesceMs: reader.child('coalesce').duration({ maxMs: 10 * 60_000 }) ?? DEFAULTS.notify.coalesceMs,
    rateLimit: {
      count: rate.child('count').integer({ min: 1, max: 10_000 }) ?? DEFAULTS.notify.rateLimitCount,
      windowMs: rate.child('window').duration({ minMs: 1_000 }) ?? DEFAULTS.notify.rateLimitWindowMs,
    },
    queueMax: DEFAULTS.notify.queueMax,
    retry: { baseMs: DEFAULTS.notify.retryBaseMs, capMs: DEFAULTS.notify.retryCapMs },
    listMax: DEFAULTS.notify.listMax,
  };
}

function parseSmtp(reader: ConfigReader, env: NodeJS.ProcessEnv): SmtpConfig {
  if (!reader.exists) throw reader.error('a mapping with at least `host:`', 'ha-mount.config.missing');
  reader.rejectUnknownKeys(['host', 'port', 'security', 'user', 'password-file', 'password-env', 'ca-file', 'timeout']);
  const host = reader.child('host').string({ required: true });
  const securityReader = reader.child('security');
  const security = (securityReader.string() ?? DEFAULTS.notify.smtpSecurity) as SmtpSecurity;
  if (!SECURITIES.includes(security)) throw securityReader.error(`one of ${SECURITIES.join(', ')}`);
  const user = reader.child('user').string();
  const port = reader.child('port').integer({ min: 1, max: 65_535 }) ?? defaultSmtpPort({ host, security, ...(user === undefined ? {} : { user }) });
  const password = parsePassword(reader, user, env);
  if (user !== undefined && security === 'none' && !isLoopbackHost(host)) {
    throw configError(
      reader.child('security'),
      `a password would cross the network in clear text to ${host}; set security: starttls (or tls), or relay through a local MTA on 127.0.0.1`,
    );
  }
  const caReader = reader.child('ca-file');
  const caFile = caReader.string();
  const caProblem = caFile === undefined ? undefined : checkCaFile(caFile);
  if (caProblem) throw configError(caReader, caProblem, 'ha-mount.config.insecure');
  let secrets: SmtpSecrets;
  try {
    secrets = new SmtpSecrets({ ...(password === undefined ? {} : { password }), ...(caFile === undefined ? {} : { caFile }) }, env);
  } catch (error) {
    // the file changed between its check and its read
    throw configError(caFile !== undefined && password === undefined ? caReader : reader, (error as Error).message, 'ha-mount.config.insecure');
  }
  return {
    host,
    port,
    security,
    ...(user === undefined ? {} : { user }),
    ...(password === undefined ? {} : { password }),
    ...(caFile === undefined ? {} : { caFile }),
    secrets,
    timeoutMs: reader.child('timeout').duration({ minMs: 100 }) ?? DEFAULTS.notify.smtpTimeoutMs,
  };
}

function parsePassword(reader: ConfigReader, user: string | undefined, env: NodeJS.ProcessEnv): PasswordSource | undefined {
  const fileReader = reader.child('password-file');
  const envReader = reader.child('password-env');
  const file = fileReader.string();
  const variable = envReader.string();
  if (file !== undefined && variable !== undefined) {
    throw configError(envReader, 'give password-file or password-env, not both');
  }
  if ((file !== undefined || variable !== undefined) && user === undefined) {
    throw configError(reader.child('user'), 'a password is set but no user; add `user:` for SMTP AUTH', 'ha-mount.config.missing');
  }
  if (user !== undefined && file === undefined && variable === undefined) {
    throw configError(reader.child('user'), 'a user is set but no password; add `password-file: /etc/ha-mount/smtp-password` (mode 600) or `password-env: VAR`', 'ha-mount.config.missing');
  }
  if (file !== undefined) {
    const problem = checkPasswordFile(file);
    if (problem) throw configError(fileReader, problem, 'ha-mount.config.insecure');
    return { file };
  }
  if (variable !== undefined) {
    if (!env[variable]) {
      throw configError(
        envReader,
        `the environment variable ${variable} is not set or empty; set it for the service (systemd: EnvironmentFile= with mode 600)`,
        'ha-mount.config.missing',
      );
    }
    return { env: variable };
  }
  return undefined;
}

function checkAddress(reader: ConfigReader, address: string): void {
  const problem = checkMailAddress(address);
  if (problem) throw configError(reader, `${problem}; expected one mail address like ops@example.com or Ops <ops@example.com>`);
}

function parseHooks(reader: ConfigReader): HooksConfig {
  reader.rejectUnknownKeys([...HOOK_NAMES, 'timeout']);
  const scripts: Partial<Record<HookName, string>> = {};
  for (const name of HOOK_NAMES) {
    const scriptReader = reader.child(name);
    const path = scriptReader.string();
    if (path === undefined) continue;
    const problem = checkScriptSecurity(path);
    if (problem) throw configError(scriptReader, problem, 'ha-mount.config.insecure-script');
    scripts[name] = path;
  }
  return {
    scripts,
    timeoutMs: reader.child('timeout').duration({ minMs: 100, maxMs: 10 * 60_000 }) ?? DEFAULTS.notify.hookTimeoutMs,
    queueMax: DEFAULTS.notify.hookQueueMax,
  };
}
