#!/usr/bin/env node
// mount(8)'s helper for type `ha`: argv in, exit status out (mount(8)'s codes). Kept light: it runs at boot.
import './require-node.js';
import { runMountHelper } from '../src/cli/mount-helper.js';
import { ExitCode, HaMountError } from '../src/errors.js';
import { createMounterDeps } from '../src/mount/mounter-deps.js';
import { runCommand } from '../src/exec/run.js';
import { escapeControl } from '../src/text/escape-control.js';

try {
  await runMountHelper(process.argv.slice(2), createMounterDeps(runCommand), {
    print: (line) => process.stdout.write(`${escapeControl(line, { keepNewlines: true })}\n`),
    printError: (line) => process.stderr.write(`${escapeControl(line, { keepNewlines: true })}\n`),
  });
  process.exitCode = ExitCode.OK;
} catch (error) {
  const known = error instanceof HaMountError;
  process.stderr.write(`mount.ha: ${escapeControl(known ? error.message : `internal error: ${error instanceof Error ? error.stack ?? error.message : String(error)}`, { keepNewlines: true })}\n`);
  process.exitCode = known ? error.exitCode : ExitCode.INTERNAL;
}
