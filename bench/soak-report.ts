// The soak's results and SOAK.md made from them, with the verdict of each check. Pure.
import type { MachineInfo } from './machine.js';
import type { SoakFault } from './soak-faults.js';
import type { MailComparison, VerifyResult } from './soak-verify.js';

/** Everything one `npm run soak` found. */
export interface SoakResults {
  generatedAt: string;
  command: string;
  seed: number;
  minutesAsked: number;
  ranMs: number;
  machine: MachineInfo;
  agent: string;
  /** the mail coalescing and rate limit the agent ran with (its defaults) */
  mailPolicy?: { coalesceMs: number; rateLimitCount: number; rateLimitWindowMs: number };
  /** ms from the start; healthyAfterMs: from the injection until the agent logged every mount the fault touched healthy again (0: no change logged; null: never) */
  faults: Array<{ at: number; fault: SoakFault; what: string; healthyAfterMs: number | null }>;
  verify: Array<VerifyResult & { mount: string; failedWrites: number }>;
  agentCheck: {
    alive: boolean;
    exit: { code: number | null; signal: string | null };
    crashLines: number;
    fdBefore: number;
    fdAfter: number;
    rssKbBefore: number;
    rssKbAfter: number;
    finalStates: Array<{ mount: string; state: string; remounts: number }>;
  };
  daemons: Array<{ mount: string; mounted: boolean; daemons: number }>;
  mails: MailComparison[];
  mailCount: number;
}

/** Each check and whether it passed. Pure. */
export function judgeSoak(results: SoakResults): Array<{ check: string; ok: boolean; detail: string }> {
  const lost = results.verify.reduce((sum, row) => sum + row.missing + row.corrupted + row.unreadable, 0);
  const acked = results.verify.reduce((sum, row) => sum + row.acked, 0);
  const { agentCheck } = results;
  const orphans = results.daemons.filter((row) => row.daemons !== (row.mounted ? 1 : 0));
  const mailMismatch = results.mails.filter((row) => row.changesInMails !== row.transitions);
  return [
    { check: 'every acknowledged write reads back with its sha256', ok: lost === 0 && acked > 0, detail: `${acked} acknowledged, ${lost} lost or corrupted` },
    { check: 'no orphaned FUSE daemon (exactly one per mounted mountpoint)', ok: orphans.length === 0, detail: results.daemons.map((row) => `${row.mount}: ${row.daemons} daemon(s), ${row.mounted ? 'mounted' : 'NOT mounted'}`).join('; ') },
    { check: 'no leaked fd (agent /proc/PID/fd before and after, +2 allowed)', ok: agentCheck.fdAfter >= 0 && agentCheck.fdAfter <= agentCheck.fdBefore + 2, detail: `${agentCheck.fdBefore} -> ${agentCheck.fdAfter}` },
    { check: 'no agent crash (alive at the end, clean exit on SIGTERM, no fatal/uncaught log line)', ok: agentCheck.alive && agentCheck.exit.code === 0 && agentCheck.crashLines === 0, detail: `alive ${agentCheck.alive}, exit ${agentCheck.exit.code ?? agentCheck.exit.signal}, fatal lines ${agentCheck.crashLines}` },
    {
      check: 'mails = transitions (per mount: changes the mails stand for = transitions logged)',
      ok: mailMismatch.length === 0 && results.mails.length > 0,
      detail: results.mails.map((row) => `${row.mount}: ${row.transitions} transitions, ${row.mails} mails standing for ${row.changesInMails}`).join('; '),
    },
  ];
}

function describeMailPolicy(policy: SoakResults['mailPolicy']): string {
  if (policy === undefined) return 'see src/defaults.ts';
  return `coalesce ${policy.coalesceMs / 1000} s, at most ${policy.rateLimitCount} mails per mount per ${policy.rateLimitWindowMs / 60_000} min`;
}

