import type { Command } from 'commander';
import type { CliContext } from './program.js';

/** `ha-mount demo [--keep] [--clean]`: the first command a new user runs (needs root and /dev/fuse). */
export function registerDemoCommand(program: Command, context: CliContext): void {
  program
    .command('demo')
    .description('bring up a local GlusterFS + keepalived lab in network namespaces, mount through the VIP, inject faults and show what ha-mount does')
    .option('--keep', 'leave the lab, the agent and the SMTP sink running at the end')
    .option('--clean', 'remove labs left by earlier runs (e.g. after --keep) and exit')
    .option('--prefix <name>', 'name prefix of the lab (default: random)')
    .action(async (options: { keep?: boolean; clean?: boolean; prefix?: string }) => {
      // the demo and the lab load only for this command: the agent never needs them (issue 16)
      const [{ runDemo }, { sweepStaleLabs }] = await Promise.all([import('../demo/demo.js'), import('../lab/lab.js')]);
      if (options.clean) {
        await sweepStaleLabs({ includeKept: true, onProgress: (message) => context.print(message) });
        context.print('no lab of an earlier run is left');
        return;
      }
      const terminal = process.stdout.isTTY === true;
      await runDemo({
        keep: options.keep === true,
        ...(options.prefix === undefined ? {} : { prefix: options.prefix }),
        output: {
          line: (text) => context.print(text),
          colour: terminal,
          ...(terminal && process.stdout.columns > 0 ? { columns: process.stdout.columns } : {}),
          ...(terminal ? { redraw: (lines: string[]) => process.stdout.write(`\x1b[H\x1b[2J${lines.join('\n')}\n`) } : {}),
        },
      });
    });
}
