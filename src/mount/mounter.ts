// The core mount path: preflight, resolve, build argv, run with a deadline, verify the mount shows
// in /proc/self/mountinfo (and, where the form is ambiguous, that the right client serves it), and
// on failure take down what the attempt left and fall through to the next reachable server.
import type { Backend, BackendEnvironment } from '../backends/backend.js';
import { sleep } from '../clock.js';
import { readMfsmountEnvironment } from '../backends/mfsmount-version.js';
import { getBackend } from '../backends/registry.js';
import { formatServer } from '../config/validate.js';
import { DEFAULTS } from '../defaults.js';
import { ExitCode, HaMountError } from '../errors.js';
import { describeFailure, formatCommand } from './command-text.js';
import { formatVerdict, resolveServers, type Candidate, type Resolution } from '../resolve/resolve-servers.js';
import { buildServerChoice } from '../resolve/server-choice.js';
import type { Command, MountSpec, ServerAddress } from '../types.js';
import type { MountOutcome } from './mounter-api.js';
import type { MounterDeps } from './mounter-deps.js';
import { cleanUpAttempt, findNewDaemons, findNewMount, takeBaseline, type AttemptBaseline } from './attempt-cleanup.js';
import { describeOtherClient } from './daemon-identity.js';
import type { RunResult } from '../exec/run.js';
import { assertRoot, checkMountpoint, findOwnMount, readMountInfo } from './preflight.js';

export { findOwnMount } from './preflight.js';
export { unmountMountpoint, type UnmountOutcome } from './unmount.js';

/** Options of one mount call. */
export interface MountCallOptions {
  /** servers that failed just now: tried last (the supervisor's rotation) */
  avoid?: readonly ServerAddress[];
  /** a resolution the caller already made (with the same `avoid`): used instead of a second check */
  resolution?: Resolution;
  /** resolve and build the command, run nothing (`--dry-run`, mount.ha -f); root not required */
  dryRun?: boolean;
  /** deadline of one mount command (default DEFAULTS.commands.mountTimeoutMs) */
  mountTimeoutMs?: number;
  /** wait for every server's verdict instead of returning once the preferred one answered (-v) */
  waitForAll?: boolean;
  /** called with the verdicts as soon as resolution is done (for -v before a slow mount) */
  onResolved?: (resolution: Resolution) => void;
}

function candidateLabel(candidate: Candidate): string {
  const written = formatServer(candidate.server);
  const address = formatServer({ host: candidate.address, port: candidate.port });
  return written === candidate.address || written === address ? address : `${written} (${address})`;
}

async function readEnvironment(backend: Backend, deps: MounterDeps): Promise<BackendEnvironment> {
  return backend.needsMfsmountVersion ? readMfsmountEnvironment(deps.runner) : {};
}

/** Waits (briefly) until the spec's mount is listed; a daemonised client may register it a moment late. */
async function waitForMount(spec: MountSpec, deps: MounterDeps): Promise<boolean> {
  const until = deps.clock.now() + DEFAULTS.commands.verifyMountMs;
  for (;;) {
    if (findOwnMount(spec, await readMountInfo(deps)) !== undefined) return true;
    if (deps.clock.now() >= until) return false;
    await sleep(deps.clock, DEFAULTS.commands.verifyPollMs);
  }
}

/**
 * Why a mount whose command returned 0 is not working, or undefined when it is: no mount, another
 * filesystem, not the volume asked for, or served by another project's client (MooseFS and
 * LizardFS mounts look alike in mountinfo: only the daemon tells them apart).
 */
async function judgeMount(spec: MountSpec, backend: Backend, command: Command, baseline: AttemptBaseline, deps: MounterDeps): Promise<string | undefined> {
  const returned = `${formatCommand(command)} returned 0 but`;
  if (await waitForMount(spec, deps)) {
    if (deps.proc === undefined) return undefined;
    const other = describeOtherClient(findNewDaemons(spec.mountpoint, deps.proc, baseline), backend, spec.mountpoint);
    return other === undefined ? undefined : `${returned} the mount on ${spec.mountpoint} is ${other}`;
  }
  const appeared = findNewMount(await readMountInfo(deps), spec.mountpoint, baseline);
  if (appeared === undefined) return `${returned} no ${spec.backend} mount of ${spec.name} appeared on ${spec.mountpoint}`;
  const why = backend.recognizes(appeared) ? backend.explainMismatch?.(appeared, spec) ?? `it is not ${spec.name}` : `it is not a ${spec.backend} mount`;
  return `${returned} what appeared on ${spec.mountpoint} is ${appeared.fstype} ${appeared.source}: ${why}`;
}

/** A failed command in one line, with the backend's hint when it knows the failure. */
function describeAttemptFailure(backend: Backend, result: RunResult, timeoutMs: number): { text: string; refusesClients: boolean } {
  const text = describeFailure(result, timeoutMs);
  const known = backend.explainFailure?.(`${result.stderr}\n${result.stdout}`);
  return known === undefined ? { text, refusesClients: false } : { text: `${text}: ${known.hint}`, refusesClients: known.refusesClients };
}