/** SOAK.md. Pure. */
export function renderSoakMarkdown(results: SoakResults): string {
  const checks = judgeSoak(results);
  const passed = checks.every((check) => check.ok);
  const counts = new Map<string, number>();
  for (const fault of results.faults) counts.set(fault.fault, (counts.get(fault.fault) ?? 0) + 1);
  const healed = results.faults.flatMap((fault) => (fault.healthyAfterMs === null ? [] : [fault.healthyAfterMs]));
  const lines = [
    '# ha-mount chaos soak',
    '',
    `Generated ${results.generatedAt} by \`${results.command}\` (seed ${results.seed}; replay the same fault sequence with \`--seed ${results.seed}\`).`,
    '',
    `**Result: ${passed ? 'PASS' : 'FAIL'}** after ${(results.ranMs / 60_000).toFixed(1)} minutes of faults (${results.minutesAsked} asked).`,
    '',
    `Machine: ${results.machine.nproc} CPU, ${results.machine.memoryGiB} GiB, kernel ${results.machine.kernel}; ${Object.entries(results.machine.versions).map(([name, version]) => `${name} ${version}`).join(', ')}.`,
    '',
    '## What ran',
    '',
    `- One agent (${results.agent}), probe interval 1 s, watching 4 mounts: 3 GlusterFS mounts of rep_vol1 (VIP + both servers) and 1 MooseFS mount (VIP), all in the lab's client namespace.`,
    '- Four writers (`bench/soak-writer.ts`), one per mount, each writing files of 1 B to 64 KiB of random data, fsync, close, every 20 ms; a write counts as acknowledged when write, fsync and close all returned success, and only then goes into the writer\'s manifest (on local disk) with its sha256. Nothing is deleted.',
    '- Random faults (seeded): FUSE daemon killed (one random mount), VIP holder crashed 5-15 s, VIP holder partitioned 10-30 s, every GlusterFS server down 30 s, and at most one MooseFS master failover (the lab supports one per run). The next fault comes 3-10 s after the agent reports every mount healthy again.',
    `- Mails: a local SMTP sink (\`src/demo/smtp-sink.ts\`) in the client namespace; the agent mails with its default coalescing and rate limit (${describeMailPolicy(results.mailPolicy)}; held changes are folded into the next mail, and flushed at shutdown). Compared: per mount, the number of state changes the mails stand for (a mail whose subject says "(N changes" counts N, any other 1) against the transitions (from != to) in the agent's log. Mails are counted after the agent was stopped with SIGTERM (it drains its queue).`,
    '',
    `Faults injected (${results.faults.length}): ${[...counts].map(([fault, count]) => `${fault} ${count}`).join(', ')}. Agent healthy again after each (from the injection to the last mount it touched logged healthy, by the agent's log): median ${healed.length > 0 ? `${(healed.sort((a, b) => a - b)[Math.floor(healed.length / 2)]! / 1000).toFixed(1)} s` : '—'}, max ${healed.length > 0 ? `${(Math.max(...healed) / 1000).toFixed(1)} s` : '—'}${healed.length < results.faults.length ? `; ${results.faults.length - healed.length} never` : ''}.`,
    '',
    '## Checks',
    '',
    '| check | result | detail |',
    '|---|---|---|',
    ...checks.map((check) => `| ${check.check} | ${check.ok ? 'pass' : '**FAIL**'} | ${check.detail} |`),
    '',
    '## Writes per mount',
    '',
    '| mount | acknowledged | verified | missing | corrupted | unreadable | writes that failed (not acknowledged) |',
    '|---|---|---|---|---|---|---|',
    ...results.verify.map((row) => `| ${row.mount} | ${row.acked} | ${row.verified} | ${row.missing} | ${row.corrupted} | ${row.unreadable} | ${row.failedWrites} |`),
    '',
    `Agent: RSS ${(results.agentCheck.rssKbBefore / 1024).toFixed(1)} MiB before, ${(results.agentCheck.rssKbAfter / 1024).toFixed(1)} MiB after; final states ${results.agentCheck.finalStates.map((row) => `${row.mount} ${row.state} (${row.remounts} remounts)`).join(', ')}.`,
    '',
  ];
  const examples = results.verify.flatMap((row) => row.examples);
  if (examples.length > 0) lines.push('Examples of what did not verify:', '', ...examples.map((example) => `- \`${example}\``), '');
  lines.push('## Fault log', '', '| at | fault | what | agent healthy after |', '|---|---|---|---|');
  for (const fault of results.faults) lines.push(`| ${(fault.at / 1000).toFixed(0)} s | ${fault.fault} | ${fault.what} | ${fault.healthyAfterMs === null ? 'never' : `${(fault.healthyAfterMs / 1000).toFixed(1)} s`} |`);
  return `${lines.join('\n')}\n`;
}
