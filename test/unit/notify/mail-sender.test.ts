import { describe, expect, it } from 'vitest';
import { computeBackoff, createMailSender, type OutgoingMail, type SendMail } from '../../../src/notify/mail-sender.js';
import { explainSmtpError } from '../../../src/notify/smtp-errors.js';
import { SmtpSendError } from '../../../src/notify/smtp-transport.js';
import { captureLogger, createFakeClock } from './helpers.js';

function makeMail(id: number): OutgoingMail {
  return { id, mount: 'data', from: 'ha@x', to: ['ops@x'], subject: `mail ${id}`, text: `body ${id}\n`, messageId: `<${id}@x>` };
}

/** A transport that fails while `down` is true and records every attempt and every delivery. */
function fakeTransport() {
  const state = { down: false, permanent: false, attempts: [] as number[], delivered: [] as OutgoingMail[] };
  const send: SendMail = async (mail) => {
    state.attempts.push(mail.id);
    if (state.permanent) throw Object.assign(new Error('550 no such user'), { code: 'EENVELOPE', responseCode: 550, permanent: true });
    if (state.down) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:25'), { code: 'ESOCKET' });
    state.delivered.push(mail);
    return { accepted: mail.to, rejected: [], response: '250 ok' };
  };
  return { state, send };
}

function setup(queueMax = 100) {
  const clock = createFakeClock();
  const { logger, lines } = captureLogger();
  const transport = fakeTransport();
  const sender = createMailSender({ send: transport.send, clock, logger, queueMax, retry: { baseMs: 1_000, capMs: 8_000 } });
  return { clock, lines, transport, sender };
}

describe('mail sender', () => {
  it('when the backoff grows then it doubles from the base and stops at the cap', () => {
    const retry = { baseMs: 1_000, capMs: 60_000 };
    expect([1, 2, 3, 4, 5, 6, 7, 8, 100].map((attempt) => computeBackoff(attempt, retry))).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000]);
  });

  it('when SMTP is up then mails go out in order, each once', async () => {
    const { clock, transport, sender } = setup();
    for (let id = 1; id <= 5; id++) sender.enqueue(makeMail(id));
    await clock.advance(0);
    expect(transport.state.delivered.map((mail) => mail.id)).toEqual([1, 2, 3, 4, 5]);
    expect(transport.state.attempts).toEqual([1, 2, 3, 4, 5]);
  });

  it('when SMTP is down then the head is retried with capped backoff and the rest wait behind it in order', async () => {
    const { clock, transport, sender } = setup();
    transport.state.down = true;
    sender.enqueue(makeMail(1));
    sender.enqueue(makeMail(2));
    await clock.advance(0);
    expect(transport.state.attempts).toEqual([1]);
    // retries at +1 s, +2 s, +4 s, +8 s, +8 s (cap)
    for (const [wait, expected] of [[1_000, 2], [2_000, 3], [4_000, 4], [8_000, 5], [8_000, 6]] as const) {
      await clock.advance(wait - 1);
      expect(transport.state.attempts).toHaveLength(expected - 1);
      await clock.advance(1);
      expect(transport.state.attempts).toHaveLength(expected);
    }
    expect(sender.status()).toMatchObject({ queued: 2, sent: 0, failedAttempts: 6 });
    transport.state.down = false;
    await clock.advance(8_000);
    expect(transport.state.delivered.map((mail) => mail.id)).toEqual([1, 2]);
    expect(transport.state.attempts.filter((id) => id === 2)).toHaveLength(1);
    await clock.advance(600_000);
    expect(transport.state.delivered).toHaveLength(2);
    expect(clock.pending()).toBe(0);
  });

  it('when the server refuses a mail for good then it is dropped with an error and the next one goes', async () => {
    const { clock, transport, sender, lines } = setup();
    transport.state.permanent = true;
    sender.enqueue(makeMail(1));
    await clock.advance(0);
    transport.state.permanent = false;
    sender.enqueue(makeMail(2));
    await clock.advance(0);
    expect(transport.state.attempts).toEqual([1, 2]);
    expect(sender.status()).toMatchObject({ refused: 1, sent: 1 });
    expect(lines.some((line) => line.level === 50 && String(line.msg).includes('refused by the SMTP server'))).toBe(true);
  });

  it('when a relay without STARTTLS answers 5xx to it then the mail waits for a fix and the log names the STARTTLS cause and the security key, not to and from', async () => {
    const clock = createFakeClock();
    const { logger, lines } = captureLogger();
    const smtp = { host: '127.0.0.1', port: 25, security: 'starttls' as const, timeoutMs: 5_000 };
    const relayError = Object.assign(new Error('Error upgrading connection with STARTTLS: 502 5.5.1 command not implemented'), { code: 'ETLS', command: 'STARTTLS', response: '502 5.5.1 command not implemented', responseCode: 502, permanent: true });
    const send: SendMail = async () => {
      throw new SmtpSendError(explainSmtpError(relayError, smtp), relayError);
    };
    const sender = createMailSender({ send, clock, logger, queueMax: 10, retry: { baseMs: 1_000, capMs: 8_000 } });
    sender.enqueue(makeMail(1));
    await clock.advance(0);
    expect(sender.status()).toMatchObject({ queued: 1, refused: 0, failedAttempts: 1 });
    const text = lines.map((line) => String(line.msg)).join('\n');
    expect(text).toMatch(/does not offer STARTTLS .*notify\.email\.smtp\.security/);
    expect(text).not.toMatch(/refused by the SMTP server|notify\.email\.to|and from/);
    await sender.close(0);
  });

  it('when the queue is full then the oldest waiting mail is dropped and the next mail sent says so', async () => {
    const { clock, transport, sender } = setup(3);
    transport.state.down = true;
    for (let id = 1; id <= 5; id++) sender.enqueue(makeMail(id));
    await clock.advance(0);
    expect(sender.status()).toMatchObject({ queued: 3, dropped: 2 });
    transport.state.down = false;
    await clock.advance(1_000);
    expect(transport.state.delivered.map((mail) => mail.id)).toEqual([1, 4, 5]);
    // mail 1 was in flight when the queue overflowed, so 2 and 3 were the ones dropped
    expect(transport.state.delivered[0]?.text).toMatch(/^Note: 2 earlier notification mails were dropped/);
    expect(transport.state.delivered[1]?.text).not.toContain('Note:');
  });

  it('when closing while SMTP is down then close gives back what is unsent without waiting for the backoff', async () => {
    const { clock, transport, sender } = setup();
    transport.state.down = true;
    sender.enqueue(makeMail(1));
    sender.enqueue(makeMail(2));
    await clock.advance(0);
    const closing = sender.close(5_000);
    await clock.advance(0);
    const unsent = await closing;
    expect(unsent.map((mail) => mail.id)).toEqual([1, 2]);
    expect(transport.state.attempts).toEqual([1, 1]); // one last try at shutdown, no more
  });

  it('when closing with SMTP up then the queue is drained first', async () => {
    const { clock, transport, sender } = setup();
    transport.state.down = true;
    sender.enqueue(makeMail(1));
    await clock.advance(0);
    transport.state.down = false;
    sender.enqueue(makeMail(2));
    const unsent = await sender.close(5_000);
    expect(unsent).toEqual([]);
    expect(transport.state.delivered.map((mail) => mail.id)).toEqual([1, 2]);
  });
});
