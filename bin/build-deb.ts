#!/usr/bin/env node
// `npm run deb`: builds ha-mount_<version>_<arch>.deb from this built tree (argv: [OUT_DIR]).
import { describeFailure } from '../src/cli/program.js';
import { buildDeb } from '../src/package/build-deb.js';

try {
  const deb = await buildDeb(process.argv[2] === undefined ? {} : { outDir: process.argv[2] });
  process.stdout.write(`${deb}\n`);
} catch (error) {
  const failure = describeFailure(error);
  process.stderr.write(`build-deb: ${failure.message ?? String(error)}\n`);
  process.exitCode = failure.exitCode;
}
