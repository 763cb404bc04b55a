import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderCommandPage } from '../../../src/cli/man/command-page.js';
import { documentedKeys, renderConfigPage } from '../../../src/cli/man/config-page.js';
import { renderManPages } from '../../../src/cli/man/generate-man.js';
import { renderHelperPage } from '../../../src/cli/man/helper-page.js';
import { escapeRoff } from '../../../src/cli/man/roff.js';
import { MOUNT_HELPER_USAGE } from '../../../src/cli/mount-helper.js';
import { MOUNT_HELPER_OPTIONS } from '../../../src/cli/mount-helper-usage.js';
import { createProgram } from '../../../src/cli/program.js';
import { HELPER_KEYS } from '../../../src/config/helper-options.js';
import { HOOK_NAMES } from '../../../src/notify/notify-config.js';

const repo = resolve(import.meta.dirname, '../../..');
/** What roff shows for `text` once `\-` and `\e` are read back. */
const plain = (roff: string): string => roff.replaceAll('\\-', '-').replaceAll('\\e', '\\').replaceAll('\\fB', '').replaceAll('\\fR', '').replaceAll('\\fI', '').replaceAll('\\&', '');

describe('man pages', () => {
  it('when ha-mount(8) is rendered then every subcommand, argument and option of the program is in it with its --help text', () => {
    const program = createProgram();
    const page = plain(renderCommandPage(program, '9.9.9'));
    expect(page).toMatch(/^\.TH HA-MOUNT 8 "" "ha-mount 9\.9\.9"/);
    for (const command of [program, ...program.commands]) {
      if (command !== program) expect(page).toContain(`ha-mount ${command.name()} ${command.usage()}`);
      for (const option of command.options) expect(page, `${command.name()} ${option.flags}`).toContain(`${option.flags}\n${option.description}`);
      for (const argument of command.registeredArguments) expect(page).toContain(argument.description);
    }
    expect(page).toContain('ha-mount mount -s 10.0.0.10 -s 10.0.0.11 rep_vol1 /data');
  });

  it('when mount.ha(8) and mount.ha -h are rendered then both list every option ha-mount takes out of -o', () => {
    const page = plain(renderHelperPage('9.9.9'));
    const documented = MOUNT_HELPER_OPTIONS.map((item) => item.term.split('=')[0]);
    expect(documented).toEqual(expect.arrayContaining(HELPER_KEYS));
    for (const item of MOUNT_HELPER_OPTIONS) {
      expect(page).toContain(`${item.term}\n${item.text}`);
      expect(MOUNT_HELPER_USAGE).toContain(item.term);
    }
  });

  it('when docs/config.md is read then every key the config parsers accept is documented in ha-mount.yaml(5)', () => {
    const sources = ['src/config/load-config.ts', 'src/config/probe-config.ts', 'src/notify/notify-config.ts', 'src/metrics/metrics-config.ts'];
    const accepted = new Set<string>(HOOK_NAMES);
    for (const file of sources) {
      const text = readFileSync(join(repo, file), 'utf8');
      for (const list of text.matchAll(/(?:rejectUnknownKeys\(|_KEYS = |_SECTIONS = )\[([^\]]*)\]/g)) {
        for (const key of (list[1] ?? '').matchAll(/'([a-z_-]+)'/g)) accepted.add(key[1] ?? '');
      }
    }
    expect(accepted.size).toBeGreaterThan(40);
    const markdown = readFileSync(join(repo, 'docs/config.md'), 'utf8');
    const missing = [...accepted].filter((key) => !documentedKeys(markdown).has(key));
    expect(missing).toEqual([]);
    const page = renderConfigPage(markdown, '9.9.9');
    expect(plain(page)).toMatch(/^\.TH HA-MOUNT\.YAML 5/);
    expect(plain(page)).toContain('security\nauto (the default) uses STARTTLS when the relay offers it');
  });

  it('when text starts with a dot or holds a backslash then roff shows it and runs no request', () => {
    expect(escapeRoff('.rm x\n\'br\nC:\\path -o')).toBe('\\&.rm x\n\\&\'br\nC:\\epath \\-o');
  });

  it('when the three pages are rendered from the package then each is a man page of its section', () => {
    const pages = renderManPages(repo);
    expect(Object.keys(pages)).toEqual(['ha-mount.8', 'mount.ha.8', 'ha-mount.yaml.5']);
    for (const [name, text] of Object.entries(pages)) expect(text.split('\n')[0]).toMatch(new RegExp(`^\\.TH \\S+ ${name.slice(-1)} `));
  });
});
