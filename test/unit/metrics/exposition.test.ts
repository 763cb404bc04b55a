import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { describe, expect, it } from 'vitest';
import { escapeLabelValue, Exposition, formatLabels, formatValue } from '../../../src/metrics/exposition.js';
import { loopLagSeconds, maxOpenFiles, statusFieldBytes } from '../../../src/metrics/process-metrics.js';

describe('Exposition', () => {
  it('when a label value holds a quote, a backslash and a line feed then they are escaped and the text parses back to the same value', () => {
    const exposition = new Exposition();
    const value = 'a "b"\\c\nd';
    exposition.gauge('g', 'help with \\ and\nnewline', ['mount']).set({ mount: value }, 2);
    const text = exposition.render();
    expect(text).toContain('g{mount="a \\"b\\"\\\\c\\nd"} 2');
    expect(text).toContain('# HELP g help with \\\\ and\\nnewline');
    const [family] = parsePrometheusTextFormat(text);
    expect(family?.metrics[0]?.labels).toEqual({ mount: value });
  });

  it('when values are observed then buckets are cumulative, +Inf holds every observation, and sum and count follow', () => {
    const exposition = new Exposition();
    const histogram = exposition.histogram('h_seconds', 'h', ['mount'], [1, 0.1]); // unsorted on purpose
    for (const value of [0.05, 0.1, 0.5, 7]) histogram.observe({ mount: 'm' }, value);
    const text = exposition.render();
    expect(text).toContain('h_seconds_bucket{le="0.1",mount="m"} 2');
    expect(text).toContain('h_seconds_bucket{le="1",mount="m"} 3');
    expect(text).toContain('h_seconds_bucket{le="+Inf",mount="m"} 4');
    expect(text).toContain('h_seconds_sum{mount="m"} 7.65');
    expect(text).toContain('h_seconds_count{mount="m"} 4');
    expect(text.indexOf('le="0.1"')).toBeLessThan(text.indexOf('le="1"'));
  });

  it('when a series is removed then it is gone and the family header stays', () => {
    const exposition = new Exposition();
    const counter = exposition.counter('c_total', 'c', ['mount', 'reason']);
    counter.inc({ mount: 'a', reason: 'x' });
    counter.inc({ mount: 'a', reason: 'x' }, 2);
    counter.inc({ mount: 'b', reason: 'x' });
    counter.remove({ mount: 'b', reason: 'x' });
    expect(exposition.render()).toBe('# HELP c_total c\n# TYPE c_total counter\nc_total{mount="a",reason="x"} 3\n');
  });

  it('when a counter is asked to go down or a family is defined twice then it throws', () => {
    const exposition = new Exposition();
    const counter = exposition.counter('c_total', 'c', []);
    expect(() => counter.inc({}, -1)).toThrow('c_total: a counter only goes up');
    expect(() => exposition.gauge('c_total', 'again', [])).toThrow('metric c_total is defined twice');
  });

  it('when a computed sample is undefined or not finite then its family is left out', () => {
    const exposition = new Exposition();
    exposition.computed('gone', 'g', 'gauge', () => undefined);
    exposition.computed('nan', 'n', 'gauge', () => Number.NaN);
    exposition.computed('here', 'h', 'counter', () => 1.5);
    expect(exposition.render()).toBe('# HELP here h\n# TYPE here counter\nhere 1.5\n');
  });

  it('when rendered then the before hook runs first, once, and the after hook last', () => {
    const exposition = new Exposition();
    const calls: string[] = [];
    let shared = 0;
    exposition.onRender(
      () => {
        calls.push('before');
        shared += 1;
      },
      () => calls.push('after'),
    );
    exposition.computed('a', 'a', 'gauge', () => (calls.push('a'), shared));
    exposition.computed('b', 'b', 'gauge', () => (calls.push('b'), shared * 10));
    expect(exposition.render()).toContain('a 1\n# HELP b b\n# TYPE b gauge\nb 10\n');
    expect(calls).toEqual(['before', 'a', 'b', 'after']);
  });

  it.each([
    [Number.POSITIVE_INFINITY, '+Inf'],
    [Number.NEGATIVE_INFINITY, '-Inf'],
    [Number.NaN, 'NaN'],
    [0.0025, '0.0025'],
    [52_428_800, '52428800'],
  ])('formatValue(%s) is %s', (value, text) => {
    expect(formatValue(value)).toBe(text);
  });

  it('formatLabels keeps the label names\' order and writes nothing without labels', () => {
    expect(formatLabels(['b', 'a'], { a: '1', b: '2' })).toBe('{b="2",a="1"}');
    expect(formatLabels([], {})).toBe('');
    expect(escapeLabelValue('plain')).toBe('plain');
  });
});

describe('process metrics parsers', () => {
  it('reads a kB field of /proc/self/status in bytes, and nothing for a missing field', () => {
    const status = 'Name:\tnode\nVmSize:\t 1026364 kB\nVmRSS:\t   51616 kB\n';
    expect(statusFieldBytes(status, 'VmRSS')).toBe(51_616 * 1024);
    expect(statusFieldBytes(status, 'VmSize')).toBe(1_026_364 * 1024);
    expect(statusFieldBytes(status, 'VmData')).toBeUndefined();
  });

  it('turns a loop delay sample into lateness: the timer\'s own period is not lag', () => {
    expect(loopLagSeconds(1_001_390_079, 1_000)).toBeCloseTo(0.00139, 6);
    expect(loopLagSeconds(1_250_000_000, 1_000)).toBeCloseTo(0.25, 9);
    expect(loopLagSeconds(999_000_000, 1_000)).toBe(0);
  });

  it('reads the soft open files limit, and nothing when it is unlimited', () => {
    expect(maxOpenFiles('Limit                     Soft Limit           Hard Limit           Units\nMax open files            1024                 524288               files\n')).toBe(1024);
    expect(maxOpenFiles('Max open files            unlimited            unlimited            files\n')).toBeUndefined();
  });
});
