// issue 15 item 11: control characters from a user, the config or the volume never reach a terminal raw
import { describe, expect, it } from 'vitest';
import { describeFailure, runCli, type CliContext } from '../../../src/cli/program.js';
import { parseConfig } from '../../../src/config/load-config.js';
import { formatPrettyLine } from '../../../src/log/pretty.js';
import { escapeControl } from '../../../src/text/escape-control.js';

// what a terminal acts on: C0 but line feed, DEL, C1 (U+009B is CSI), line separators, bidi controls
const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

function cliContext(): { ctx: CliContext; out: string[] } {
  const out: string[] = [];
  const ctx: CliContext = {
    print: (line) => out.push(line),
    printError: (line) => out.push(line),
    mounterDeps: () => {
      throw new Error('nothing may be mounted');
    },
    readText: async () => {
      throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
    },
  };
  return { ctx, out };
}

/** The message of what `run` throws ("" when it does not throw). */
function messageOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return (error as Error).message;
  }
  return '';
}

describe('text that reaches a terminal', () => {
  it('when escapeControl gets every kind of control character then each is shown as \\n \\r \\t or \\uNNNN', () => {
    expect(escapeControl('a\nb\rc\td\u001b[2Je\u007ff\u009bg\u2028h\u202ei\u2066')).toBe('a\\nb\\rc\\td\\u001b[2Je\\u007ff\\u009bg\\u2028h\\u202ei\\u2066');
    expect(escapeControl('line one\nline\u001b two', { keepNewlines: true })).toBe('line one\nline\\u001b two');
    expect(escapeControl('données ok ✓')).toBe('données ok ✓');
  });

  it('when a -s value holds an escape sequence then the error shown is escaped', async () => {
    const { ctx } = cliContext();
    const failure = await runCli(['vip:/rep_vol1', '/data', '-s', 'gfs\u001b]0;owned\u0007'], ctx).then(() => undefined, describeFailure);
    expect(failure?.exitCode).toBe(1);
    expect(failure?.message).not.toMatch(RAW);
    expect(failure?.message).toContain('gfs\\u001b]0;owned\\u0007');
  });

  it('when a config key holds control characters then the key path in the error is escaped', () => {
    const message = messageOf(() => parseConfig('/etc/ha-mount/ha-mount.yaml', 'probe:\n  "inter\\e[31mval\\u009b": 1s\n'));
    expect(message).toMatch(/^\/etc\/ha-mount\/ha-mount\.yaml:2: probe\.inter\\u001b\[31mval\\u009b: expected one of the keys/);
    expect(message).not.toMatch(RAW);
  });

  it('when a config value holds a C1 control then the "found" part of the error is escaped', () => {
    const message = messageOf(() => parseConfig('c', 'probe:\n  interval: "2\\u009bx"\n'));
    expect(message).toContain('found "2\\u009bx"');
    expect(message).not.toMatch(RAW);
  });

  it('when check is given a path with an escape sequence then its one output line is escaped', async () => {
    const { ctx, out } = cliContext();
    await runCli(['check', '/nonexistent/\u001b[2J\nFAKE OK'], ctx);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(/^HA-MOUNT (UNKNOWN|CRITICAL) - /);
    expect(out[0]).toContain('\\u001b[2J\\nFAKE OK');
    expect(out[0]).not.toMatch(/[\u0000-\u001f]/);
  });

  it('when a log line carries a reason with an escape sequence then the terminal form escapes it', () => {
    const line = formatPrettyLine(JSON.stringify({ level: 40, time: 0, msg: 'brick x\u001b[2J down', reason: 'a\u009bb' }));
    expect(line.trimEnd()).not.toMatch(RAW);
    expect(line).toContain('brick x\\u001b[2J down');
  });
});
