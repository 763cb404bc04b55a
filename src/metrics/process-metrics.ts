// The agent's own process_* and nodejs_* series, with the names and meanings node_exporter-era
// dashboards and prom-client's collectDefaultMetrics use, computed at scrape from /proc/self and
// process.*: the agent's memory, CPU, descriptors and event loop delay (the fleet dashboard's
// "agent" row). /proc/self is the kernel's, not a mount: reading it cannot hang.
import { readdirSync, readFileSync } from 'node:fs';
import perfHooks from 'node:perf_hooks';
import { DEFAULTS } from '../defaults.js';
import type { Exposition } from './exposition.js';

/** A "Name:   1234 kB" field of /proc/self/status in bytes, or undefined. Pure. */
export function statusFieldBytes(status: string, field: string): number | undefined {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status);
  return match ? Number(match[1]) * 1024 : undefined;
}

/**
 * A sample of monitorEventLoopDelay as lag in seconds: Node records the time between two of its
 * timer's callbacks, so a loop that is never late records the resolution itself (~1 s here),
 * which is subtracted. Pure.
 */
export function loopLagSeconds(nanoseconds: number, resolutionMs: number): number {
  return Math.max(0, nanoseconds / 1e9 - resolutionMs / 1_000);
}

/** The soft "Max open files" limit from /proc/self/limits, or undefined (unlimited or unreadable). Pure. */
export function maxOpenFiles(limits: string): number | undefined {
  const match = /^Max open files\s+(\d+)/m.exec(limits);
  return match ? Number(match[1]) : undefined;
}

const readOr = (path: string): string => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
};

/** Adds the process and event loop families to `exposition`; the loop delay is sampled from now on. */
export function addProcessMetrics(exposition: Exposition): void {
  const startSeconds = Math.round(Date.now() / 1_000 - process.uptime());
  const resolutionMs = DEFAULTS.metrics.eventLoopPrecisionMs;
  const delay = perfHooks.monitorEventLoopDelay({ resolution: resolutionMs });
  delay.enable();
  // what several series share, read once per scrape; the loop delay restarts after each scrape
  let status = '';
  let cpu = process.cpuUsage();
  let memory = process.memoryUsage();
  exposition.onRender(
    () => {
      status = readOr('/proc/self/status');
      cpu = process.cpuUsage();
      memory = process.memoryUsage();
    },
    () => delay.reset(),
  );
  const seconds = (micros: number): number => micros / 1e6;

  exposition.computed('process_cpu_user_seconds_total', 'user CPU time spent by the agent, in seconds', 'counter', () => seconds(cpu.user));
  exposition.computed('process_cpu_system_seconds_total', 'system CPU time spent by the agent, in seconds', 'counter', () => seconds(cpu.system));
  exposition.computed('process_cpu_seconds_total', 'user and system CPU time spent by the agent, in seconds', 'counter', () => seconds(cpu.user + cpu.system));
  exposition.computed('process_start_time_seconds', 'start time of the agent since the Unix epoch, in seconds', 'gauge', () => startSeconds);
  exposition.computed('process_resident_memory_bytes', 'resident memory of the agent (VmRSS), in bytes', 'gauge', () => statusFieldBytes(status, 'VmRSS'));
  exposition.computed('process_virtual_memory_bytes', 'virtual memory of the agent (VmSize), in bytes', 'gauge', () => statusFieldBytes(status, 'VmSize'));
  exposition.computed('process_heap_bytes', 'data segment of the agent (VmData), in bytes', 'gauge', () => statusFieldBytes(status, 'VmData'));
  exposition.computed('process_open_fds', 'open file descriptors of the agent', 'gauge', () => {
    try {
      return readdirSync('/proc/self/fd').length - 1; // the listing's own descriptor
    } catch {
      return undefined;
    }
  });
  exposition.computed('process_max_fds', 'the soft limit of open file descriptors', 'gauge', () => maxOpenFiles(readOr('/proc/self/limits')));
  exposition.computed('nodejs_heap_size_total_bytes', 'V8 heap reserved, in bytes', 'gauge', () => memory.heapTotal);
  exposition.computed('nodejs_heap_size_used_bytes', 'V8 heap in use, in bytes', 'gauge', () => memory.heapUsed);
  exposition.computed('nodejs_external_memory_bytes', 'memory of C++ objects bound to JavaScript objects, in bytes', 'gauge', () => memory.external);
  // how late the loop was since the last scrape; a window with no sample yet (the first scrape
  // right after start) reads 0
  const lag = (name: string, what: string, read: () => number): void =>
    exposition.computed(`nodejs_eventloop_lag_${name}_seconds`, `${what} event loop delay since the last scrape, in seconds`, 'gauge', () =>
      delay.count === 0 ? 0 : loopLagSeconds(read(), resolutionMs),
    );
  lag('min', 'the smallest', () => delay.min);
  lag('max', 'the largest', () => delay.max);
  lag('mean', 'the mean', () => delay.mean);
  lag('p50', 'the median', () => delay.percentile(50));
  lag('p90', 'the 90th percentile of the', () => delay.percentile(90));
  lag('p99', 'the 99th percentile of the', () => delay.percentile(99));
}
