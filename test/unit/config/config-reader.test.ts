import { describe, expect, it } from 'vitest';
import { ConfigReader } from '../../../src/config/config-reader.js';
import { parseDuration } from '../../../src/config/duration.js';

const text = `mounts:
  - name: data
    servers: [a, b]
probe:
  interval: 2x
`;

describe('ConfigReader', () => {
  it('when a value is malformed then the error names file, line, key path, expected and found', () => {
    const reader = ConfigReader.parse('/etc/x.yaml', text);
    expect(() => reader.child('probe').child('interval').duration()).toThrow(
      '/etc/x.yaml:5: probe.interval: expected a duration like 500ms, 2s or 1m, from 0 ms to 9007199254740991 ms, found "2x"',
    );
  });
  it('when a list item is read then its path carries the index', () => {
    const reader = ConfigReader.parse('f', text);
    const first = reader.child('mounts').items()[0];
    expect(first?.child('servers').stringList()).toEqual(['a', 'b']);
    expect(() => first?.child('name').integer()).toThrow('f:2: mounts[0].name: expected a whole number');
  });
  it('when YAML is broken then the syntax error names the line', () => {
    expect(() => ConfigReader.parse('f', 'a: [1,\nb: 2\n')).toThrow(/^f:\d+: invalid YAML/);
  });
  it('when a syntax error is deep in the file then the error names that line, not line 1', () => {
    expect(() => ConfigReader.parse('f', 'a: 1\nb: 2\nc: 3\nd:\n  - x\n   y: [\n')).toThrow(/^f:5: invalid YAML/);
  });
  it('when an unknown key is present then the allowed keys are listed', () => {
    const reader = ConfigReader.parse('f', 'probe:\n  intreval: 1s\n');
    expect(() => reader.child('probe').rejectUnknownKeys(['interval'])).toThrow('f:2: probe.intreval: expected one of the keys interval');
  });
  it('when a required key is missing then the error says it is required', () => {
    const reader = ConfigReader.parse('f', 'mounts: []\n');
    expect(() => reader.child('name').string({ required: true })).toThrow(/name: expected a value \(this key is required\)/);
  });
});

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['2s', 2_000],
    ['1.5s', 1_500],
    ['1m', 60_000],
    [250, 250],
    ['10', 10],
  ])('when given %s then it is %d ms', (input, expected) => {
    expect(parseDuration(input)).toBe(expected);
  });
  it.each(['', 's', '-1s', '1 d', '1e3s'])('when given %j then it is rejected', (input) => {
    expect(parseDuration(input)).toBeUndefined();
  });
});
