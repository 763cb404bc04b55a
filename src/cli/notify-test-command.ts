import { hostname } from 'node:os';
import type { Command } from 'commander';
import { loadConfig, type ReadText } from '../config/load-config.js';
import { DEFAULTS } from '../defaults.js';
import { ExitCode, HaMountError } from '../errors.js';
import { checkMailAddress } from '../notify/mail-address.js';
import { parseNotifyConfig, type EmailConfig } from '../notify/notify-config.js';
import { explainSmtpError, formatSmtpFailure } from '../notify/smtp-errors.js';
import { decideTlsPolicy } from '../notify/smtp-policy.js';
import { createSmtpSend, SmtpSendError } from '../notify/smtp-transport.js';

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
    .option('-v, --verbose', 'print the whole SMTP conversation, line by line (without it: one line per command and reply)')
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
    throw new HaMountError('ha-mount.notify.no-email', `${options.config}: there is no notify.email section; add one with to, from and smtp (see docs/mail.md)`, ExitCode.USAGE);
  }
  for (const address of options.to ?? []) {
    const problem = checkMailAddress(address);
    if (problem) throw new HaMountError('ha-mount.notify.address', `notify-test --to: ${problem}`, ExitCode.USAGE);
  }
  const email: EmailConfig = options.to ? { ...config.email, to: options.to } : config.email;
  const { smtp } = email;
  const security = `${smtp.security}${smtp.user ? `, user ${smtp.user}` : ', no auth'}`;
  print(`notify-test: sending a test mail via ${smtp.host}:${smtp.port} (${security}) from ${email.from} to ${email.to.join(', ')}`);
  print(`TLS:       ${decideTlsPolicy(smtp).summary}`);
  const transcript: string[] = [];
  const send = createSmtpSend(email, { env, onTranscript: (line: string) => transcript.push(line) });
  const showConversation = (): void => {
    const lines = options.verbose ? transcript.flatMap((line) => line.split('\n')) : condenseTranscript(transcript);
    for (const line of lines) print(`  | ${line}`);
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
    showConversation();
    print(`accepted:  ${receipt.accepted.join(', ') || '(none)'}`);
    print(`rejected:  ${receipt.rejected.join(', ') || '(none)'}`);
    print(`server:    ${receipt.response}`);
    if (receipt.rejected.length > 0) {
      throw new HaMountError('ha-mount.notify.rejected', `notify-test: the SMTP server refused ${receipt.rejected.join(', ')}; fix notify.email.to`, ExitCode.USAGE);
    }
    print('notify-test: OK, the relay took the mail; check the inbox (and the spam folder)');
  } catch (error) {
    if (error instanceof HaMountError) throw error;
    showConversation();
    const failure = error instanceof SmtpSendError ? error.failure : explainSmtpError(error, smtp);
    throw new HaMountError('ha-mount.notify.smtp', `notify-test: sending via ${smtp.host}:${smtp.port} failed at ${failure.stage}: ${formatSmtpFailure(failure)}`, ExitCode.SYSTEM, { cause: error });
  }
}

/**
 * The conversation in one screen: each command and the first line of its reply, EHLO's
 * extensions on one line, TLS and connection events; the message body is left out.
 */
export function condenseTranscript(transcript: readonly string[]): string[] {
  const out: string[] = [];
  let ehlo: string[] | undefined;
  const flushEhlo = (): void => {
    if (ehlo === undefined) return;
    const [greeting = '', ...extensions] = ehlo;
    out.push(`S: ${greeting}${extensions.length > 0 ? ` [${extensions.join(', ')}]` : ''}`);
    ehlo = undefined;
  };
  for (const entry of transcript) {
    for (const raw of entry.split('\n')) {
      const line = raw.replace(/^\[[^\]]*\]\s*/, '').trimEnd();
      const reply = /^S: (\d{3})([- ])(.*)$/.exec(line);
      if (reply) {
        const [, code = '', more = '', rest = ''] = reply;
        if (more === '-' || ehlo !== undefined) {
          ehlo ??= [];
          ehlo.push(ehlo.length === 0 ? `${code} ${rest}` : rest);
          if (more === ' ') flushEhlo();
          continue;
        }
        out.push(`S: ${code} ${rest}`);
      } else if (line.startsWith('C: ')) {
        flushEhlo();
        out.push(line.length > 120 ? `${line.slice(0, 117)}...` : line);
      } else if (/^(Connection|Resolved|Failed STARTTLS|Discarded)/.test(line)) {
        flushEhlo();
        out.push(`-- ${line}`);
      }
    }
  }
  flushEhlo();
  return out;
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
