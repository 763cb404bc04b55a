import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { registerNotifyTestCommand } from '../../../src/cli/notify-test-command.js';
import { HaMountError } from '../../../src/errors.js';
import { startTestSmtpServer, type TestSmtpServer } from '../../../src/notify/test-smtp-server.js';
import { createSmtpFixture, SMTP_PASS, SMTP_USER, type SmtpFixture } from './smtp-fixture.js';

let fixture: SmtpFixture;
let server: TestSmtpServer | undefined;

beforeAll(async () => {
  fixture = await createSmtpFixture();
});
afterAll(async () => {
  await fixture.cleanup();
});
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

/** A config for the test server; `smtpLines` replaces the STARTTLS + login + ca-file lines (e.g. '' for the defaults). */
async function writeConfig(port: number, extra = '', smtpLines?: string): Promise<string> {
  const secured = `security: starttls
      user: ${SMTP_USER}
      password-file: ${fixture.passwordFile}
      ca-file: ${fixture.caFile}`;
  const path = join(fixture.dir, 'ha-mount.yaml');
  await writeFile(
    path,
    `notify:
  email:
    to: [ops@example.com]
    from: ha-mount@client-01.example.com
    smtp:
      host: 127.0.0.1
      port: ${port}
      ${smtpLines ?? secured}
      timeout: 5s
${extra}`,
  );
  return path;
}

async function runCli(args: string[]): Promise<{ output: string; error?: HaMountError }> {
  let output = '';
  // like src/cli/program.ts: the config file is the program's global -c/--config
  const program = new Command('ha-mount').option('-c, --config <file>').exitOverride();
  registerNotifyTestCommand(program, { print: (line) => (output += `${line}\n`), host: 'client-01', env: {} });
  try {
    await program.parseAsync(['node', 'ha-mount', 'notify-test', ...args]);
    return { output };
  } catch (error) {
    if (error instanceof HaMountError) return { output, error };
    throw error;
  }
}

