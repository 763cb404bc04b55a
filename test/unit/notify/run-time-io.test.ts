// issue 15 item 4 (notify): hook scripts, the SMTP password file and the CA file are checked and
// read when the config is loaded; at run time nothing touches their paths from the agent's loop
import * as fs from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConfigReader } from '../../../src/config/config-reader.js';
import { createNotifier } from '../../../src/notify/notifier.js';
import { parseNotifyConfig } from '../../../src/notify/notify-config.js';
import { buildTransportOptions } from '../../../src/notify/smtp-transport.js';
import type { RunResult } from '../../../src/exec/run.js';
import { captureLogger, createFakeClock, makeEvent } from './helpers.js';

// every synchronous call into node:fs is recorded with its first argument
const touched: string[] = [];
vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  const record = <T extends (...args: never[]) => unknown>(name: string, fn: T): T =>
    ((...args: Parameters<T>) => {
      touched.push(`${name} ${String(args[0])}`);
      return fn(...args);
    }) as T;
  const wrapped = { ...real };
  for (const name of ['realpathSync', 'statSync', 'lstatSync', 'readFileSync', 'openSync', 'existsSync', 'accessSync'] as const) {
    (wrapped as Record<string, unknown>)[name] = record(name, real[name] as (...args: never[]) => unknown);
  }
  return { ...wrapped, default: wrapped };
});

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ha-mount-runio-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('notify files at run time', () => {
  it('when a transition runs hooks and a mail is prepared then no hook script, password or CA path is touched; all were read at load', async () => {
    const script = join(dir, 'notify.sh');
    await writeFile(script, '#!/bin/sh\nexit 0\n');
    await chmod(script, 0o755);
    const passwordFile = join(dir, 'smtp-password');
    await writeFile(passwordFile, 'pw-at-load\n', { mode: 0o600 });
    const caFile = join(dir, 'ca.pem');
    await writeFile(caFile, 'PEM-AT-LOAD');
    const yaml = `notify:\n  email:\n    to: ops@example.com\n    smtp: { host: 127.0.0.1, user: u, password-file: ${passwordFile}, ca-file: ${caFile} }\n  hooks:\n    notify: ${script}\n`;
    const config = parseNotifyConfig(ConfigReader.parse('/etc/ha-mount/ha-mount.yaml', yaml).child('notify'));
    expect(touched.some((call) => call.endsWith(passwordFile))).toBe(true); // checked and read at load

    touched.length = 0;
    const ran: string[] = [];
    const runHook = async (command: { file: string }): Promise<RunResult> => {
      ran.push(command.file);
      return { exitCode: 0, signal: undefined, stdout: '', stderr: '', timedOut: false, durationMs: 1 };
    };
    const { logger } = captureLogger();
    const notifier = createNotifier(config, { logger, clock: createFakeClock(), host: 'client-01', runHook, sendMail: async () => ({ accepted: [], rejected: [], response: '250' }) });
    notifier.notify(makeEvent());
    await vi.waitFor(() => expect(ran).toEqual([script]));
    const transport = buildTransportOptions(config.email!.smtp);
    expect(transport.auth).toMatchObject({ user: 'u', pass: 'pw-at-load' });
    expect(transport.tls).toEqual({ ca: 'PEM-AT-LOAD', rejectUnauthorized: true });
    expect(touched.filter((call) => [script, passwordFile, caFile, dir].some((path) => call.includes(path)))).toEqual([]);
    await notifier.close({ drainMs: 0 });
  });

  it('when the secrets are reloaded then the new password is used, and a refused file keeps the old one', async () => {
    const passwordFile = join(dir, 'smtp-password');
    await writeFile(passwordFile, 'first\n', { mode: 0o600 });
    const config = parseNotifyConfig(ConfigReader.parse('c', `notify:\n  email:\n    to: a@b.c\n    smtp: { host: 127.0.0.1, user: u, password-file: ${passwordFile} }\n`).child('notify'));
    const secrets = config.email!.smtp.secrets;
    await writeFile(passwordFile, 'second\n');
    secrets.reload();
    expect(buildTransportOptions(config.email!.smtp).auth).toMatchObject({ pass: 'second' });
    await chmod(passwordFile, 0o644);
    expect(() => secrets.reload()).toThrow(/mode 0644 lets group or others read/);
    expect(secrets.password).toBe('second');
    expect(JSON.stringify(config)).not.toContain('second');
    expect(fs.existsSync(passwordFile)).toBe(true);
  });
});
