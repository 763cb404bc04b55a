// `npm run soak -- --minutes N [--seed S] [--out DIR] [--report-only]`: random faults from the bench's list while
// four writers write checksummed files and fsync through ha-mount mounts (3 GlusterFS, 1
// MooseFS, one agent); afterwards every acknowledged write is read back and verified, and the
// agent is checked: no orphaned FUSE daemon, no leaked fd, no crash, mails = transitions.
// Writes SOAK.md and soak.json. Run as root; the lab is torn down at the end and on Ctrl-C.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULTS } from '../src/defaults.js';
import { waitUntil } from '../src/lab/lab-access.js';
import { startLab } from '../src/lab/lab.js';
import type { Lab } from '../src/lab/lab-types.js';
import { installBenchCleanup, stopEverything, trackChild, trackLab, untrackLab } from './children.js';
import { parseAgentTransitions, type LoggedTransition } from './logs.js';
import { describeMachine } from './machine.js';
import { countOpenFiles, readRssKb } from '../src/lab/procs.js';
import { findDaemons, isMounted, sleep, spawnLogged, type Spawned } from './processes.js';
import { readAgentStatus, startAgent, unmountAll } from './setups.js';
import { createRandom, injectSoakFault, pickFault, type SoakFault, type SoakMount } from './soak-faults.js';
import { renderSoakMarkdown, type SoakResults } from './soak-report.js';
import { compareMails, parseSinkOutput, verifyManifest } from './soak-verify.js';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const DIST = join(ROOT, 'dist');
const SMTP_PORT = 2525;
/** how long a fault and the recovery after it usually take */
const SOAK_FAULT_ESTIMATE_MS: Record<SoakFault, number> = {
  'kill-daemon': 5_000,
  'vip-crash': 25_000,
  'vip-partition': 55_000,
  'all-down': 60_000,
  'moosefs-failover': 20_000,
};