describe('ha-mount notify-test', () => {
  it('when the relay takes the mail then it reports accepted recipients and the server response', async () => {
    server = await startTestSmtpServer({ secure: 'starttls', auth: { user: SMTP_USER, pass: SMTP_PASS }, tls: fixture.tls });
    const config = await writeConfig(server.port);
    const { output, error } = await runCli(['--config', config]);  // global option after the subcommand
    expect(error).toBeUndefined();
    expect(output).toContain(`notify-test: sending a test mail via 127.0.0.1:${server.port} (starttls, user alerts) from ha-mount@client-01.example.com to ops@example.com`);
    expect(output).toContain('accepted:  ops@example.com');
    expect(output).toContain('rejected:  (none)');
    expect(output).toMatch(/server:    250 .*queued as 1/);
    expect(output).toContain('TLS:       STARTTLS required; certificate checked against ca-file');
    expect(server.messages).toHaveLength(1);
    expect(server.messages[0]).toMatchObject({ subject: '[ha-mount] client-01: test mail from ha-mount notify-test', secure: true, authUser: SMTP_USER });
  });

  it('when --verbose is given then the SMTP conversation is shown', async () => {
    server = await startTestSmtpServer({ secure: 'starttls', auth: { user: SMTP_USER, pass: SMTP_PASS }, tls: fixture.tls });
    const { output } = await runCli(['-c', await writeConfig(server.port), '--verbose']);
    expect(output).toMatch(/\| .*STARTTLS/);
    expect(output).toMatch(/\| .*AUTH/);
  });

  it('when a recipient is refused then it is listed and the command fails saying to fix notify.email.to', async () => {
    server = await startTestSmtpServer({ secure: 'starttls', auth: { user: SMTP_USER, pass: SMTP_PASS }, tls: fixture.tls, rejectRecipients: ['nobody@example.com'] });
    const { output, error } = await runCli(['--config', await writeConfig(server.port), '--to', 'ops@example.com', 'nobody@example.com']);
    expect(output).toContain('rejected:  nobody@example.com');
    expect(error?.message).toBe('notify-test: the SMTP server refused nobody@example.com; fix notify.email.to');
  });

  it('when the password is wrong then the error says EAUTH and what to check', async () => {
    server = await startTestSmtpServer({ secure: 'starttls', auth: { user: SMTP_USER, pass: 'another' }, tls: fixture.tls });
    const { error } = await runCli(['--config', await writeConfig(server.port)]);
    expect(error?.code).toBe('ha-mount.notify.smtp');
    expect(error?.message).toMatch(/failed at auth: the relay refused the login of user alerts \(the relay said "535 .*"\) \[EAUTH\]; check notify\.email\.smtp\.user and the password in password-file/);
  });

  it('when the certificate is not trusted then the error says to set ca-file', async () => {
    server = await startTestSmtpServer({ secure: 'starttls', auth: { user: SMTP_USER, pass: SMTP_PASS } }); // its own, different cert
    const { error } = await runCli(['--config', await writeConfig(server.port)]);
    expect(error?.message).toMatch(/failed at tls: the relay's TLS certificate was not accepted \(.*self-signed.*\).*; set notify\.email\.smtp\.ca-file to the CA/);
  });

  it('when nothing listens then the error says to check host, port and the relay', async () => {
    const probe = await startTestSmtpServer();
    const port = probe.port;
    await probe.stop();
    const { error } = await runCli(['--config', await writeConfig(port)]);
    expect(error?.exitCode).toBe(2);
    expect(error?.message).toMatch(new RegExp(`failed at connect: nothing listens on 127\\.0\\.0\\.1:${port} \\[ECONNREFUSED\\]; check notify\\.email\\.smtp\\.host and port`));
  });

  it('when the relay offers no STARTTLS and security is starttls then the cause is the missing STARTTLS and the key is security, not to/from', async () => {
    server = await startTestSmtpServer({ secure: 'none' });
    const { output, error } = await runCli(['--config', await writeConfig(server.port, '', 'security: starttls')]);
    expect(error?.code).toBe('ha-mount.notify.smtp');
    expect(error?.message).toMatch(/failed at tls: the relay 127\.0\.0\.1:\d+ does not offer STARTTLS \(the relay said "5\d\d .*"\), and security: starttls requires it \[ETLS\]; .*notify\.email\.smtp\.security: auto/);
    expect(error?.message).not.toMatch(/notify\.email\.to|from/);
    expect(output).toMatch(/\| C: STARTTLS\n {2}\| S: 5\d\d /);
    expect(server.messages).toHaveLength(0);
  });

  it('when security is left out and a loopback relay offers STARTTLS with a certificate nobody signed then the mail goes out encrypted, unchecked', async () => {
    server = await startTestSmtpServer({ secure: 'starttls' }); // its own self-signed certificate, no ca-file
    const { output, error } = await runCli(['--config', await writeConfig(server.port, '', '')]);
    expect(error).toBeUndefined();
    expect(output).toContain('(auto, no auth)');
    expect(output).toContain('TLS:       STARTTLS when the relay offers it, plain SMTP otherwise; certificate not checked: loopback relay, nothing crosses a network');
    expect(output).toMatch(/\| S: 250 .*\[.*STARTTLS.*\]\n {2}\| C: STARTTLS\n {2}\| S: 220 /);
    expect(server.messages[0]?.secure).toBe(true);
  });

  it('when security is left out and the relay offers no STARTTLS then the mail goes out in plain text and the conversation fits one screen', async () => {
    server = await startTestSmtpServer({ secure: 'none' });
    const { output, error } = await runCli(['--config', await writeConfig(server.port, '', '')]);
    expect(error).toBeUndefined();
    expect(output).not.toContain('C: STARTTLS');
    expect(output).toMatch(/\| C: MAIL FROM:<ha-mount@client-01\.example\.com>/);
    expect(output).toMatch(/\| C: RCPT TO:<ops@example\.com>\n(.*\n)*? {2}\| S: 250 Accepted/);
    expect(output.split('\n').length).toBeLessThan(24);
    expect(server.messages[0]?.secure).toBe(false);
  });

  it('when the config has no notify.email then it says to add one', async () => {
    const path = join(fixture.dir, 'empty.yaml');
    await writeFile(path, 'mounts: []\n');
    const { error } = await runCli(['--config', path]);
    expect(error?.message).toBe(`${path}: there is no notify.email section; add one with to, from and smtp (see docs/mail.md)`);
  });
});
