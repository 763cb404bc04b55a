import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSmtpSend } from '../../../src/notify/smtp-transport.js';
import { parseMessage, startTestSmtpServer } from '../../../src/notify/test-smtp-server.js';
import { createSmtpFixture, makeEmailConfig, type SmtpFixture } from './smtp-fixture.js';
import { SmtpSecrets } from '../../../src/notify/smtp-secrets.js';

let fixture: SmtpFixture;
beforeAll(async () => {
  fixture = await createSmtpFixture();
});
afterAll(async () => {
  await fixture.cleanup();
});

const mail = (text: string, subject: string) => ({ id: 1, mount: 'data', from: 'ha@client-01.example.com', to: ['ops@example.com'], subject, text, messageId: '<1@client-01>' });

describe('test SMTP server', () => {
  it('when a mail with non-ASCII text and long lines arrives then subject and body decode back exactly', async () => {
    const server = await startTestSmtpServer();
    try {
      const config = makeEmailConfig(fixture, server.port, {});
      const send = createSmtpSend({ ...config, smtp: { host: '127.0.0.1', port: server.port, security: 'none', timeoutMs: 5_000, secrets: new SmtpSecrets({}) } });
      const text = `brick rep_vol1-client-1 disconnected — données indisponibles ${'x'.repeat(120)}\nsecond line\n`;
      await send(mail(text, '[ha-mount] client-01: mount données healthy -> FAILED'));
      expect(server.messages[0]).toMatchObject({ subject: '[ha-mount] client-01: mount données healthy -> FAILED', text, secure: false, to: ['ops@example.com'] });
      expect(server.messages[0]?.authUser).toBeUndefined();
    } finally {
      await server.stop();
    }
  });

  it('when implicit TLS is asked for then the session is encrypted from the first byte', async () => {
    const server = await startTestSmtpServer({ secure: 'tls', tls: fixture.tls });
    try {
      const config = makeEmailConfig(fixture, server.port);
      const send = createSmtpSend({ ...config, smtp: { host: '127.0.0.1', port: server.port, security: 'tls', caFile: fixture.caFile, timeoutMs: 5_000, secrets: new SmtpSecrets({ caFile: fixture.caFile }) } });
      await send(mail('hello\n', 'tls'));
      expect(server.messages[0]?.secure).toBe(true);
    } finally {
      await server.stop();
    }
  });

  it('when a header is folded and the body is quoted-printable then parseMessage unfolds and decodes them', () => {
    const parsed = parseMessage('Subject: =?UTF-8?Q?caf=C3=A9?=\r\n =?UTF-8?B?IG91dmVydA==?=\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nsoft=\r\nbreak =C3=A9t=C3=A9\r\n');
    expect(parsed.subject).toBe('café ouvert');
    expect(parsed.text).toBe('softbreak été\n');
  });
});
