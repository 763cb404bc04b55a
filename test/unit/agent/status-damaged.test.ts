// issue 15 items 9 and 11: `ha-mount status` on a damaged or hostile status.json
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { showStatus } from '../../../src/cli/status-command.js';
import { describeFailure } from '../../../src/cli/program.js';

const NOW = Date.UTC(2026, 10, 21, 12, 0, 0);
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ha-mount-status-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const agentFields = { version: 1, pid: 4242, host: 'client1', startedAt: NOW - 60_000, updatedAt: NOW - 1_000, sources: [] };
const mount = { name: 'data', mountpoint: '/mnt/data', backend: 'glusterfs', state: 'degraded', since: NOW - 5_000, reason: 'ok', remounts: 0 };

function run(document: unknown, json = false): string[] {
  writeFileSync(join(dir, 'status.json'), JSON.stringify(document));
  const printed: string[] = [];
  showStatus({ print: (line) => printed.push(line) }, { stateDir: dir, json }, NOW, () => true);
  return printed;
}

describe('ha-mount status on a damaged status file', () => {
  it.each([
    ['a mount entry with no fields', { ...agentFields, mounts: [{}] }, 'mounts[0].name'],
    ['a mount whose since is a string', { ...agentFields, mounts: [{ ...mount, since: 'yesterday' }] }, 'mounts[0].since'],
    ['a mount entry that is null', { ...agentFields, mounts: [null] }, 'mounts[0]'],
    ['no updatedAt', { ...agentFields, updatedAt: undefined, mounts: [] }, 'updatedAt'],
  ])('when the file holds %s then status fails with a clear error, exit 2, in text and in JSON', (_what, document, field) => {
    for (const json of [false, true]) {
      let failure: ReturnType<typeof describeFailure> | undefined;
      try {
        run(document, json);
      } catch (error) {
        failure = describeFailure(error);
      }
      expect(failure).toEqual({ exitCode: 2, message: expect.stringContaining(`${field} is missing or malformed`) });
    }
  });
});

describe('ha-mount status on hostile text', () => {
  it('when a reason, server or host holds terminal escapes, CR/LF or bidi controls then they are printed escaped, in text and in JSON', () => {
    const hostile = { ...agentFields, host: 'c1\u001b]0;owned\u0007', mounts: [{ ...mount, reason: 'brick \u001b[2J\r\nfake line \u009b31m\u202e', server: '10.0.0.10\u001b[31m' }] };
    const text = run(hostile).join('\n');
    const json = run(hostile, true).join('\n');
    for (const output of [text, json]) {
      expect(output).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
      expect(output).toContain('\\u001b[2J');
    }
    // agent line, table header, the row, a blank line and the degraded mount's line: no forged line
    expect(text.split('\n')).toHaveLength(5);
    expect(text.split('\n')[4]).toMatch(/^data \(\/mnt\/data\) DEGRADED for 5s, since .*: brick \\u001b\[2J\\r\\nfake line/);
    expect(text).toContain('brick \\u001b[2J\\r\\nfake line \\u009b31m\\u202e');
  });
});
