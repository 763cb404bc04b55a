// `npm run bench -- ...` argv to options (bench/bench-args.ts).
import { describe, expect, it } from 'vitest';
import { parseBenchArgs, parseClockTime } from '../../../bench/bench-args.js';
import { FAULT_IDS } from '../../../bench/faults.js';

const OUT = '/srv/bench-out';
// machine local time, like parseClockTime
const NOW = new Date(2025, 2, 10, 14, 0, 0, 0);

describe('parseBenchArgs', () => {
  it('when no option is given then it runs 20 trials of every fault in 2 lanes with cost and overhead into the default folder', () => {
    expect(parseBenchArgs([], OUT, NOW)).toEqual({
      trials: 20,
      faults: [...FAULT_IDS],
      quick: false,
      out: OUT,
      cost: true,
      overhead: true,
      reportOnly: false,
      costOnly: false,
      costAgentFlags: false,
      floorOnly: false,
      lanes: 2,
    });
  });

  it('when --quick is given then it runs one lane unless --lanes says otherwise', () => {
    expect(parseBenchArgs(['--quick'], OUT, NOW)).toMatchObject({ quick: true, lanes: 1, trials: 20 });
    expect(parseBenchArgs(['--quick', '--lanes', '2'], OUT, NOW)).toMatchObject({ quick: true, lanes: 2 });
    expect(parseBenchArgs(['--lanes', '1'], OUT, NOW)).toMatchObject({ quick: false, lanes: 1 });
  });

  it('when flags are given then each one lands in its option', () => {
    const options = parseBenchArgs(['--trials', '5', '--faults', 'vip-crash, all-down', '--out', '/tmp/r', '--no-cost', '--no-overhead', '--report-only', '--cost-only', '--floor-only'], OUT, NOW);
    expect(options).toMatchObject({ trials: 5, faults: ['vip-crash', 'all-down'], out: '/tmp/r', cost: false, overhead: false, reportOnly: true, costOnly: true, floorOnly: true });
    expect(options.until).toBeUndefined();
  });

  it('when --cost-baseline names another build then the cost measures it too, else it is absent', () => {
    expect(parseBenchArgs(['--cost-only', '--cost-baseline', '/tmp/main', '--cost-node-options', '--max-semi-space-size=1'], OUT, NOW)).toMatchObject({ costOnly: true, costBaseline: '/tmp/main', costNodeOptions: '--max-semi-space-size=1' });
    expect(parseBenchArgs([], OUT, NOW).costBaseline).toBeUndefined();
    expect(parseBenchArgs(['--cost-agent-flags'], OUT, NOW).costAgentFlags).toBe(true);
    expect(parseBenchArgs([], OUT, NOW).costAgentFlags).toBe(false);
    expect(() => parseBenchArgs(['--cost-baseline'], OUT, NOW)).toThrow(/--cost-baseline: missing value/);
  });

  it('when an unknown option is given then it throws naming it', () => {
    expect(() => parseBenchArgs(['--trial', '5'], OUT, NOW)).toThrow(/unknown option --trial;/);
    expect(() => parseBenchArgs(['--trials=5'], OUT, NOW)).toThrow(/unknown option --trials=5/);
  });

  it('when --trials is not a whole number of 1 or more then it throws', () => {
    for (const bad of ['0', '-3', '2.5', 'many', '']) {
      expect(() => parseBenchArgs(['--trials', bad], OUT, NOW)).toThrow(/--trials: expected a whole number of 1 or more/);
    }
  });

  it('when a flag lacks its value then it throws', () => {
    expect(() => parseBenchArgs(['--trials'], OUT, NOW)).toThrow('--trials: missing value');
    expect(() => parseBenchArgs(['--out', '--quick'], OUT, NOW)).toThrow('--out: missing value');
  });

  it('when --lanes is anything but 1 or 2 then it is refused', () => {
    expect(() => parseBenchArgs(['--lanes', '3'], OUT, NOW)).toThrow('--lanes: expected 1 or 2, got "3"');
    expect(() => parseBenchArgs(['--lanes', '0'], OUT, NOW)).toThrow(/--lanes/);
  });

  it('when --faults names an unknown class then it throws naming it', () => {
    expect(() => parseBenchArgs(['--faults', 'kill-daemon,nope'], OUT, NOW)).toThrow(/unknown fault class nope/);
  });

  it('when --until is given then it is parsed as a clock time relative to now', () => {
    expect(parseBenchArgs(['--until', '18:30'], OUT, NOW).until).toBe(new Date(2025, 2, 10, 18, 30).getTime());
    expect(parseBenchArgs(['--until', '01:15'], OUT, NOW).until).toBe(new Date(2025, 2, 11, 1, 15).getTime());
  });

  it('when --until is malformed then it throws', () => {
    expect(() => parseBenchArgs(['--until', '7pm'], OUT, NOW)).toThrow('--until: expected HH:MM (00:00-23:59), got "7pm"');
  });
});

describe('parseClockTime', () => {
  it('when the time is later today then it is today at that time', () => {
    expect(parseClockTime('23:59', NOW)).toBe(new Date(2025, 2, 10, 23, 59).getTime());
    expect(parseClockTime('7:05', new Date(2025, 2, 10, 6, 0))).toBe(new Date(2025, 2, 10, 7, 5).getTime());
  });

  it('when the time passed less than 12 h ago then it stays today (already past)', () => {
    expect(parseClockTime('13:30', NOW)).toBe(new Date(2025, 2, 10, 13, 30).getTime());
    expect(parseClockTime('02:01', NOW)).toBe(new Date(2025, 2, 10, 2, 1).getTime());
  });

  it('when the time passed more than 12 h ago then it rolls to tomorrow', () => {
    expect(parseClockTime('01:59', NOW)).toBe(new Date(2025, 2, 11, 1, 59).getTime());
    expect(parseClockTime('07:35', new Date(2025, 2, 10, 23, 0))).toBe(new Date(2025, 2, 11, 7, 35).getTime());
  });

  it('when the time rolls over at the end of a month then it is the first of the next month', () => {
    expect(parseClockTime('06:00', new Date(2025, 0, 31, 22, 0))).toBe(new Date(2025, 1, 1, 6, 0).getTime());
  });

  it('when the text is not HH:MM then it throws', () => {
    for (const bad of ['0730', '7:5', '07:30:00', ' 07:30', '']) {
      expect(() => parseClockTime(bad, NOW)).toThrow(/--until: expected HH:MM/);
    }
  });

  it('when the hour or minute is out of range then it throws instead of rolling over', () => {
    for (const bad of ['24:00', '99:99', '12:60']) {
      expect(() => parseClockTime(bad, NOW)).toThrow(/00:00-23:59/);
    }
    expect(parseClockTime('23:59', NOW)).toBeGreaterThan(NOW.getTime());
  });
});
