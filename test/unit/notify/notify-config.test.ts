import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigReader } from '../../../src/config/config-reader.js';
import { DEFAULTS } from '../../../src/defaults.js';
import { HaMountError } from '../../../src/errors.js';
import { parseNotifyConfig } from '../../../src/notify/notify-config.js';

let dir: string;
let passwordFile: string;
let hook: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ha-mount-cfg-'));
  passwordFile = join(dir, 'smtp-password');
  await writeFile(passwordFile, 's3cret\n', { mode: 0o600 });
  hook = join(dir, 'notify.sh');
  await writeFile(hook, '#!/bin/sh\n', { mode: 0o755 });
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function parse(yaml: string, env: NodeJS.ProcessEnv = {}) {
  return parseNotifyConfig(ConfigReader.parse('/etc/ha-mount/ha-mount.yaml', yaml).child('notify'), { env });
}

function parseError(yaml: string, env: NodeJS.ProcessEnv = {}): HaMountError {
  try {
    parse(yaml, env);
  } catch (error) {
    if (error instanceof HaMountError) return error;
    throw error;
  }
  throw new Error('expected a HaMountError');
}

describe('parseNotifyConfig', () => {
  it('when the section is absent then there is no mail, no hooks and no desktop', () => {
    const config = parse('mounts: []\n');
    expect(config).toEqual({ hooks: { scripts: {}, timeoutMs: DEFAULTS.notify.hookTimeoutMs, queueMax: DEFAULTS.notify.hookQueueMax }, desktop: false });
  });

  it('when a full section is given then every value is read, with defaults for the rest', () => {
    const config = parse(`notify:
  email:
    to: [ops@example.com, "On call <oncall@example.com>"]
    from: ha-mount@client-01.example.com
    smtp:
      host: smtp.example.com
      user: alerts
      password-file: ${passwordFile}
    coalesce: 5s
    rate-limit: { count: 3, window: 10m }
  hooks:
    notify: ${hook}
    notify_failed: ${hook}
    timeout: 2s
  desktop: true
`);
    expect(config.email).toMatchObject({
      to: ['ops@example.com', 'On call <oncall@example.com>'],
      from: 'ha-mount@client-01.example.com',
      smtp: { host: 'smtp.example.com', port: 587, security: 'auto', user: 'alerts', password: { file: passwordFile }, timeoutMs: DEFAULTS.notify.smtpTimeoutMs },
      coalesceMs: 5_000,
      rateLimit: { count: 3, windowMs: 600_000 },
    });
    expect(config.hooks).toMatchObject({ scripts: { notify: hook, notify_failed: hook }, timeoutMs: 2_000 });
    expect(config.desktop).toBe(true);
  });

  it('when security is left out then it is auto, on the relay port 25 for a local MTA and 587 once a password goes to a remote relay', () => {
    const local = parse('notify:\n  email:\n    to: a@b.c\n    smtp: { host: 127.0.0.1 }\n');
    const remote = parse(`notify:\n  email:\n    to: a@b.c\n    smtp: { host: smtp.example.com, user: u, password-file: ${passwordFile} }\n`);
    expect([local.email?.smtp.security, local.email?.smtp.port, remote.email?.smtp.port]).toEqual(['auto', 25, 587]);
  });

  it('when security is tls or none then the port defaults to 465 or 25', () => {
    const tls = parse('notify:\n  email:\n    to: a@b.c\n    smtp: { host: h, security: tls }\n');
    const none = parse('notify:\n  email:\n    to: a@b.c\n    smtp: { host: h, security: none }\n');
    expect([tls.email?.smtp.port, none.email?.smtp.port]).toEqual([465, 25]);
  });

  it('when the password file is readable by others then it is refused naming file, mode and chmod 600', async () => {
    await chmod(passwordFile, 0o644);
    const error = parseError(`notify:\n  email:\n    to: a@b.c\n    smtp:\n      host: h\n      user: u\n      password-file: ${passwordFile}\n`);
    expect(error.message).toBe(
      `/etc/ha-mount/ha-mount.yaml:7: notify.email.smtp.password-file: refusing the password file ${passwordFile}: its mode 0644 lets group or others read or change it; run: chmod 600 ${passwordFile}`,
    );
    expect(error.code).toBe('ha-mount.config.insecure');
  });

  it('when the password variable is not set then the error names it and how to set it', () => {
    const yaml = 'notify:\n  email:\n    to: a@b.c\n    smtp: { host: h, user: u, password-env: SMTP_PW }\n';
    expect(parseError(yaml).message).toMatch(/notify\.email\.smtp\.password-env: the environment variable SMTP_PW is not set or empty/);
    expect(parse(yaml, { SMTP_PW: 'x' }).email?.smtp.password).toEqual({ env: 'SMTP_PW' });
  });

  it('when a user has no password, or both password keys are given, then the error says which', () => {
    expect(parseError('notify:\n  email:\n    to: a@b.c\n    smtp: { host: h, user: u }\n').message).toMatch(/a user is set but no password/);
    expect(parseError(`notify:\n  email:\n    to: a@b.c\n    smtp: { host: h, user: u, password-file: ${passwordFile}, password-env: X }\n`, { X: 'y' }).message).toMatch(/not both/);
  });

  it('when a password would go in clear text to a remote relay then it is refused', () => {
    const error = parseError(`notify:\n  email:\n    to: a@b.c\n    smtp: { host: smtp.example.com, security: none, user: u, password-file: ${passwordFile} }\n`);
    expect(error.message).toMatch(/notify\.email\.smtp\.security: a password would cross the network in clear text/);
  });

  it('when email.enabled is false then no mail is sent (Alertmanager only) and hooks stay', () => {
    const config = parse(`notify:
  email:
    enabled: false
    to: [ops@example.com]
    smtp: { host: smtp.example.com }
  hooks:
    notify: ${hook}
`);
    expect(config.email).toBeUndefined();
    expect(config.hooks.scripts).toEqual({ notify: hook });
    expect(parse('notify:\n  email:\n    enabled: true\n    to: [ops@example.com]\n    smtp: { host: smtp.example.com }\n').email?.to).toEqual(['ops@example.com']);
    expect(parseError('notify:\n  email:\n    enabled: "no"\n').message).toMatch(/notify\.email\.enabled: expected/);
  });

  it('when to is missing or an address is malformed then file, line and key are named', () => {
    expect(parseError('notify:\n  email:\n    smtp: { host: h }\n').message).toMatch(/^\/etc\/ha-mount\/ha-mount\.yaml:\d+: notify\.email\.to: expected one or more mail addresses/);
    expect(parseError('notify:\n  email:\n    to: [ok@x.y, not-an-address]\n    smtp: { host: h }\n').message).toBe(
      '/etc/ha-mount/ha-mount.yaml:3: notify.email.to[1]: "not-an-address": there is no @; expected one mail address like ops@example.com or Ops <ops@example.com>',
    );
  });

  it('when a key is misspelt then the allowed keys are listed', () => {
    expect(parseError('notify:\n  hooks:\n    notify_fail: /x\n').message).toMatch(/notify\.hooks\.notify_fail: expected one of the keys notify, notify_starting/);
  });

  it('when a hook script is writable by others then config load refuses it at its line', async () => {
    await chmod(hook, 0o757);
    const error = parseError(`notify:\n  hooks:\n    notify_failed: ${hook}\n`);
    expect(error.message).toMatch(new RegExp(`^/etc/ha-mount/ha-mount\\.yaml:3: notify\\.hooks\\.notify_failed: refusing the script ${hook}: the script ${hook} is writable by others \\(mode 0757\\)`));
    expect(error.code).toBe('ha-mount.config.insecure-script');
  });
});
