import { describe, expect, it } from 'vitest';
import { explainSmtpError, formatSmtpFailure, type SmtpRelay } from '../../../src/notify/smtp-errors.js';
import { decideTlsPolicy, isLoopbackHost } from '../../../src/notify/smtp-policy.js';

const smtp = (overrides: Partial<SmtpRelay>): SmtpRelay => ({ host: '127.0.0.1', port: 25, security: 'auto', timeoutMs: 5_000, ...overrides });

describe('decideTlsPolicy', () => {
  it.each([
    // host, security, user, ca-file -> use, verify
    ['127.0.0.1', 'auto', undefined, undefined, 'opportunistic', false],
    ['localhost', 'auto', 'u', undefined, 'opportunistic', false],
    ['relay.example.com', 'auto', undefined, undefined, 'opportunistic', false],
    ['relay.example.com', 'auto', undefined, '/etc/ca.pem', 'opportunistic', true],
    ['relay.example.com', 'auto', 'u', undefined, 'required', true],
    ['127.0.0.1', 'starttls', 'u', undefined, 'required', false],
    ['127.0.0.1', 'starttls', undefined, '/etc/ca.pem', 'required', true],
    ['smtp.example.com', 'starttls', undefined, undefined, 'required', true],
    ['smtp.example.com', 'tls', 'u', undefined, 'implicit', true],
    ['::1', 'tls', undefined, undefined, 'implicit', false],
    ['smtp.example.com', 'none', undefined, undefined, 'off', false],
  ] as const)('when the relay is %s with security %s, user %s and ca-file %s then TLS is %s and verify is %s', (host, security, user, caFile, use, verify) => {
    const policy = decideTlsPolicy(smtp({ host, security, ...(user === undefined ? {} : { user }), ...(caFile === undefined ? {} : { caFile }) }));
    expect({ use: policy.use, verify: policy.verify }).toEqual({ use, verify });
  });

  it('when the relay is on loopback then the summary says why the certificate is not checked', () => {
    expect(decideTlsPolicy(smtp({})).summary).toBe('STARTTLS when the relay offers it, plain SMTP otherwise; certificate not checked: loopback relay, nothing crosses a network');
    expect(decideTlsPolicy(smtp({ host: 'smtp.example.com', user: 'u' })).summary).toBe("STARTTLS required: a password would cross the network; certificate checked against the system's CAs");
  });

  it('when a host is in 127/8, ::1 or localhost then it is loopback, and not otherwise', () => {
    expect(['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'LOCALHOST'].map(isLoopbackHost)).toEqual([true, true, true, true, true]);
    expect(['10.0.0.1', '127.example.com', 'localhost.example.com', '::2'].map(isLoopbackHost)).toEqual([false, false, false, false]);
  });
});

describe('explainSmtpError', () => {
  const noStarttls = Object.assign(new Error('Error upgrading connection with STARTTLS: 503 STARTTLS command used when not advertised'), {
    code: 'ETLS', command: 'STARTTLS', response: '503 STARTTLS command used when not advertised', responseCode: 503,
  });

  it('when a relay without STARTTLS is asked for it then the cause is the missing STARTTLS, the key is security, and it is not permanent', () => {
    const failure = explainSmtpError(noStarttls, smtp({ security: 'starttls' }));
    expect(failure).toMatchObject({ stage: 'tls', permanent: false, code: 'ETLS' });
    expect(formatSmtpFailure(failure)).toBe(
      'the relay 127.0.0.1:25 does not offer STARTTLS (the relay said "503 STARTTLS command used when not advertised"), and security: starttls requires it [ETLS]; enable STARTTLS on the relay, or set notify.email.smtp.security: auto (plain SMTP when TLS is not offered; refused when a password would cross the network)',
    );
  });

  it('when a relay refuses STARTTLS with 5xx other than 503 then the mail is still not dropped as refused', () => {
    const failure = explainSmtpError({ ...noStarttls, message: 'x', response: '502 5.5.1 command not implemented', responseCode: 502 }, smtp({ host: 'relay.example.com', user: 'u' }));
    expect(failure).toMatchObject({ stage: 'tls', permanent: false });
    expect(failure.cause).toContain('a password would cross the network, so it is required');
  });

  it('when a recipient is refused with 550 then it is permanent and names notify.email.to', () => {
    const failure = explainSmtpError({ code: 'EENVELOPE', command: 'RCPT TO', response: '550 relay not permitted', responseCode: 550, message: 'x' }, smtp({}));
    expect(failure).toMatchObject({ stage: 'recipients', permanent: true });
    expect(failure.fix).toContain('notify.email.to');
  });

  it('when the sender is refused then it names notify.email.from and not to', () => {
    const failure = explainSmtpError({ code: 'EENVELOPE', command: 'MAIL FROM', response: '553 sender rejected', responseCode: 553, message: 'x' }, smtp({}));
    expect(failure.fix).toMatch(/notify\.email\.from/);
    expect(failure.fix).not.toMatch(/\.to\b/);
  });

  it('when the certificate is self-signed then the fix is ca-file', () => {
    const failure = explainSmtpError(Object.assign(new Error('Error initiating TLS - self-signed certificate'), { code: 'ETLS' }), smtp({ host: 'smtp.example.com', security: 'starttls' }));
    expect(failure).toMatchObject({ stage: 'tls', permanent: false });
    expect(failure.fix).toMatch(/^set notify\.email\.smtp\.ca-file/);
  });

  it('when the connection is refused then the original code stays and host and port are the keys', () => {
    const failure = explainSmtpError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:25'), { code: 'ESOCKET', originalCode: 'ECONNREFUSED' }), smtp({}));
    expect(formatSmtpFailure(failure)).toBe('nothing listens on 127.0.0.1:25 [ECONNREFUSED]; check notify.email.smtp.host and port, and that the relay runs');
  });
});
