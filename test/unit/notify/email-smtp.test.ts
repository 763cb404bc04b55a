import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { EmailConfig } from '../../../src/notify/notify-config.js';
import { createNotifier, type Notifier } from '../../../src/notify/notifier.js';
import { startTestSmtpServer, type TestSmtpServer } from '../../../src/notify/test-smtp-server.js';
import { captureLogger, createFakeClock, makeEvent, type FakeClock } from './helpers.js';
import { createSmtpFixture, makeEmailConfig, SMTP_PASS, SMTP_USER, type SmtpFixture } from './smtp-fixture.js';

// Real SMTP (smtp-server on 127.0.0.1) with STARTTLS and AUTH; coalesce, rate and retry windows
// run on a fake clock, SMTP I/O on real time. Nothing here asserts on how long I/O takes.
let fixture: SmtpFixture;
const servers: TestSmtpServer[] = [];
const notifiers: Notifier[] = [];

beforeAll(async () => {
  fixture = await createSmtpFixture();
});
afterAll(async () => {
  await fixture.cleanup();
});
afterEach(async () => {
  await Promise.all(notifiers.splice(0).map((notifier) => notifier.close({ drainMs: 0 })));
  await Promise.all(servers.splice(0).map((server) => server.stop()));
});

async function startServer(port?: number): Promise<TestSmtpServer> {
  const server = await startTestSmtpServer({ secure: 'starttls', auth: { user: SMTP_USER, pass: SMTP_PASS }, tls: fixture.tls, ...(port ? { port } : {}) });
  servers.push(server);
  return server;
}

function startNotifier(config: EmailConfig, clock: FakeClock) {
  const { logger, lines } = captureLogger();
  const notifier = createNotifier({ email: config, hooks: { scripts: {}, timeoutMs: 1_000, queueMax: 10 }, desktop: false }, { logger, clock, host: 'client-01' });
  notifiers.push(notifier);
  return { notifier, lines };
}

const waitForMessages = (server: TestSmtpServer, count: number) =>
  vi.waitFor(() => expect(server.messages).toHaveLength(count), { timeout: 15_000, interval: 20 });

