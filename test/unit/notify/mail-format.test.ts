import { describe, expect, it } from 'vitest';
import { formatMail } from '../../../src/notify/mail-format.js';
import { makeEvent } from './helpers.js';

const context = { host: 'client-01', rateLimit: { count: 6, windowMs: 900_000 } };

describe('formatMail', () => {
  it('when one mount fails then subject and body carry host, mount, states, reason and server', () => {
    const event = makeEvent({ from: 'healthy', to: 'failed', reason: 'ENOTCONN', server: '10.0.0.10:24007' });
    const mail = formatMail({ mount: 'data', events: [event], total: 1, firstFrom: 'healthy', folded: 0 }, context);
    expect(mail.subject).toBe('[ha-mount] client-01: mount data healthy -> FAILED (ENOTCONN)');
    expect(mail.text).toContain('Host:      client-01');
    expect(mail.text).toContain('Mount:     data at /mnt/data');
    expect(mail.text).toContain('Change:    healthy -> failed');
    expect(mail.text).toContain('Reason:    ENOTCONN');
    expect(mail.text).toContain('Server:    10.0.0.10:24007');
    expect(mail.text).toContain(`Sequence:  ${event.seq}`);
    expect(mail.text).not.toContain('Outage');
  });

  it('when a mount recovers then the body says what was done and how long the outage lasted', () => {
    const event = makeEvent({ from: 'recovering', to: 'healthy', reason: 'remount succeeded', action: 'remounted via data-node-02', outageMs: 12_300 });
    const mail = formatMail({ mount: 'data', events: [event], total: 1, firstFrom: 'recovering', folded: 0 }, context);
    expect(mail.text).toContain('Action:    remounted via data-node-02');
    expect(mail.text).toContain('Outage:    lasted 12.3s');
    expect(mail.text).toContain('is now HEALTHY');
  });

  it('when several changes are coalesced then the subject shows the path and the body lists them in order', () => {
    const events = [
      makeEvent({ from: 'healthy', to: 'failed', reason: 'ENOTCONN' }),
      makeEvent({ from: 'failed', to: 'recovering', reason: 'remounting', action: 'remount via data-node-02' }),
      makeEvent({ from: 'recovering', to: 'healthy', reason: 'probe ok', outageMs: 900 }),
    ];
    const mail = formatMail({ mount: 'data', events, total: 3, firstFrom: 'healthy', folded: 0 }, context);
    expect(mail.subject).toBe('[ha-mount] client-01: mount data healthy -> failed -> recovering -> HEALTHY (3 changes)');
    const listed = mail.text.split('\n').filter((line) => line.startsWith('  #'));
    expect(listed.map((line) => line.split(' ')[2])).toEqual(events.map((event) => `#${event.seq}`));
    expect(listed[1]).toContain('remount via data-node-02');
  });

  it('when changes were folded by the rate limit then the mail says how many and why', () => {
    const events = [makeEvent({ from: 'failed', to: 'healthy' })];
    const mail = formatMail({ mount: 'data', events, total: 114, firstFrom: 'healthy', folded: 114 }, context);
    expect(mail.subject).toContain('(114 changes, rate limited)');
    expect(mail.text).toContain('Rate limit: 114 changes were folded into this mail (at most 6 mails per mount every 15m)');
    expect(mail.text).toContain('113 earlier changes not listed');
  });
});
