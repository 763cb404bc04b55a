#!/usr/bin/env node
// argv in, exit status out: usage errors 1, HaMountError its mount(8) code, anything else 4.
import './require-node.js';
import { describeFailure, runCli } from '../src/cli/program.js';

try {
  process.exitCode = await runCli(process.argv.slice(2));
} catch (error) {
  const failure = describeFailure(error);
  if (failure.message !== undefined) process.stderr.write(`ha-mount: ${failure.message}\n`);
  process.exitCode = failure.exitCode;
}
