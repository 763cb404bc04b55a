#!/usr/bin/env node
// mount(8)'s helper for type `ha`: argv in, exit status out (mount(8)'s codes). Kept light: it runs at boot.
import { runMountHelper } from '../src/cli/mount-helper.js';
import { ExitCode, HaMountError } from '../src/errors.js';
import { createMounterDeps } from '../src/mount/mounter-deps.js';
import { runCommand } from '../src/exec/run.js';

try {
  await runMountHelper(process.argv.slice(2), createMounterDeps(runCommand), {
    print: (line) => process.stdout.write(`${line}\n`),
    printError: (line) => process.stderr.write(`${line}\n`),
  });
  process.exitCode = ExitCode.OK;
} catch (error) {
  const known = error instanceof HaMountError;
  process.stderr.write(`mount.ha: ${known ? error.message : `internal error: ${error instanceof Error ? error.stack ?? error.message : String(error)}`}\n`);
  process.exitCode = known ? error.exitCode : ExitCode.INTERNAL;
}
