import { ExitCode, HaMountError } from '../errors.js';
import type { Command } from '../types.js';

// Linux refuses execve() with E2BIG when one argument is 32 pages (MAX_ARG_STRLEN, 128 KiB with its
// NUL) or longer, or when the arguments and the environment together pass a quarter of the stack
// limit (2 MiB with the usual 8 MiB): Node then throws "spawn E2BIG" out of spawn() itself.
const ARG_MAX_BYTES = 128 * 1024 - 1;
const ARGV_MAX_BYTES = 1024 * 1024;

/** Why the kernel would refuse to start `command` (an argument or the whole argv too long), or undefined. Pure. */
export function describeArgvTooLong(command: Command): string | undefined {
  const sizes = [command.file, ...command.args].map((arg) => Buffer.byteLength(arg));
  const longest = sizes.reduce((at, size, index) => (size > (sizes[at] ?? 0) ? index : at), 0);
  const size = sizes[longest] ?? 0;
  if (size > ARG_MAX_BYTES) {
    return `${longest === 0 ? 'its program path' : `its argument ${longest}`} is ${size} bytes, over the kernel's ${ARG_MAX_BYTES + 1}-byte limit for one argument`;
  }
  const total = sizes.reduce((sum, each) => sum + each + 1, 0);
  if (total > ARGV_MAX_BYTES) return `its arguments are ${total} bytes together, over the ${ARGV_MAX_BYTES} bytes ha-mount passes to one command`;
  return undefined;
}

/** Throws a usage error (exit 1) naming the program when the kernel would refuse its argv; the argv itself is not echoed. */
export function assertArgvFits(command: Command): void {
  const problem = describeArgvTooLong(command);
  if (problem === undefined) return;
  const program = command.file.length > 200 ? `${command.file.slice(0, 200)}...` : command.file;
  throw new HaMountError('ha-mount.exec.too-long', `cannot run ${program}: ${problem}; shorten the options, paths or server list that went into it`, ExitCode.USAGE);
}
