import { describe, expect, it } from 'vitest';
import { ConfigReader } from '../../../src/config/config-reader.js';
import { parseVmRss, readDaemonRss } from '../../../src/metrics/daemon-rss.js';
import { parseListen, parseMetricsConfig } from '../../../src/metrics/metrics-config.js';

const section = (yaml: string) => ConfigReader.parse('/etc/ha-mount/ha-mount.yaml', yaml).child('metrics');

describe('parseMetricsConfig', () => {
  it('when the section is absent then metrics are on at 127.0.0.1:9716', () => {
    expect(parseMetricsConfig(section('mounts: []\n'))).toEqual({ enabled: true, host: '127.0.0.1', port: 9716 });
  });
  it('when listen and enabled are given then they are used', () => {
    expect(parseMetricsConfig(section('metrics:\n  enabled: false\n  listen: "[::1]:9100"\n'))).toEqual({ enabled: false, host: '::1', port: 9100 });
  });
  it('when listen is malformed then the error names file, line and key', () => {
    expect(() => parseMetricsConfig(section('metrics:\n  listen: example.com:80\n'))).toThrow(
      /^\/etc\/ha-mount\/ha-mount.yaml:2: metrics.listen: expected HOST:PORT with an IP address or localhost/,
    );
  });
  it('when a key is misspelt then it is refused', () => {
    expect(() => parseMetricsConfig(section('metrics:\n  listn: 1.2.3.4:1\n'))).toThrow(/metrics.listn: expected one of the keys enabled, listen/);
  });
});

describe('parseListen', () => {
  it.each([
    ['127.0.0.1:9716', { host: '127.0.0.1', port: 9716 }],
    ['0.0.0.0:1', { host: '0.0.0.0', port: 1 }],
    ['localhost:9716', { host: 'localhost', port: 9716 }],
    ['[::1]:9716', { host: '::1', port: 9716 }],
    ['9100', { host: '127.0.0.1', port: 9100 }],
  ])('when listen is %s then it is %j', (text, expected) => {
    expect(parseListen(text)).toEqual(expected);
  });
  it.each(['::1:9716', '127.0.0.1', '127.0.0.1:0', '127.0.0.1:65536', '[127.0.0.1]:80', 'a b:1', '256.1.1.1:80'])('when listen is %s then it is refused', (text) => {
    expect(parseListen(text)).toBeUndefined();
  });
});

describe('daemon RSS', () => {
  it('when /proc/PID/status has VmRSS then it is returned in bytes', () => {
    expect(parseVmRss('Name:\tglusterfs\nVmPeak:\t  900 kB\nVmRSS:\t   51200 kB\nThreads:\t14\n')).toBe(52_428_800);
  });
  it('when the process has no VmRSS line then it is undefined', () => {
    expect(parseVmRss('Name:\tkworker\nState:\tI (idle)\n')).toBeUndefined();
  });
  it('when this process is read then its RSS is positive', async () => {
    expect(await readDaemonRss(process.pid)).toBeGreaterThan(0);
  });
  it('when the process is gone then it is undefined', async () => {
    expect(await readDaemonRss(1, async () => Promise.reject(new Error('ENOENT')))).toBeUndefined();
  });
});
