// issue 15 item 11: the whole address is parsed, and the address checked is the address sent
import addressparser from 'nodemailer/lib/addressparser';
import { describe, expect, it } from 'vitest';
import { ConfigReader } from '../../../src/config/config-reader.js';
import { checkMailAddress } from '../../../src/notify/mail-address.js';
import { parseNotifyConfig } from '../../../src/notify/notify-config.js';

const parseTo = (to: string) => parseNotifyConfig(ConfigReader.parse('/etc/ha-mount/ha-mount.yaml', `notify:\n  email:\n    to: ${JSON.stringify(to)}\n    smtp: { host: h }\n`).child('notify'));

describe('mail addresses', () => {
  it.each(['ops@example.com', 'Ops Team <ops@example.com>', '"Ops, on call" <ops@example.com>', '<ops@example.com>', 'root@[10.0.0.1]', 'first.last+tag@mail.example.org'])('when the address is %j then it is accepted and nodemailer reads the same single address', (text) => {
    expect(checkMailAddress(text)).toBeUndefined();
    expect(addressparser(text)).toHaveLength(1);
  });

  it.each([
    ['a CR/LF in the display name', 'Ops\r\nBcc: spy@evil.example <ops@example.com>', /holds control characters/],
    ['an escape sequence in the name', 'Ops \u001b[2J <ops@example.com>', /holds control characters/],
    ['a C1 control', 'ops\u0085@example.com', /holds control characters/],
    ['a second address before the checked one', 'spy@evil.example, Ops <ops@example.com>', /the name before <\.\.\.> holds one of/],
    ['two <...>, the first of which is sent', '"x" <spy@evil.example> <ops@example.com>', /the name before <\.\.\.> holds one of/],
    ['an address used as the name', 'spy@evil.example <ops@example.com>', /the name before <\.\.\.> holds one of/],
    ['a comment', 'ops@example.com (Ops)', /is not one address/],
    ['a group', 'ops: a@b.c, d@e.f;', /is not one address/],
  ])('when the address has %s then it is refused', (_what, text, reason) => {
    expect(checkMailAddress(text)).toMatch(reason);
  });

  it('when the config gives a CRLF display name then loading fails naming FILE:LINE and the value escaped, never raw', () => {
    let message = '';
    try {
      parseTo('Ops\r\nBcc: spy@evil.example <ops@example.com>');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toBe('/etc/ha-mount/ha-mount.yaml:3: notify.email.to: "Ops\\r\\nBcc: spy@evil.example <ops@example.com>" holds control characters (a line break would add mail headers); expected one mail address like ops@example.com or Ops <ops@example.com>');
  });

  it('when the config gives a second address before the checked one then loading fails', () => {
    expect(() => parseTo('spy@evil.example, Ops <ops@example.com>')).toThrow(/notify\.email\.to: /);
  });
});

describe('mail subject', () => {
  it('when a reason carries CR/LF or an escape sequence from the volume then the subject shows them escaped', async () => {
    const { formatMail } = await import('../../../src/notify/mail-format.js');
    const { makeEvent } = await import('./helpers.js');
    const event = makeEvent({ from: 'healthy', to: 'degraded', reason: 'brick x\r\nBcc: spy@evil.example\u001b[2J' });
    const mail = formatMail({ mount: 'data', events: [event], total: 1, firstFrom: 'healthy', folded: 0 }, { host: 'client-01', rateLimit: { count: 6, windowMs: 900_000 } });
    expect(mail.subject).toBe('[ha-mount] client-01: mount data healthy -> DEGRADED (brick x\\r\\nBcc: spy@evil.example\\u001b[2J)');
  });
});

describe('notify-test --to', () => {
  it('when --to holds a second address behind a CR/LF then nothing is sent and the error says why, exit 1', async () => {
    const { runNotifyTest } = await import('../../../src/cli/notify-test-command.js');
    const printed: string[] = [];
    const readText = async (): Promise<string> => 'notify:\n  email:\n    to: ops@example.com\n    smtp: { host: 127.0.0.1, port: 9, security: none }\n';
    await expect(runNotifyTest({ config: '/etc/ha-mount/ha-mount.yaml', to: ['ops@example.com\r\nBcc: spy@evil.example'] }, { readText, print: (line) => printed.push(line) })).rejects.toMatchObject({
      code: 'ha-mount.notify.address',
      exitCode: 1,
      message: expect.stringContaining('holds control characters'),
    });
    expect(printed).toEqual([]);
  });
});
