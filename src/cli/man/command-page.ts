// ha-mount(8) rendered from the commander program itself: every subcommand, argument and option
// with the text `--help` shows, so the page cannot drift from the help.
import type { Command } from 'commander';
import { MOUNT_EXAMPLES } from '../mount-command.js';
import { escapeRoff, inlineRoff, tagged, titleLine, verbatim } from './roff.js';

/** Text of ha-mount(8) outside the program's own definitions. */
const DESCRIPTION = [
  'ha-mount mounts GlusterFS, MooseFS and LizardFS volumes through the first server that answers (a VIP first, then backups), and its agent keeps them working: it probes each mount out of process, tells a dead FUSE client, an unreachable cluster, a hung mount and a degraded one apart, remounts only what a remount repairs, and tells people once, with the reason.',
  '`mount` is the default command: `ha-mount rep_vol1 /data` mounts the config file\'s entry `rep_vol1`.',
];

const EXIT_STATUS: [string, string][] = [
  ['0', 'success'],
  ['1', 'usage or permissions: a bad argument, option or config file'],
  ['2', 'system error (an SMTP relay that failed, a missing command)'],
  ['4', 'internal error'],
  ['32', 'mount failure: no server answered, or the mount command failed'],
  ['64', 'some mounts succeeded'],
];

function optionLines(command: Command): string[] {
  return command.options.filter((option) => !option.hidden).flatMap((option) => tagged(option.flags, option.description));
}

/** The subcommand's synopsis line: `ha-mount NAME USAGE`. */
function synopsis(command: Command): string {
  return `ha-mount ${command.name()} ${command.usage()}`.trim();
}

/** Renders ha-mount(8) from `program` (createProgram()). */
export function renderCommandPage(program: Command, version: string): string {
  const lines: string[] = [
    titleLine('ha-mount', 8, version),
    '.SH NAME',
    `ha\\-mount \\- ${escapeRoff(program.description())}`,
    '.SH SYNOPSIS',
    ...program.commands.flatMap((command) => ['.B', escapeRoff(synopsis(command)), '.br']),
    '.SH DESCRIPTION',
    ...DESCRIPTION.flatMap((paragraph) => ['.PP', inlineRoff(paragraph)]),
    '.SH GLOBAL OPTIONS',
    ...optionLines(program),
    '.SH COMMANDS',
  ];
  for (const command of program.commands) {
    lines.push('.SS', escapeRoff(synopsis(command)), inlineRoff(command.description()));
    for (const argument of command.registeredArguments) lines.push(...tagged(argument.required ? `<${argument.name()}>` : `[${argument.name()}]`, argument.description));
    lines.push(...optionLines(command));
    if (command.name() === 'mount') lines.push('.PP', 'Examples:', ...verbatim(MOUNT_EXAMPLES.trim().split('\n').slice(1).map((line) => line.trim())));
  }
  lines.push(
    '.SH EXIT STATUS',
    "mount(8)'s codes, so that mount(8) and systemd read them; `check` alone uses Nagios's (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN).".replace(/`([^`]+)`/g, '\\fB$1\\fR'),
    ...EXIT_STATUS.flatMap(([code, text]) => tagged(code, text)),
    '.SH FILES',
    ...tagged('/etc/ha-mount/ha-mount.yaml', 'the config file, see ha-mount.yaml(5)'),
    ...tagged('/run/ha-mount/status.json', "the agent's status, read by `ha-mount status`"),
    ...tagged('/etc/fstab', 'lines of type `ha` are mounted by mount.ha(8) and watched by the agent'),
    '.SH SEE ALSO',
    'mount.ha(8), ha\\-mount.yaml(5), mount(8), fstab(5), mount.glusterfs(8), mfsmount(8)',
  );
  return `${lines.join('\n')}\n`;
}
