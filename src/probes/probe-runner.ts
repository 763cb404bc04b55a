import { randomBytes } from 'node:crypto';
import { DEFAULTS } from '../defaults.js';
import { sharedProbeHelper, type ProbeEnd, type ProbeHelperPort } from './probe-helper.js';
import { checkHostFolderName, buildProbePaths } from './probe-plan.js';
import { describeReport } from './probe-protocol.js';
import type { ProbeResult, ProbeRunner, ProbeTarget, RunningProbe } from './probe-types.js';

let probeCounter = 0;
/** drawn once per process: with the counter, no two probes of any agent share a name or a token (a draw per probe was ~10 % of the agent's probe path) */
let session: string | undefined;

/** The next probe's nonce (hex): this process's random bits and a counter; and its token, which no earlier probe wrote. */
function nextProbeIds(host: string): { nonce: string; token: string } {
  session ??= randomBytes(6).toString('hex');
  probeCounter += 1;
  const nonce = `${session}${probeCounter.toString(16)}`;
  return { nonce, token: `ha-mount ${host} ${process.pid} ${nonce}\n` };
}

/** When a mount's last write probe ran, on which device, and whether it was ok. */
interface WriteHistory {
  device: string;
  at: number;
  ok: boolean;
}

/**
 * Creates the real probe runner: each probe is one child forked by the shared probe helper
 * (src/probes/probe-helper.ts), never this process: the lookup of a random name, and for the
 * write probe a token written with O_CREAT|O_EXCL|O_NOFOLLOW, fsynced and read back in
 * `<mountpoint>/.ha-mount/<host>/`. The caller owns the deadline and calls `kill()`.
 * A target with `write` writes at its first probe, then at most every `writeEveryMs` while
 * writes succeed, and at every probe after a write failed or the mount's device changed (a
 * remount); the probes between are lookups.
 */
export function createProbeRunner(helper: ProbeHelperPort = sharedProbeHelper(), now: () => number = () => performance.now(), writeEveryMs: number = DEFAULTS.probe.writeEveryMs): ProbeRunner {
  const writes = new Map<string, WriteHistory>();
  const isWriteDue = (target: ProbeTarget, at: number): boolean => {
    const last = writes.get(target.mountpoint);
    return last === undefined || !last.ok || last.device !== target.device || at - last.at >= writeEveryMs;
  };
  return (requested: ProbeTarget): RunningProbe => {
    const started = now();
    const write = requested.write && isWriteDue(requested, started);
    const target = write === requested.write ? requested : { ...requested, write };
    const finish = (partial: Omit<ProbeResult, 'latencyMs'>): ProbeResult => ({ ...partial, latencyMs: now() - started });
    const ids = nextProbeIds(target.host);
    const paths = buildProbePaths(target, ids.nonce);
    const badHost = target.write ? checkHostFolderName(target.host) : undefined;
    if (badHost !== undefined) return { result: Promise.resolve(finish({ verdict: 'bad', step: 'none', detail: badHost })), exited: Promise.resolve(), kill: () => undefined };
    const probe = helper.run({
      write: target.write,
      mountpoint: target.mountpoint,
      device: target.device,
      host: target.host,
      fileName: paths.fileName,
      token: ids.token,
      nonce: ids.nonce,
    });
    const where = { root: paths.mountpoint, lookup: paths.lookup, folder: paths.folder, host: paths.hostFolder, file: paths.file };
    const toResult = (end: ProbeEnd): ProbeResult => {
      if (end.kind === 'killed') return finish({ verdict: 'bad', step: 'none', detail: 'probe killed' });
      if (end.kind === 'failed') return finish({ verdict: 'bad', step: 'none', detail: `cannot run the probe: ${end.message}` });
      return finish(describeReport(end.report, where));
    };
    const result = probe.end.then(toResult);
    if (write) void result.then((done) => writes.set(target.mountpoint, { device: target.device, at: started, ok: done.verdict === 'ok' }));
    return { result, exited: probe.exited, kill: () => probe.kill() };
  };
}