describe('e-mail over real SMTP (STARTTLS + AUTH)', () => {
  it('when three transitions are apart then three mails arrive, encrypted, authenticated, in order', async () => {
    const server = await startServer();
    const clock = createFakeClock();
    const config = makeEmailConfig(fixture, server.port);
    const { notifier } = startNotifier(config, clock);
    const events = [
      makeEvent({ from: 'healthy', to: 'failed', reason: 'ENOTCONN' }),
      makeEvent({ from: 'failed', to: 'recovering', reason: 'remounting', action: 'remount via data-node-02' }),
      makeEvent({ from: 'recovering', to: 'healthy', reason: 'probe ok', action: 'remounted via data-node-02', server: 'data-node-02:24007', outageMs: 7_400 }),
    ];
    for (const [index, event] of events.entries()) {
      notifier.notify(event);
      await clock.advance(config.coalesceMs);
      await waitForMessages(server, index + 1);
    }
    expect(server.messages.map((message) => message.subject)).toEqual([
      '[ha-mount] client-01: mount data healthy -> FAILED (ENOTCONN)',
      '[ha-mount] client-01: mount data failed -> RECOVERING (remounting)',
      '[ha-mount] client-01: mount data recovering -> HEALTHY (probe ok)',
    ]);
    for (const message of server.messages) {
      expect(message).toMatchObject({ secure: true, authUser: SMTP_USER, from: 'ha-mount@client-01.example.com', to: ['ops@example.com', 'oncall@example.com'] });
      expect(message.headers['x-ha-mount-mount']).toBe('data');
    }
    const recovery = server.messages[2]?.text ?? '';
    expect(recovery).toContain('Action:    remounted via data-node-02');
    expect(recovery).toContain('Server:    data-node-02:24007');
    expect(recovery).toContain('Outage:    lasted 7.4s');
    expect(new Set(server.messages.map((message) => message.messageId)).size).toBe(3);
  });

  it('when changes burst and then storm then the burst is one mail and the storm is folded by the rate limit', async () => {
    const server = await startServer();
    const clock = createFakeClock();
    const config = makeEmailConfig(fixture, server.port, { rateLimit: { count: 2, windowMs: 60_000 } });
    const { notifier } = startNotifier(config, clock);
    // a failover burst: three changes within one coalesce window
    for (const [from, to] of [['healthy', 'failed'], ['failed', 'recovering'], ['recovering', 'healthy']] as const) {
      notifier.notify(makeEvent({ from, to }));
      await clock.advance(500);
    }
    await clock.advance(config.coalesceMs);
    await waitForMessages(server, 1);
    expect(server.messages[0]?.subject).toBe('[ha-mount] client-01: mount data healthy -> failed -> recovering -> HEALTHY (3 changes)');
    // then a storm: one change every 4 s; one more mail is allowed in the window, the rest are held
    for (let index = 0; index < 6; index++) {
      notifier.notify(makeEvent({ from: index % 2 ? 'failed' : 'healthy', to: index % 2 ? 'healthy' : 'failed' }));
      await clock.advance(4_000);
    }
    await waitForMessages(server, 2);
    expect(server.messages[1]?.subject).toBe('[ha-mount] client-01: mount data healthy -> FAILED (ENOTCONN)');
    await clock.advance(60_000);
    await waitForMessages(server, 3);
    expect(server.messages[2]?.subject).toBe('[ha-mount] client-01: mount data failed -> ... -> HEALTHY (5 changes, rate limited)');
    expect(server.messages[2]?.text).toContain('Rate limit: 5 changes were folded into this mail (at most 2 mails per mount every 1m)');
  });

  it('when SMTP is down then mails wait, are retried, and arrive once each and in order after it comes back on the same port', async () => {
    const first = await startServer();
    const port = first.port;
    await first.stop();
    servers.splice(servers.indexOf(first), 1);
    const clock = createFakeClock();
    const config = makeEmailConfig(fixture, port);
    const { notifier, lines } = startNotifier(config, clock);
    for (const mount of ['alpha', 'beta', 'gamma']) notifier.notify(makeEvent({ mount, mountpoint: `/mnt/${mount}` }));
    await clock.advance(config.coalesceMs);
    // let a few retries fail against the closed port (each on the fake clock's backoff)
    for (let attempt = 1; attempt <= 3; attempt++) {
      await vi.waitFor(() => expect(notifier.status().email?.failedAttempts).toBe(attempt), { timeout: 15_000, interval: 20 });
      const retryAt = notifier.status().email?.retryAt;
      expect(retryAt).toBeDefined();
      if (attempt < 3) await clock.advance((retryAt ?? 0) - clock.now());
    }
    expect(notifier.status().email).toMatchObject({ queued: 3, sent: 0 });
    expect(lines.some((line) => String(line.msg).includes('ECONNREFUSED'))).toBe(true);

    const second = await startServer(port);
    await clock.advance(config.retry.capMs);
    await waitForMessages(second, 3);
    expect(second.messages.map((message) => message.headers['x-ha-mount-mount'])).toEqual(['alpha', 'beta', 'gamma']);
    expect(new Set(second.messages.map((message) => message.messageId)).size).toBe(3);
    expect(notifier.status().email).toMatchObject({ queued: 0, sent: 3, dropped: 0 });
    // nothing left that could send again: empty queue, no timer armed
    await clock.advance(10 * config.retry.capMs);
    expect(clock.pending()).toBe(0);
    expect(second.messages).toHaveLength(3);
  }, 60_000); // real sockets and retries: on 2 loaded cores its waits can add up past the 20 s default

  it('when the password is wrong then the mail is retried, not dropped, and goes out once the file is fixed and reloaded', async () => {
    const server = await startServer();
    const clock = createFakeClock();
    const { writeFile } = await import('node:fs/promises');
    await writeFile(fixture.passwordFile, 'wrong\n', { mode: 0o600 });
    try {
      const config = makeEmailConfig(fixture, server.port);
      const { notifier, lines } = startNotifier(config, clock);
      notifier.notify(makeEvent());
      await clock.advance(config.coalesceMs);
      await vi.waitFor(() => expect(notifier.status().email?.failedAttempts).toBe(1), { timeout: 15_000, interval: 20 });
      expect(lines.some((line) => String(line.msg).includes('EAUTH'))).toBe(true);
      await writeFile(fixture.passwordFile, `${SMTP_PASS}\n`, { mode: 0o600 });
      config.smtp.secrets.reload(); // what the agent does on SIGHUP or a config edit: the send never reads the file
      await clock.advance(config.retry.baseMs);
      await waitForMessages(server, 1);
    } finally {
      await writeFile(fixture.passwordFile, `${SMTP_PASS}\n`, { mode: 0o600 });
    }
  });
});
