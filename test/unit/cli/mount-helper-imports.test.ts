import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** Every package and file a module loads at run time (type-only imports are erased by tsc). */
function runtimeImports(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string): void => {
    if (files.has(file)) return;
    files.add(file);
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/^(?:import|export)\s+(?!type\b)[^;]*?from\s+'([^']+)'/gms)) {
      const target = match[1] ?? '';
      if (target.startsWith('.')) visit(resolve(dirname(file), target.replace(/\.js$/, '.ts')));
      else packages.add(target);
    }
  };
  visit(resolve(root, entry));
  return { files, packages };
}

describe('mount.ha start-up', () => {
  it('when bin/mount.ha.ts is loaded then no logger, mailer, YAML parser, commander or execa comes with it', () => {
    const { packages } = runtimeImports('bin/mount.ha.ts');
    const heavy = [...packages].filter((name) => !name.startsWith('node:'));
    expect(heavy).toEqual([]);
  });
  it('when bin/mount.ha.ts is loaded then it runs its commands through the one runner of src/exec/, which loads no package', () => {
    const { files } = runtimeImports('bin/mount.ha.ts');
    expect([...files].some((file) => file.endsWith('src/exec/run.ts'))).toBe(true);
    expect([...runtimeImports('src/exec/run.ts').packages].filter((name) => !name.startsWith('node:'))).toEqual([]);
  });
  it('when ha-mount\'s program is loaded then commander does come (the check can see packages)', () => {
    expect(runtimeImports('src/cli/program.ts').packages.has('commander')).toBe(true);
  });
});
