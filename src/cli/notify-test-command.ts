import { hostname } from 'node:os';
import type { Command } from 'commander';
import { loadConfig, type ReadText } from '../config/load-config.js';
import { DEFAULTS } from '../defaults.js';
import { ExitCode, HaMountError } from '../errors.js';
import { checkMailAddress } from '../notify/mail-address.js';
import { describeSendError } from '../notify/mail-sender.js';
import { parseNotifyConfig, type EmailConfig } from '../notify/notify-config.js';
import { createSmtpSend } from '../notify/smtp-transport.js';

/**
 * What notify-test needs from outside. The program's CliContext fits (print, readText); tests
 * also inject the environment and the host name.
 */
export interface NotifyTestContext {
  /** writes one line to stdout */
  print?: (line: string) => void;
  /** reads the config file */
  readText?: ReadText;
  env?: NodeJS.ProcessEnv;
  host?: string;
}

/** Options of runNotifyTest. */
export interface NotifyTestOptions {
  config: string;
  to?: string[];
  verbose?: boolean;
}

/**
 * `ha-mount notify-test`: sends a test mail with the configured relay and reports what the
 * server said. The config file comes from the program's global `-c/--config`.
 */
export function registerNotifyTestCommand(program: Command, context: NotifyTestContext = {}): void {
  program
    .command('notify-test')
    .description('send a test mail through notify.email and report the SMTP result')
    .option('--to <address...>', 'send to these addresses instead of notify.email.to')
    .option('-v, --verbose', 'print the SMTP conversation')
    .action(async (options: { to?: string[]; verbose?: boolean }, command: Command) => {
      const config = (command.optsWithGlobals() as { config?: string }).config ?? DEFAULTS.configPath;
      await runNotifyTest({ config, ...options }, context);
    });
}

/** The command's work, separate from commander so it can be called directly. */
export async function runNotifyTest(options: NotifyTestOptions, context: NotifyTestContext = {}): Promise<void> {
  const print = context.print ?? ((line: string) => void process.stdout.write(`${line}\n`));
  const env = context.env ?? process.env;
  const host = context.host ?? hostname();
  const loaded = await loadConfig(options.config, context.readText);
  const config = parseNotifyConfig(loaded.sections.notify, { env });
  if (!config.email) {
    throw new HaMountError('ha-mount.notify.no-email', `${options.config}: there is no notify.email section; add one with to, from and smtp (see the README)`, ExitCode.USAGE);
  }
  for (const address of options.to ?? []) {
    const problem = checkMailAddress(address);
    if (problem) throw new HaMountError('ha-mount.notify.address', `notify-test --to: ${problem}`, ExitCode.USAGE);
  }
  const email: EmailConfig = options.to ? { ...config.email, to: options.to } : config.email;
  const { smtp } = email;
  const security = `${smtp.security}${smtp.user ? `, user ${smtp.user}` : ', no auth'}`;
  print(`notify-test: sending a test mail via ${smtp.host}:${smtp.port} (${security}) from ${email.from} to ${email.to.join(', ')}`);
  const transcript: string[] = [];
  const send = createSmtpSend(email, { env, ...(options.verbose ? { onTranscript: (line: string) => transcript.push(line) } : {}) });
  const flushTranscript = (): void => {
    for (const line of transcript) print(`  | ${line.replaceAll('\n', '\n  | ')}`);
  };
  try {
    const receipt = await send({
      id: 0,
      mount: '(test)',
      from: email.from,
      to: email.to,
      subject: `[ha-mount] ${host}: test mail from ha-mount notify-test`,
      text: formatTestBody(host, email),
      messageId: `<ha-mount.notify-test.${Date.now()}.${process.pid}@${host}>`,
    });
    flushTranscript();
    print(`accepted:  ${receipt.accepted.join(', ') || '(none)'}`);
    print(`rejected:  ${receipt.rejected.join(', ') || '(none)'}`);
    print(`server:    ${receipt.response}`);
    if (receipt.rejected.length > 0) {
      throw new HaMountError('ha-mount.notify.rejected', `notify-test: the SMTP server refused ${receipt.rejected.join(', ')}; fix notify.email.to`, ExitCode.USAGE);
    }
    print('notify-test: OK, the relay took the mail; check the inbox (and the spam folder)');
  } catch (error) {
    if (error instanceof HaMountError) throw error;
    flushTranscript();
    throw new HaMountError(
      'ha-mount.notify.smtp',
      `notify-test: sending via ${smtp.host}:${smtp.port} failed: ${describeSendError(error)}; ${suggestSmtpFix(error, email)}`,
      ExitCode.SYSTEM,
      { cause: error },
    );
  }
}

/** What to do about an SMTP failure, from nodemailer's error code and text. */
export function suggestSmtpFix(error: unknown, email: EmailConfig): string {
  const details = error as { code?: string; message?: string; responseCode?: number };
  const text = `${details.message ?? ''}`.toLowerCase();
  const { host, port, security } = email.smtp;
  if (details.code === 'EAUTH') return 'the server refused the user name or password: check notify.email.smtp.user and the password file or variable';
  if (details.code === 'ENOAUTH' || details.responseCode === 530) return 'the server wants a login: set notify.email.smtp.user and password-file';
  if (details.code === 'EENVELOPE') return 'the server refused the sender or every recipient: check notify.email.from and to';
  if (text.includes('certificate') || text.includes('self-signed') || text.includes('self signed')) {
    return "the relay's certificate is not trusted: set notify.email.smtp.ca-file to its CA certificate (PEM)";
  }
  if (text.includes('wrong version number') || text.includes('packet length too long')) {
    return `TLS spoken to a plain-text port: use security: starttls (or none) for port ${port}, or the relay's TLS port (465)`;
  }
  if (text.includes('starttls')) return `the relay does not offer STARTTLS on port ${port}: use security: tls on port 465, or ask for STARTTLS to be enabled`;
  if (text.includes('econnrefused')) return `nothing listens on ${host}:${port}: check notify.email.smtp.host and port, and that the relay runs`;
  if (details.code === 'EDNS' || text.includes('enotfound')) return `the name ${host} does not resolve: check notify.email.smtp.host`;
  if (details.code === 'ETIMEDOUT' || text.includes('timeout')) {
    return `no answer from ${host}:${port} within the timeout: a firewall, or the wrong port for security: ${security} (465 is tls, 587 starttls, 25 none)`;
  }
  return 'run again with --verbose to see the SMTP conversation';
}

function formatTestBody(host: string, email: EmailConfig): string {
  return [
    `This is a test mail from ha-mount on ${host} (ha-mount notify-test).`,
    '',
    `  Relay:     ${email.smtp.host}:${email.smtp.port} (${email.smtp.security})`,
    `  From:      ${email.from}`,
    `  To:        ${email.to.join(', ')}`,
    `  Coalesce:  ${email.coalesceMs} ms; at most ${email.rateLimit.count} mails per mount per ${Math.round(email.rateLimit.windowMs / 60_000)} min`,
    '',
    `If you read this, state changes of the mounts on ${host} will reach you.`,
    '',
  ].join('\n');
}
