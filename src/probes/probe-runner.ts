import { randomBytes } from 'node:crypto';
import { sharedProbeHelper, type ProbeEnd, type ProbeHelperPort } from './probe-helper.js';
import { checkHostFolderName, buildProbePaths } from './probe-plan.js';
import { describeReport } from './probe-protocol.js';
import type { ProbeResult, ProbeRunner, ProbeTarget, RunningProbe } from './probe-types.js';

let probeCounter = 0;

/** A token no earlier probe wrote: host, pid, a counter and random bits. */
function createToken(host: string): string {
  probeCounter += 1;
  return `ha-mount ${host} ${process.pid} ${probeCounter} ${randomBytes(8).toString('hex')}\n`;
}

/**
 * Creates the real probe runner: each probe is one child forked by the shared probe helper
 * (src/probes/probe-helper.ts), never this process: the lookup of a random name, and for the
 * write probe a token written with O_CREAT|O_EXCL|O_NOFOLLOW, fsynced and read back in
 * `<mountpoint>/.ha-mount/<host>/`. The caller owns the deadline and calls `kill()`.
 */
export function createProbeRunner(helper: ProbeHelperPort = sharedProbeHelper(), now: () => number = () => performance.now()): ProbeRunner {
  return (target: ProbeTarget): RunningProbe => {
    const started = now();
    const finish = (partial: Omit<ProbeResult, 'latencyMs'>): ProbeResult => ({ ...partial, latencyMs: now() - started });
    const paths = buildProbePaths(target, randomBytes(6).toString('hex'));
    const badHost = target.write ? checkHostFolderName(target.host) : undefined;
    if (badHost !== undefined) return { result: Promise.resolve(finish({ verdict: 'bad', step: 'none', detail: badHost })), exited: Promise.resolve(), kill: () => undefined };
    const probe = helper.run({
      write: target.write,
      mountpoint: target.mountpoint,
      device: target.device,
      host: target.host,
      fileName: paths.fileName,
      token: createToken(target.host),
      nonce: paths.lookup.slice(paths.lookup.lastIndexOf('-') + 1),
    });
    const where = { root: paths.mountpoint, lookup: paths.lookup, folder: paths.folder, host: paths.hostFolder, file: paths.file };
    const toResult = (end: ProbeEnd): ProbeResult => {
      if (end.kind === 'killed') return finish({ verdict: 'bad', step: 'none', detail: 'probe killed' });
      if (end.kind === 'failed') return finish({ verdict: 'bad', step: 'none', detail: `cannot run the probe: ${end.message}` });
      return finish(describeReport(end.report, where));
    };
    return { result: probe.end.then(toResult), exited: probe.exited, kill: () => probe.kill() };
  };
}
