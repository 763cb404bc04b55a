import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import unixDgram from 'unix-dgram';
import { describe, expect, it } from 'vitest';
import {
  buildJournalFields,
  createJournalDestination,
  encodeJournalFields,
  formatPrefixedLine,
  isJournalStream,
  openJournalSocket,
  syslogPriority,
} from '../../../src/log/journal.js';
import { chooseLogFormat } from '../../../src/log/logger.js';

/** A log record as the agent's transition log writes it (src/notify/transition-log.ts). */
const failed = { level: 40, time: '2026-12-02T05:00:00.000Z', pid: 7, event: 'transition', seq: 3, mount: 'rep_vol1', mountpoint: '/mnt/rep_vol1', from: 'healthy', to: 'failed', reason: 'ENOTCONN', server: '10.0.0.10', msg: 'mount rep_vol1: healthy -> failed (ENOTCONN)' };

function sink(): { stream: NodeJS.WritableStream; lines: string[] } {
  const lines: string[] = [];
  return { lines, stream: { write: (line: string) => lines.push(line) } as unknown as NodeJS.WritableStream };
}

describe('journald priorities', () => {
  it.each([
    [10, 7],
    [20, 7],
    [30, 6],
    [40, 4],
    [50, 3],
    [60, 2],
  ])('when the log level is %i then the syslog priority is %i', (level, priority) => {
    expect(syslogPriority(level)).toBe(priority);
  });
});

describe('journal fields', () => {
  it('when a transition is logged then MESSAGE is text without time or level and the mount has fields of its own', () => {
    const fields = new Map(buildJournalFields(failed));
    expect(fields.get('MESSAGE')).toMatch(/^mount rep_vol1: healthy -> failed \(ENOTCONN\) {2}event=transition /);
    expect(fields.get('MESSAGE')).not.toContain('2026-12-02');
    expect(fields.get('MESSAGE')).not.toContain('pid=');
    expect(fields.get('PRIORITY')).toBe('4');
    expect(fields.get('SYSLOG_IDENTIFIER')).toBe('ha-mount');
    expect(fields.get('HA_MOUNT_NAME')).toBe('rep_vol1');
    expect(fields.get('HA_MOUNT_MOUNTPOINT')).toBe('/mnt/rep_vol1');
    expect(fields.get('HA_MOUNT_STATE')).toBe('failed');
    expect(fields.get('HA_MOUNT_SERVER')).toBe('10.0.0.10');
  });

  it('when a record names no mount then no HA_MOUNT_ field is sent', () => {
    const names = buildJournalFields({ level: 30, msg: 'agent watching 1 mount(s)' }).map(([name]) => name);
    expect(names).toEqual(['MESSAGE', 'PRIORITY', 'SYSLOG_IDENTIFIER']);
  });

  it('when values are single lines then they are encoded KEY=value', () => {
    expect(encodeJournalFields([['MESSAGE', 'hello'], ['PRIORITY', '6']]).toString()).toBe('MESSAGE=hello\nPRIORITY=6\n');
  });

  it('when a value holds a newline then it is encoded with its 64-bit little-endian length', () => {
    const encoded = encodeJournalFields([['MESSAGE', 'a\nb']]);
    expect(encoded.subarray(0, 8).toString()).toBe('MESSAGE\n');
    expect(encoded.readBigUInt64LE(8)).toBe(3n);
    expect(encoded.subarray(16).toString()).toBe('a\nb\n');
  });

  it('when a line falls back to stdout then it carries the <N> priority prefix journald reads', () => {
    expect(formatPrefixedLine({ level: 50, msg: 'reload failed' })).toBe('<3>reload failed\n');
  });
});

describe('JOURNAL_STREAM', () => {
  it('when JOURNAL_STREAM names the stream of stdout then stdout is the journal', () => {
    expect(isJournalStream('8:12345', { dev: 8, ino: 12345 })).toBe(true);
  });

  it('when JOURNAL_STREAM is absent, malformed or names another stream then it is not', () => {
    expect(isJournalStream(undefined, { dev: 8, ino: 1 })).toBe(false);
    expect(isJournalStream('8:2', { dev: 8, ino: 1 })).toBe(false);
    expect(isJournalStream('junk', { dev: 8, ino: 1 })).toBe(false);
  });
});

describe('journal destination', () => {
  it('when the journal takes the datagram then nothing is written to stdout', () => {
    const sent: Buffer[] = [];
    const out = sink();
    createJournalDestination({ send: (datagram) => sent.push(datagram) > 0, fallback: out.stream }).write(`${JSON.stringify(failed)}\n`);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.toString()).toContain('HA_MOUNT_NAME=rep_vol1\n');
    expect(out.lines).toEqual([]);
  });

  it('when the journal refuses the datagram then the line goes to stdout with its priority prefix', () => {
    const out = sink();
    createJournalDestination({ send: () => false, fallback: out.stream }).write(`${JSON.stringify(failed)}\n`);
    expect(out.lines).toHaveLength(1);
    expect(out.lines[0]).toMatch(/^<4>mount rep_vol1: healthy -> failed/);
  });

  it('when a datagram is sent to a real socket then it arrives with the fields, and a missing socket reports failure', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ha-mount-journal-'));
    const path = join(dir, 'socket');
    const server = unixDgram.createSocket('unix_dgram');
    try {
      const received = new Promise<string>((resolve) => server.on('message', (buffer) => resolve(buffer.toString())));
      server.bind(path);
      const send = openJournalSocket(path);
      expect(send(encodeJournalFields(buildJournalFields(failed)))).toBe(true);
      expect(await received).toContain('PRIORITY=4\n');
      expect(openJournalSocket(join(dir, 'absent'))(Buffer.from('MESSAGE=x\n'))).toBe(false);
    } finally {
      server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('choosing the journal format', () => {
  it('when stdout is the journal then the agent logs natively to journald', () => {
    expect(chooseLogFormat(process.stdout, {}, () => true)).toBe('journal');
  });

  it('when HA_MOUNT_LOG_FORMAT=json is set then JSON lines stay, for log shippers, even on the journal', () => {
    expect(chooseLogFormat(process.stdout, { HA_MOUNT_LOG_FORMAT: 'json' }, () => true)).toBe('json');
  });

  it('when the destination is not stdout then the journal check does not apply', () => {
    const out = sink();
    expect(chooseLogFormat(out.stream, {}, () => true)).toBe('json');
  });
});
