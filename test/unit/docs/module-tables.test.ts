// The module tables of README.md and docs/design.md name every folder of src/, and no folder that is gone.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../../../', import.meta.url);
const srcFolders = readdirSync(new URL('src/', ROOT), { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => `src/${entry.name}/`).sort();

/** The `src/NAME/` folders named in the first column of the table under `heading`. */
function tableFolders(file: string, heading: string): string[] {
  const text = readFileSync(new URL(file, ROOT), 'utf8');
  const start = text.indexOf(heading);
  expect(start, `${file} has no "${heading}"`).toBeGreaterThanOrEqual(0);
  const rows = text.slice(start).split('\n').slice(1).filter((line) => line.startsWith('|'));
  const firstColumn = rows.map((row) => row.split('|')[1] ?? '');
  return [...new Set(firstColumn.flatMap((cell) => [...cell.matchAll(/`(src\/[a-z-]+\/)`/g)].map((match) => match[1] ?? '')))].sort();
}

describe('module tables', () => {
  it('when a folder is added to or removed from src/ then the README table says so', () => {
    expect(tableFolders('README.md', '## Source layout')).toEqual(srcFolders);
  });

  it('when a folder is added to or removed from src/ then the table of docs/design.md says so', () => {
    expect(tableFolders('docs/design.md', '## Modules')).toEqual(srcFolders);
  });
});