const progress = (message: string): void => {
  process.stderr.write(`[soak ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
};

interface SoakOptions {
  minutes: number;
  seed: number;
  out: string;
}

function parseSoakArgs(argv: readonly string[]): SoakOptions {
  const value = (flag: string): string | undefined => {
    const index = argv.indexOf(flag);
    return index >= 0 ? argv[index + 1] : undefined;
  };
  const minutes = Number(value('--minutes') ?? '10');
  if (!Number.isFinite(minutes) || minutes <= 0) throw new Error(`--minutes: expected a positive number, got "${value('--minutes')}"`);
  const seed = Number(value('--seed') ?? Date.now() % 1_000_000);
  return { minutes, seed, out: value('--out') ?? join(ROOT, 'bench/results') };
}

/** The node process of the agent (nsenter execs it in place, so normally the spawned pid). */
function agentPid(agent: Spawned): number {
  return agent.child.pid ?? -1;
}

/** ms from `at` until the agent logged its mounts healthy again after the first change the fault caused; 0: no change logged. */
function measureHealthyAgain(transitions: readonly LoggedTransition[], at: number): number | null {
  const firstBad = transitions.find((transition) => transition.t >= at && transition.to !== 'healthy');
  if (firstBad === undefined) return 0;
  const affected = new Set(transitions.filter((transition) => transition.t >= at && transition.t < firstBad.t + 5_000 && transition.to !== 'healthy').map((transition) => transition.mount));
  let last = firstBad.t;
  for (const mount of affected) {
    const back = transitions.find((transition) => transition.mount === mount && transition.t > firstBad.t && transition.to === 'healthy');
    if (back === undefined) return null;
    last = Math.max(last, back.t);
  }
  return last - at;
}

function allHealthy(stateDir: string, count: number): boolean {
  const status = readAgentStatus(stateDir);
  return status?.mounts.length === count && status.mounts.every((mount) => mount.state === 'healthy');
}

function saveSoak(results: SoakResults, out: string): void {
  mkdirSync(out, { recursive: true });
  for (const [name, text] of [['soak.json', `${JSON.stringify(results, null, 1)}\n`], ['SOAK.md', renderSoakMarkdown(results)]] as const) {
    writeFileSync(join(out, `${name}.tmp`), text);
    renameSync(join(out, `${name}.tmp`), join(out, name));
  }
}

async function runSoak(options: SoakOptions): Promise<SoakResults> {
  const workDir = mkdtempSync('/tmp/ha-mount-soak-');
  progress(`logs and manifests under ${workDir}; seed ${options.seed}`);
  const random = createRandom(options.seed);
  const lab: Lab = await startLab({ gluster: true, moosefs: true, onProgress: (message) => progress(`[lab] ${message}`) });
  trackLab(lab);
  const mounts: SoakMount[] = [
    ...[1, 2, 3].map((index) => ({ name: `gfs${index}`, mountpoint: join(lab.dir, 'soak', `gfs${index}`), backend: 'glusterfs' as const })),
    { name: 'mfs1', mountpoint: join(lab.dir, 'soak', 'mfs1'), backend: 'moosefs' },
  ];
  for (const mount of mounts) mkdirSync(mount.mountpoint, { recursive: true });
  const writers: Spawned[] = [];
  let agent: Spawned | undefined;
  let sink: Spawned | undefined;
  const stateDir = join(workDir, 'state');
  const agentLog = join(workDir, 'agent.log');
  const sinkOut = join(workDir, 'smtp-sink.jsonl');
  const faults: SoakResults['faults'] = [];
  try {
    sink = trackChild(spawnLogged(lab.clientCommand({ file: process.execPath, args: [join(DIST, 'src/demo/smtp-sink.js'), String(SMTP_PORT)] }), sinkOut));
    await waitUntil('SMTP sink listening', () => existsSync(sinkOut) && readFileSync(sinkOut, 'utf8').includes('listening'), 15_000);
    const notify = ['notify:', '  email:', '    to: [ops@soak.lab]', '    from: ha-mount@client.soak.lab', '    smtp:', '      host: 127.0.0.1', `      port: ${SMTP_PORT}`, '      security: none'];
    agent = startAgent(lab, { dir: workDir, backend: 'glusterfs', mounts, log: agentLog, stateDir, extraConfig: notify, nodeArgs: DEFAULTS.agent.nodeFlags });
    await waitUntil('agent healthy on every soak mount', () => allHealthy(stateDir, mounts.length), 60_000, 200);
    await sleep(3_000);
    const pid = agentPid(agent);
    const fdBefore = countOpenFiles(pid) ?? -1;
    const rssBefore = readRssKb(pid) ?? -1;
    for (const mount of mounts) {
      // one folder per writer: the three GlusterFS mounts share one volume, and writers must never race for a name
      const dir = join(mount.mountpoint, `soak-${mount.name}`);
      mkdirSync(dir, { recursive: true });
      writers.push(trackChild(spawnLogged({ file: process.execPath, args: [join(DIST, 'bench/soak-writer.js'), dir, '--manifest', join(workDir, `manifest-${mount.name}.jsonl`)] }, join(workDir, `writer-${mount.name}.err`))));
    }
    const started = Date.now();
    const endAt = started + options.minutes * 60_000;
    let failoverDone = false;
    await sleep(Math.min(5_000, options.minutes * 10_000));
    while (Date.now() < endAt - 20_000) {
      const fault = pickFault(random, failoverDone);
      // no fault that would outlast the soak (a daemon kill always fits)
      if (Date.now() + SOAK_FAULT_ESTIMATE_MS[fault] > endAt) continue;
      if (fault === 'moosefs-failover') failoverDone = true;
      const at = Date.now();
      progress(`fault: ${fault}`);
      const what = await injectSoakFault(lab, fault, mounts, random);
      // the next fault only once the agent has seen this one and repaired (or waited it out)
      await sleep(1_500);
      const healthy = await waitUntil('agent healthy again', () => allHealthy(stateDir, mounts.length), 180_000, 200).then(() => true, () => false);
      faults.push({ at, fault, what, healthyAfterMs: null });
      if (!healthy) progress(`agent not healthy 180 s after ${fault}: ${JSON.stringify(readAgentStatus(stateDir)?.mounts.map((mount) => [mount.name, mount.state, mount.reason]))}`);
      await sleep(Math.round(3_000 + random() * 7_000));
    }
    await sleep(Math.max(0, endAt - Date.now()));
    const ranMs = Date.now() - started;
    progress('stopping writers; checking the agent');
    await Promise.all(writers.map((writer) => writer.stop()));
    await waitUntil('agent healthy at the end', () => allHealthy(stateDir, mounts.length), 120_000, 200).catch(() => undefined);
    await sleep(3_000);
    const agentAlive = agent.child.exitCode === null && agent.child.signalCode === null;
    const fdAfter = countOpenFiles(pid) ?? -1;
    const rssAfter = readRssKb(pid) ?? -1;
    const daemons = mounts.map((mount) => ({ mount: mount.name, mounted: isMounted(mount.mountpoint), daemons: findDaemons(mount.mountpoint, mount.backend).length }));
    const finalStates = (readAgentStatus(stateDir)?.mounts ?? []).map((mount) => ({ mount: mount.name, state: mount.state, remounts: mount.remounts }));
    progress('stopping the agent (it drains its mail queue; the mounts stay as they are)');
    await agent.stop();
    const agentExit = { code: agent.child.exitCode, signal: agent.child.signalCode };
    // read back only now: a running agent may still remount (lazy unmount, mount again), and while
    // a mountpoint is not mounted its paths fall through to the local empty folder (ENOENT for all).
    // The stopped agent leaves the mounts as they are; a mount that is not there counts as unreadable.
    progress('reading back every acknowledged write');
    const verify = [];
    for (const mount of mounts) {
      const stats = join(workDir, `manifest-${mount.name}.jsonl.stats`);
      const counts = existsSync(stats) ? (JSON.parse(readFileSync(stats, 'utf8')) as { acked: number; failed: number }) : { acked: 0, failed: 0 };
      const readFrom = Date.now();
      const row = { mount: mount.name, failedWrites: counts.failed, ...(await verifyManifest(join(workDir, `manifest-${mount.name}.jsonl`), () => isMounted(mount.mountpoint))) };
      progress(`${mount.name}: ${row.verified}/${row.acked} verified, ${row.missing} missing, ${row.corrupted} corrupted, ${row.unreadable} unreadable in ${Date.now() - readFrom} ms`);
      verify.push(row);
    }
    progress('comparing mails with transitions');
    await sleep(1_500);
    const logText = readFileSync(agentLog, 'utf8');
    const transitions = parseAgentTransitions(logText);
    const mails = parseSinkOutput(readFileSync(sinkOut, 'utf8'));
    for (const fault of faults) {
      fault.healthyAfterMs = measureHealthyAgain(transitions, fault.at);
      fault.at -= started;
    }
    const crashLines = logText.split('\n').filter((line) => /"level":60|uncaught|unhandled/i.test(line)).length;
    return {
      generatedAt: new Date().toISOString(),
      command: `npm run soak -- ${process.argv.slice(2).join(' ')}`.trim(),
      seed: options.seed,
      minutesAsked: options.minutes,
      ranMs,
      machine: await describeMachine(),
      agent: 'ha-mount agent (the CLI, notifications wired)',
      mailPolicy: { coalesceMs: DEFAULTS.notify.coalesceMs, rateLimitCount: DEFAULTS.notify.rateLimitCount, rateLimitWindowMs: DEFAULTS.notify.rateLimitWindowMs },
      faults,
      verify,
      agentCheck: { alive: agentAlive, exit: agentExit, crashLines, fdBefore, fdAfter, rssKbBefore: rssBefore, rssKbAfter: rssAfter, finalStates },
      daemons,
      mails: compareMails(transitions, mails),
      mailCount: mails.length,
    };
  } finally {
    await Promise.all(writers.map((writer) => writer.stop()));
    await agent?.stop();
    await sink?.stop();
    for (const mount of mounts) await unmountAll(mount.mountpoint, mount.backend).catch(() => undefined);
    untrackLab(lab);
    await lab.stop();
  }
}

const options = parseSoakArgs(process.argv.slice(2));
installBenchCleanup();
if (process.argv.includes('--report-only')) {
  // regenerate SOAK.md from soak.json, measure nothing
  saveSoak(JSON.parse(readFileSync(join(options.out, 'soak.json'), 'utf8')) as SoakResults, options.out);
  process.exit(0);
}
try {
  const results = await runSoak(options);
  saveSoak(results, options.out);
  progress(`done: ${renderSoakMarkdown(results).split('\n').find((line) => line.startsWith('**Result')) ?? ''}; ${join(options.out, 'SOAK.md')}`);
} finally {
  await stopEverything();
}
