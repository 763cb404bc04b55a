import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULTS } from '../../../src/defaults.js';
import type { EmailConfig } from '../../../src/notify/notify-config.js';
import { SmtpSecrets } from '../../../src/notify/smtp-secrets.js';
import { generateSelfSignedPair, type TlsKeyPair } from '../../../src/notify/test-smtp-server.js';

export const SMTP_USER = 'alerts';
export const SMTP_PASS = 's3cret-pw';

/** A temp folder with a mode-600 password file and the test server's certificate. */
export interface SmtpFixture {
  dir: string;
  tls: TlsKeyPair;
  passwordFile: string;
  caFile: string;
  cleanup(): Promise<void>;
}

export async function createSmtpFixture(): Promise<SmtpFixture> {
  const dir = await mkdtemp(join(tmpdir(), 'ha-mount-smtp-'));
  const tls = await generateSelfSignedPair();
  const passwordFile = join(dir, 'smtp-password');
  await writeFile(passwordFile, `${SMTP_PASS}\n`, { mode: 0o600 });
  const caFile = join(dir, 'ca.pem');
  await writeFile(caFile, tls.cert);
  return { dir, tls, passwordFile, caFile, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** An email config for the test server: STARTTLS with the self-signed cert as CA, AUTH with the password file. */
export function makeEmailConfig(fixture: SmtpFixture, port: number, overrides: Partial<EmailConfig> = {}): EmailConfig {
  return {
    to: ['ops@example.com', 'oncall@example.com'],
    from: 'ha-mount@client-01.example.com',
    smtp: { host: '127.0.0.1', port, security: 'starttls', user: SMTP_USER, password: { file: fixture.passwordFile }, caFile: fixture.caFile, timeoutMs: 5_000, secrets: new SmtpSecrets({ password: { file: fixture.passwordFile }, caFile: fixture.caFile }) },
    coalesceMs: DEFAULTS.notify.coalesceMs,
    rateLimit: { count: DEFAULTS.notify.rateLimitCount, windowMs: DEFAULTS.notify.rateLimitWindowMs },
    queueMax: DEFAULTS.notify.queueMax,
    retry: { baseMs: DEFAULTS.notify.retryBaseMs, capMs: DEFAULTS.notify.retryCapMs },
    listMax: DEFAULTS.notify.listMax,
    ...overrides,
  };
}