/** `refusals`: how many of the failures were servers refusing clients in their current role (shadow masters). */
function noServerError(spec: MountSpec, resolution: Resolution, failures: readonly string[], refusals: number): HaMountError {
  const unreachable = resolution.verdicts.filter((verdict) => !verdict.reachable).map(formatVerdict);
  const parts = [...failures, ...unreachable];
  const port = spec.servers.some((server) => server.port !== undefined) ? 'its port' : `port ${getBackend(spec.backend).defaultPort}`;
  const refused = failures.length > 0 && refusals === failures.length;
  const advice = refused
    ? 'every server that answered refused clients (shadow masters): check that a master is active (promoted) and that the VIP points at it'
    : failures.length > 0
    ? 'check the messages above and the client log; the servers answered but the mount did not work'
    : `check that the servers run and that ${port} is open from this host, or give other servers with -s`;
  return new HaMountError(
    'ha-mount.mount.failed',
    `mount ${spec.name} on ${spec.mountpoint} failed: ${refused ? 'only shadow masters answered' : failures.length > 0 ? 'no server gave a working mount' : 'no server is reachable'}:\n  ${parts.join('\n  ')}\n${advice}`,
    ExitCode.MOUNT_FAILED,
  );
}

/**
 * Mounts `spec`: preflight (root, mountpoint), resolution, then the backend's command through the
 * first reachable server with every other one as a backup; on failure the next reachable server.
 * Throws HaMountError: 1 usage/permission, 2 system, 32 mount failure.
 */
export async function mountSpec(spec: MountSpec, deps: MounterDeps, options: MountCallOptions = {}): Promise<MountOutcome> {
  const started = deps.clock.now();
  const backend = getBackend(spec.backend);
  if (!options.dryRun) assertRoot(deps, `mounting ${spec.mountpoint}`);
  await checkMountpoint(spec, await readMountInfo(deps), deps);
  const env = await readEnvironment(backend, deps);
  // build once before any network work: a wrong mfsmount or a bad option fails fast
  const warnings: string[] = [];
  try {
    backend.buildMountCommand(spec, { chosen: spec.servers[0] ?? { host: '' }, backups: [] }, env);
  } catch (error) {
    if (!options.dryRun || !(error instanceof HaMountError) || !error.code.startsWith('ha-mount.backend.')) throw error;
    warnings.push(error.message);
  }
  const buildEnv = options.dryRun ? { ...env, dryRun: true } : env;

  let resolution = options.resolution ?? await resolveServers(spec.servers, deps.resolver, {
    defaultPort: backend.defaultPort,
    ...(options.avoid === undefined ? {} : { avoid: options.avoid }),
    ...(backend.ipv4Only ? { ipv4Only: true } : {}),
  });
  if (options.waitForAll) resolution = await resolution.rest();
  options.onResolved?.(resolution);
  const timeoutMs = options.mountTimeoutMs ?? DEFAULTS.commands.mountTimeoutMs;
  const tried = new Set<string>();
  const failures: string[] = [];
  let refusals = 0;

  for (;;) {
    const next = resolution.reachable.find((candidate) => !tried.has(`${candidate.address}|${candidate.port}`));
    if (next === undefined) {
      if (!resolution.complete) {
        resolution = await resolution.rest();
        continue;
      }
      throw noServerError(spec, resolution, failures, refusals);
    }
    tried.add(`${next.address}|${next.port}`);
    const choice = buildServerChoice(resolution.candidates, next);
    const command = backend.buildMountCommand(spec, choice, buildEnv);
    const outcome = (extra: Partial<MountOutcome>): MountOutcome => ({
      server: choice.chosen,
      backups: choice.backups,
      command,
      durationMs: deps.clock.now() - started,
      serverName: formatServer(next.server),
      verdicts: resolution.verdicts,
      ...(failures.length > 0 ? { failedAttempts: [...failures] } : {}),
      ...extra,
    });
    if (options.dryRun) return outcome({ dryRun: true, ...(warnings.length > 0 ? { warnings } : {}) });

    const baseline = await takeBaseline(spec.mountpoint, deps);
    const result = await deps.runner(command, { timeoutMs, cwd: '/' });
    if (result.spawnError !== undefined) {
      throw new HaMountError('ha-mount.system.spawn', `cannot run ${command.file} to mount ${spec.mountpoint}: ${result.spawnError}; is the ${spec.backend} client installed?`, ExitCode.SYSTEM);
    }
    const failed = result.exitCode === 0 ? undefined : describeAttemptFailure(backend, result, timeoutMs);
    const why = failed === undefined ? await judgeMount(spec, backend, command, baseline, deps) : failed.text;
    if (why === undefined) return outcome({});
    if (failed?.refusesClients === true) refusals += 1;
    try {
      const cleaned = await cleanUpAttempt(spec.mountpoint, baseline, deps);
      failures.push(`through ${candidateLabel(next)}: ${why}${cleaned.length > 0 ? ` (cleaned up: ${cleaned.join('; ')})` : ''}`);
    } catch (error) {
      if (!(error instanceof HaMountError)) throw error;
      failures.push(`through ${candidateLabel(next)}: ${why}`);
      throw new HaMountError(error.code, `mount ${spec.name} on ${spec.mountpoint} failed:\n  ${failures.join('\n  ')}\n${error.message}`, error.exitCode, { cause: error });
    }
  }
}
