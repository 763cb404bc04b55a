import { describe, expect, it } from 'vitest';
import { encodeProbeRequest, errnoName, parseHelperLine, syscallArgs } from '../../../src/probes/probe-protocol.js';

describe('the probe helper protocol', () => {
  it('when a request holds spaces and newlines in its paths then the line stays one line of hex fields', () => {
    const line = encodeProbeRequest(7, { write: true, mountpoint: '/mnt/a b\nc', device: '0:41', host: 'h', fileName: 'probe-1', token: 't\n', nonce: 'ab' });
    expect(line).toBe(`p 7 w ${Buffer.from('/mnt/a b\nc').toString('hex')} 0:41 68 ${Buffer.from('probe-1').toString('hex')} 740a ab\n`);
    expect(line.slice(0, -1)).not.toMatch(/\n/);
  });

  it.each([
    ['3 s 4242', { id: 3, kind: 'started', pid: 4242 }],
    ['3 x 9', { id: 3, kind: 'exit', status: 9 }],
    ['5 d', { id: 5, kind: 'ended' }],
    ['5 n 38', { id: 5, kind: 'unwatchable', errno: 38 }],
    ['3 r tampered write 0 symlink file', { id: 3, kind: 'result', report: { verdict: 'tampered', step: 'write', errno: 0, code: 'symlink', where: 'file' } }],
    ['3 r unsafe lookup 0 other-device root 8:1', { id: 3, kind: 'result', report: { verdict: 'unsafe', step: 'lookup', errno: 0, code: 'other-device', where: 'root', arg: '8:1' } }],
  ])('when the helper says %j then it parses', (text, expected) => {
    expect(parseHelperLine(text)).toEqual(expected);
  });

  it.each(['', 'x', '0 s 1', '3 s', '3 r nice write 0 c file', '3 r ok walk 0 c file', '3 r ok read 0 c elsewhere', '3 r ok read zero c file', '3 q 1', '5 d 1', '5 n', '5 n x'])(
    'when the helper says %j then the line is ignored',
    (text) => {
      expect(parseHelperLine(text)).toBeUndefined();
    },
  );

  it('when an errno number is known then its name comes back, else E<number>', () => {
    expect(errnoName(107)).toBe('ENOTCONN');
    expect(errnoName(99_999)).toBe('E99999');
  });

  it('when the architecture has no known syscall numbers then the helper falls back to Perl\'s own fsync and exit', () => {
    expect(syscallArgs('x64')).toEqual(['74', '231', '434']);
    expect(syscallArgs('arm64')).toEqual(['82', '94', '434']);
    expect(syscallArgs('s390x')).toEqual(['', '', '']);
  });
});
