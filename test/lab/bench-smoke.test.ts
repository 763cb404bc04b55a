// The bench and the soak are benchmarks, not timed tests: this smoke runs each briefly (one trial
// of two fault classes with all four setups; a one-minute soak) and checks they still produce
// well-formed results, so CI keeps them working. Needs root, /dev/fuse and `npm run build`.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { BenchResults } from '../../bench/results.js';
import type { SoakResults } from '../../bench/soak-report.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const out = mkdtempSync('/tmp/ha-mount-bench-smoke-');

/** Runs a dist program to its end; resolves with its exit code and the tail of its output. */
function runProgram(script: string, args: string[], timeoutMs: number): Promise<{ code: number | null; tail: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'dist', script), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk: Buffer): void => {
      output = (output + chunk.toString()).slice(-4_000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    // SIGTERM lets the program tear its labs down
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, tail: output });
    });
  });
}

afterAll(() => {
  rmSync(out, { recursive: true, force: true });
});

describe('bench and soak smoke', () => {
  it('when the bench runs one quick trial of two fault classes then results.json, RESULTS.md and timeline.png are well formed', async () => {
    const dir = join(out, 'bench');
    const run = await runProgram('bench/run.js', ['--quick', '--trials', '1', '--faults', 'kill-daemon,vip-crash', '--no-cost', '--no-overhead', '--out', dir], 150_000);
    expect(run.code, run.tail).toBe(0);
    const results = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as BenchResults;
    expect(results.status).toBe('complete');
    expect(results.trials.map((trial) => trial.fault).sort()).toEqual(['kill-daemon', 'vip-crash']);
    for (const trial of results.trials) {
      expect(trial.setups.map((row) => row.setup)).toEqual(['ha-mount', 'plain', 'cron', 'keepalived']);
      for (const row of trial.setups) expect(Number.isFinite(row.outageMs)).toBe(true);
    }
    const killed = results.trials.find((trial) => trial.fault === 'kill-daemon')!;
    expect(killed.setups.find((row) => row.setup === 'ha-mount')?.detectMs).toEqual(expect.any(Number));
    expect(results.floor[0]?.medianMs).toBeGreaterThan(0);
    const markdown = readFileSync(join(dir, 'RESULTS.md'), 'utf8');
    expect(markdown).toContain('| setup | detect p50 / p95 |');
    expect(markdown).toContain('## Floor');
    expect(readFileSync(join(dir, 'timeline.png')).subarray(1, 4).toString()).toBe('PNG');
  }, 170_000);

  it('when the soak runs a minute then every acknowledged write verifies and SOAK.md is well formed', async () => {
    const dir = join(out, 'soak');
    const run = await runProgram('bench/soak.js', ['--minutes', '1', '--out', dir], 240_000);
    expect(run.code, run.tail).toBe(0);
    expect(existsSync(join(dir, 'SOAK.md'))).toBe(true);
    const results = JSON.parse(readFileSync(join(dir, 'soak.json'), 'utf8')) as SoakResults;
    expect(results.verify).toHaveLength(4);
    expect(results.verify.reduce((sum, row) => sum + row.acked, 0)).toBeGreaterThan(0);
    expect(results.verify.reduce((sum, row) => sum + row.missing + row.corrupted + row.unreadable, 0)).toBe(0);
    expect(readFileSync(join(dir, 'SOAK.md'), 'utf8')).toMatch(/\*\*Result: (PASS|FAIL)\*\*/);
  }, 250_000);
});
