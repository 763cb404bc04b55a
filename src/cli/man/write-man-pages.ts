// `npm run build` runs this after tsc: `node dist/src/cli/man/write-man-pages.js` writes
// ha-mount.8, mount.ha.8 and ha-mount.yaml.5 to dist/man/ (or the folder given).
import { join } from 'node:path';
import { findPackageRoot } from '../../install/package-root.js';
import { MAN_OUTPUT_DIR, writeManPages } from './generate-man.js';

for (const path of writeManPages(process.argv[2] ?? join(findPackageRoot(), MAN_OUTPUT_DIR))) process.stdout.write(`wrote ${path}\n`);
