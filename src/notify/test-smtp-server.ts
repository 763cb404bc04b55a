import { mkdtemp, readFile, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { ExitCode, HaMountError } from '../errors.js';
import { runCommand } from '../exec/run.js';

/** A mail as the test server received it, decoded enough to read and assert on. */
export interface ParsedMessage {
  /** envelope sender (MAIL FROM) */
  from: string;
  /** envelope recipients (RCPT TO) that were accepted */
  to: string[];
  subject: string;
  /** the plain-text body, decoded, with \n line ends */
  text: string;
  messageId: string;
  /** header names in lower case; folded lines joined */
  headers: Record<string, string>;
  raw: string;
  /** user name the client authenticated as, if it did */
  authUser?: string;
  /** true when the session was encrypted (STARTTLS or TLS) */
  secure: boolean;
}

/** A PEM key and self-signed certificate for 127.0.0.1 and localhost. */
export interface TlsKeyPair {
  key: string;
  cert: string;
}

/** Options of startTestSmtpServer. */
export interface TestSmtpServerOptions {
  /** 0 or absent: a free port */
  port?: number;
  /** require AUTH with these credentials (PLAIN/LOGIN, only after STARTTLS unless security is none) */
  auth?: { user: string; pass: string };
  /** like notify.email.smtp.security; default none */
  secure?: 'starttls' | 'tls' | 'none';
  /** reuse a key pair (e.g. to restart on the same port with the same certificate); generated with openssl otherwise */
  tls?: TlsKeyPair;
  /** recipients answered with 550 */
  rejectRecipients?: string[];
}

/** A running in-process SMTP server that keeps what it receives. */
export interface TestSmtpServer {
  port: number;
  /** received mails, in the order they arrived */
  messages: ParsedMessage[];
  /** the key pair in use (TLS modes); its `cert` is what a client must trust */
  tls?: TlsKeyPair;
  stop(): Promise<void>;
}

/**
 * Starts an SMTP server on 127.0.0.1 (the smtp-server package) for tests and the demo: optional
 * AUTH, STARTTLS or implicit TLS with a self-signed certificate, and a list of parsed messages.
 */
export async function startTestSmtpServer(options: TestSmtpServerOptions = {}): Promise<TestSmtpServer> {
  const security = options.secure ?? 'none';
  const tls = security === 'none' ? undefined : (options.tls ?? (await generateSelfSignedPair()));
  const messages: ParsedMessage[] = [];
  const rejected = new Set((options.rejectRecipients ?? []).map((address) => address.toLowerCase()));
  const { SMTPServer } = createRequire(import.meta.url)('smtp-server') as typeof import('smtp-server');
  const server = new SMTPServer({
    secure: security === 'tls',
    ...(tls ? { key: tls.key, cert: tls.cert } : {}),
    hideSTARTTLS: security !== 'starttls',
    ...(security === 'none' ? { disabledCommands: ['STARTTLS'] } : {}),
    authOptional: options.auth === undefined,
    allowInsecureAuth: security === 'none',
    logger: false,
    closeTimeout: 1_000,
    onAuth(auth, _session, callback) {
      if (options.auth && auth.username === options.auth.user && auth.password === options.auth.pass) {
        callback(null, { user: auth.username });
        return;
      }
      callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
    },
    onRcptTo(address, _session, callback) {
      if (rejected.has(address.address.toLowerCase())) {
        callback(Object.assign(new Error(`mailbox ${address.address} unavailable`), { responseCode: 550 }));
        return;
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const envelopeFrom = session.envelope.mailFrom;
        messages.push({
          ...parseMessage(raw),
          from: envelopeFrom ? envelopeFrom.address : '',
          to: session.envelope.rcptTo.map((recipient) => recipient.address),
          ...(typeof session.user === 'string' ? { authUser: session.user } : {}),
          secure: session.secure,
        });
        callback(null, `queued as ${messages.length}`);
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.server.off('error', reject);
      resolve();
    });
  }).catch((error: unknown) => {
    throw new HaMountError('ha-mount.test-smtp.listen', `test SMTP server: cannot listen on 127.0.0.1:${options.port ?? 0}: ${String(error)}`, ExitCode.SYSTEM, { cause: error });
  });
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    messages,
    ...(tls ? { tls } : {}),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Makes a throwaway self-signed EC key pair for 127.0.0.1 and localhost with openssl. */
export async function generateSelfSignedPair(): Promise<TlsKeyPair> {
  const dir = await mkdtemp(join(tmpdir(), 'ha-mount-tls-'));
  try {
    const keyFile = join(dir, 'key.pem');
    const certFile = join(dir, 'cert.pem');
    const result = await runCommand(
      {
        file: 'openssl',
        args: ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
          '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-keyout', keyFile, '-out', certFile],
      },
      { timeoutMs: 20_000 },
    );
    if (result.exitCode !== 0) {
      throw new HaMountError('ha-mount.test-smtp.cert', `test SMTP server: openssl could not make a certificate: ${result.spawnError ?? result.stderr}; install openssl`, ExitCode.SYSTEM);
    }
    return { key: await readFile(keyFile, 'utf8'), cert: await readFile(certFile, 'utf8') };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Splits a raw RFC 5322 message into headers and a decoded plain-text body. Enough for single-part text mail. */
export function parseMessage(raw: string): Omit<ParsedMessage, 'from' | 'to' | 'secure' | 'authUser'> {
  const normalized = raw.replace(/\r\n/g, '\n');
  const split = normalized.indexOf('\n\n');
  const head = split === -1 ? normalized : normalized.slice(0, split);
  const body = split === -1 ? '' : normalized.slice(split + 2);
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\n[ \t]+/g, ' ').split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const encoding = (headers['content-transfer-encoding'] ?? '7bit').toLowerCase();
  return {
    subject: decodeEncodedWords(headers.subject ?? ''),
    text: decodeBody(body, encoding),
    messageId: headers['message-id'] ?? '',
    headers,
    raw,
  };
}

function decodeBody(body: string, encoding: string): string {
  if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (encoding === 'quoted-printable') return decodeQuotedPrintable(body.replace(/=\n/g, ''));
  return body;
}

function decodeQuotedPrintable(text: string): string {
  const bytes: number[] = [];
  for (let index = 0; index < text.length; index++) {
    const hex = text.slice(index + 1, index + 3);
    if (text[index] === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      index += 2;
    } else {
      bytes.push(...Buffer.from(text[index] ?? '', 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Decodes RFC 2047 words (=?UTF-8?Q?...?= and =?UTF-8?B?...?=) in a header. */
function decodeEncodedWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g, (_match, _charset: string, kind: string, data: string) =>
      kind.toUpperCase() === 'B' ? Buffer.from(data, 'base64').toString('utf8') : decodeQuotedPrintable(data.replace(/_/g, ' ')),
    );
}
