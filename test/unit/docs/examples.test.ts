import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load-config.js';
import { parseMetricsConfig } from '../../../src/metrics/metrics-config.js';
import { parseNotifyConfig } from '../../../src/notify/notify-config.js';

const repo = resolve(import.meta.dirname, '../../..');

/** The first ```yaml block of a markdown file, without hook lines (their scripts do not exist here). */
function yamlExample(file: string): string {
  const text = readFileSync(join(repo, file), 'utf8');
  const block = /```yaml\n([\s\S]*?)```/.exec(text)?.[1] ?? '';
  return block.split('\n').filter((line) => !/^\s+(hooks|notify):\s+\/|^\s+hooks:\s*$/.test(line)).join('\n');
}

describe('config examples in the docs', () => {
  it.each(['README.md', 'docs/config.md', 'docs/mail.md'])('when the example of %s is loaded then it is valid, and mail to a local relay gets security auto on port 25', (file) => {
    const config = parseConfig(`/etc/ha-mount/${file}.yaml`, yamlExample(file));
    const notify = parseNotifyConfig(config.sections.notify, { env: {} });
    expect(notify.email?.smtp).toMatchObject({ host: '127.0.0.1', port: 25, security: 'auto' });
    parseMetricsConfig(config.sections.metrics);
    if (file !== 'docs/mail.md') expect(config.mounts.map((mount) => mount.backend)).toEqual(['glusterfs', 'moosefs']);
  });
});
