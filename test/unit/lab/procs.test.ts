import { describe, expect, it } from 'vitest';
import { countOpenFiles, isProcessAlive, parseStatStartTime, parseStatState, parseTcpTable, readCpuSeconds, readRssKb, readStartTime } from '../../../src/lab/procs.js';

const STAT = '2038 (glusterd) S 1976 2038 2038 0 -1 4194560 4641 70889 0 0 2 4 91 28 20 0 9 0 185396 474652672 5683 18446744073709551615';

describe('/proc/PID/stat', () => {
  it('when parsed then the state and start time come out', () => {
    expect(parseStatState(STAT)).toBe('S');
    expect(parseStatStartTime(STAT)).toBe(185396);
  });

  it('when the command name holds spaces and parens then the fields after it are still found', () => {
    const tricky = STAT.replace('(glusterd)', '(a) b (c)');
    expect(parseStatStartTime(tricky)).toBe(185396);
    expect(parseStatState(tricky)).toBe('S');
  });

  it('when this process is asked about then it is alive, and not under another start time', () => {
    const startTime = readStartTime(process.pid);
    expect(startTime).toBeGreaterThan(0);
    expect(isProcessAlive(process.pid, startTime)).toBe(true);
    expect(isProcessAlive(process.pid, (startTime ?? 0) + 1)).toBe(false);
  });
});

describe('parseTcpTable', () => {
  it('when /proc/net/tcp is parsed then addresses, ports and states are decoded', () => {
    const text = [
      '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
      '   0: 00000000:5DC7 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1460 1',
      '   1: 1F39D50A:C350 14B9D50A:24AC 01 00000000:00000000 00:00000000 00000000   420        0 1461 1',
    ].join('\n');
    expect(parseTcpTable(text)).toEqual([
      { localIp: '0.0.0.0', localPort: 24007, remoteIp: '0.0.0.0', remotePort: 0, state: 'LISTEN' },
      { localIp: '10.213.57.31', localPort: 50000, remoteIp: '10.213.185.20', remotePort: 9388, state: 'ESTABLISHED' },
    ]);
  });
});

describe('process readers for the bench and the lab tests', () => {
  it('when this process is read then its RSS, CPU seconds and open files are plausible, and a gone pid reads undefined', () => {
    let spin = 0;
    for (let index = 0; index < 2_000_000; index += 1) spin += index % 7;
    expect(spin).toBeGreaterThan(0);
    expect(readRssKb(process.pid)).toBeGreaterThan(10_000);
    const cpu = readCpuSeconds(process.pid);
    expect(cpu?.self).toBeGreaterThan(0);
    expect(cpu?.children).toBeGreaterThanOrEqual(0);
    expect(countOpenFiles(process.pid)).toBeGreaterThan(2);
    const gone = 2 ** 22 + 1; // above the kernel's pid_max limit: never a live process
    expect(readRssKb(gone)).toBeUndefined();
    expect(readCpuSeconds(gone)).toBeUndefined();
    expect(countOpenFiles(gone)).toBeUndefined();
  });
});
