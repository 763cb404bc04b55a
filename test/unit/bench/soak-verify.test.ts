// After the soak (bench/soak-verify.ts): reading back acknowledged writes, and mails against transitions.
import { createHash, randomBytes } from 'node:crypto';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LoggedTransition } from '../../../bench/logs.js';
import { compareMails, countChangesInMail, parseManifest, parseSinkOutput, readMailMount, verifyManifest, type SinkMail } from '../../../bench/soak-verify.js';
import type { ManifestEntry } from '../../../bench/soak-writer.js';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ha-mount-soak-verify-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Writes `payload` to `path` and appends its manifest line, as bench/soak-writer.ts does after an acknowledged write. */
function writeAcked(manifest: string, path: string, payload: Buffer): ManifestEntry {
  writeFileSync(path, payload);
  const entry: ManifestEntry = { path, sha256: createHash('sha256').update(payload).digest('hex'), size: payload.length, t: Date.now() };
  appendFileSync(manifest, `${JSON.stringify(entry)}\n`);
  return entry;
}

describe('parseManifest', () => {
  it('when the writer was stopped mid-append then the torn last line is skipped', () => {
    const a = { path: '/mnt/soak/d0/f0.bin', sha256: 'a'.repeat(64), size: 10, t: 1 };
    const b = { path: '/mnt/soak/d0/f1.bin', sha256: 'b'.repeat(64), size: 20, t: 2 };
    const text = `${JSON.stringify(a)}\n${JSON.stringify(b)}\n{"path":"/mnt/soak/d0/f2.bin","sha2`;
    expect(parseManifest(text)).toEqual([a, b]);
  });

  it('when the manifest is empty or blank then there are no entries', () => {
    expect(parseManifest('')).toEqual([]);
    expect(parseManifest('\n \n')).toEqual([]);
  });
});

describe('verifyManifest', () => {
  it('when one file is fine, one missing and one corrupted then each is counted as such', async () => {
    const manifest = join(dir, 'manifest.jsonl');
    const data = join(dir, 'mnt', 'd0');
    mkdirSync(data, { recursive: true });
    writeAcked(manifest, join(data, 'f0.bin'), randomBytes(4096));
    const lost = writeAcked(manifest, join(data, 'f1.bin'), randomBytes(100));
    rmSync(lost.path);
    const bad = writeAcked(manifest, join(data, 'f2.bin'), Buffer.from('the payload as acknowledged'));
    writeFileSync(bad.path, Buffer.from('the payload as acknowledgeD'));
    const result = await verifyManifest(manifest);
    expect(result).toMatchObject({ acked: 3, verified: 1, missing: 1, corrupted: 1, unreadable: 0 });
    expect(result.examples).toHaveLength(2);
    expect(result.examples.some((example) => example.startsWith(`${lost.path}: ENOENT`))).toBe(true);
    expect(result.examples.some((example) => example.startsWith(`${bad.path}: 27 bytes`))).toBe(true);
  });

  it('when a file was truncated then it is corrupted even though it is readable', async () => {
    const manifest = join(dir, 'manifest.jsonl');
    const entry = writeAcked(manifest, join(dir, 'f0.bin'), randomBytes(1000));
    writeFileSync(entry.path, Buffer.alloc(0));
    expect(await verifyManifest(manifest)).toMatchObject({ acked: 1, verified: 0, corrupted: 1, missing: 0 });
  });

  it('when many files are all intact then all are verified', async () => {
    const manifest = join(dir, 'manifest.jsonl');
    for (let index = 0; index < 30; index += 1) writeAcked(manifest, join(dir, `f${index}.bin`), randomBytes(1 + index * 37));
    expect(await verifyManifest(manifest)).toEqual({ acked: 30, verified: 30, missing: 0, corrupted: 0, unreadable: 0, examples: [] });
  });

  it('when a path cannot be read for another reason than ENOENT then it is unreadable, not missing', async () => {
    const manifest = join(dir, 'manifest.jsonl');
    const folder = join(dir, 'a-folder');
    mkdirSync(folder);
    appendFileSync(manifest, `${JSON.stringify({ path: folder, sha256: '0'.repeat(64), size: 1, t: 1 })}\n`);
    const result = await verifyManifest(manifest);
    expect(result).toMatchObject({ acked: 1, verified: 0, missing: 0, corrupted: 0, unreadable: 1 });
    expect(result.examples[0]).toBe(`${folder}: EISDIR`);
  });

  it('when the mount is not mounted at verify time then every entry is unreadable, none missing or verified', async () => {
    const manifest = join(dir, 'manifest.jsonl');
    writeAcked(manifest, join(dir, 'f0.bin'), randomBytes(10));
    const gone = writeAcked(manifest, join(dir, 'f1.bin'), randomBytes(10));
    rmSync(gone.path);
    const result = await verifyManifest(manifest, () => false);
    expect(result).toMatchObject({ acked: 2, verified: 0, missing: 0, corrupted: 0, unreadable: 2 });
    expect(result.examples).toEqual([expect.stringContaining('not mounted at verify time; 2 entries not read')]);
  });

  it('when the mount goes away during the read-back then a vanished file is unreadable, not missing', async () => {
    const manifest = join(dir, 'manifest.jsonl');
    const gone = writeAcked(manifest, join(dir, 'f0.bin'), randomBytes(10));
    rmSync(gone.path);
    let calls = 0;
    // mounted when the read-back starts, gone when the read fails
    const mounted = (): boolean => (calls += 1) === 1;
    const result = await verifyManifest(manifest, mounted);
    expect(result).toMatchObject({ acked: 1, missing: 0, unreadable: 1 });
    expect(result.examples[0]).toBe(`${gone.path}: ENOENT (the mount was gone at verify time)`);
  });

  it('when there are more than five problems then only five examples are kept', async () => {
    const manifest = join(dir, 'manifest.jsonl');
    for (let index = 0; index < 9; index += 1) appendFileSync(manifest, `${JSON.stringify({ path: join(dir, `never-${index}`), sha256: '0'.repeat(64), size: 1, t: 1 })}\n`);
    const result = await verifyManifest(manifest);
    expect(result).toMatchObject({ acked: 9, missing: 9 });
    expect(result.examples).toHaveLength(5);
  });

  it('when the manifest does not exist then nothing was acknowledged and mounted is not asked', async () => {
    let asked = false;
    const result = await verifyManifest(join(dir, 'none.jsonl'), () => {
      asked = true;
      return false;
    });
    expect(result).toEqual({ acked: 0, verified: 0, missing: 0, corrupted: 0, unreadable: 0, examples: [] });
    expect(asked).toBe(false);
  });
});

const mail = (subject: string, text = ''): SinkMail => ({ subject, text });
const transition = (mount: string, from: string, to: string, seq: number): LoggedTransition => ({ t: seq * 1_000, mount, from, to, reason: '', seq });

describe('countChangesInMail', () => {
  it('when the subject says "(N changes" then the mail stands for N transitions', () => {
    expect(countChangesInMail(mail('[ha-mount] client: mount soak-a healthy -> failed -> HEALTHY (2 changes)'))).toBe(2);
    expect(countChangesInMail(mail('[ha-mount] client: mount soak-a healthy -> ... -> FAILED (17 changes, rate limited)'))).toBe(17);
  });

  it('when the subject names a single change then the mail stands for one', () => {
    expect(countChangesInMail(mail('[ha-mount] client: mount soak-a healthy -> FAILED (ENOTCONN)'))).toBe(1);
  });
});

describe('readMailMount', () => {
  it('when the subject says "mount NAME" then it is that mount', () => {
    expect(readMailMount(mail('[ha-mount] client: mount soak-b failed -> HEALTHY (remounted)'))).toBe('soak-b');
    expect(readMailMount(mail('hello'))).toBeUndefined();
  });
});

describe('compareMails', () => {
  it('when transitions and mails are given then each mount gets its transitions, mails and mailed changes, sorted by mount', () => {
    const transitions = [
      transition('soak-b', 'healthy', 'failed', 1),
      transition('soak-b', 'failed', 'healthy', 2),
      transition('soak-a', 'healthy', 'hung', 3),
      transition('soak-a', 'hung', 'healthy', 4),
      transition('soak-a', 'healthy', 'degraded', 5),
    ];
    const mails = [
      mail('[ha-mount] client: mount soak-a healthy -> hung -> HEALTHY (2 changes)'),
      mail('[ha-mount] client: mount soak-a healthy -> DEGRADED (brick down)'),
      mail('[ha-mount] client: mount soak-b healthy -> failed -> HEALTHY (2 changes)'),
      mail('[ha-mount] client: mount soak-c starting -> HEALTHY'),
    ];
    expect(compareMails(transitions, mails)).toEqual([
      { mount: 'soak-a', transitions: 3, mails: 2, changesInMails: 3 },
      { mount: 'soak-b', transitions: 2, mails: 1, changesInMails: 2 },
      { mount: 'soak-c', transitions: 0, mails: 1, changesInMails: 1 },
    ]);
  });

  it('when a logged transition does not change the state then it is not counted', () => {
    expect(compareMails([transition('m', 'healthy', 'healthy', 1), transition('m', 'healthy', 'failed', 2)], [])).toEqual([{ mount: 'm', transitions: 1, mails: 0, changesInMails: 0 }]);
  });

  it('when a mail names no mount then it is left out', () => {
    expect(compareMails([], [mail('test mail')])).toEqual([]);
  });
});

describe('parseSinkOutput', () => {
  it('when the sink printed its listening line, mails and noise then only the mails are returned', () => {
    const text = [
      '{"listening":2525}',
      '{"from":"ha-mount@client","to":["ops@example.org"],"subject":"[ha-mount] client: mount soak-a healthy -> FAILED (ENOTCONN)","text":"ha-mount on client: mount soak-a (/mnt/a) is now FAILED."}',
      '(node:123) Warning: something',
      '{"from":"ha-mount@client","to":["ops@example.org"],"subject":"[ha-mount] client: mount soak-a failed -> HEALTHY"}',
      '{"subject":"torn',
      '',
    ].join('\n');
    expect(parseSinkOutput(text)).toEqual([
      { subject: '[ha-mount] client: mount soak-a healthy -> FAILED (ENOTCONN)', text: 'ha-mount on client: mount soak-a (/mnt/a) is now FAILED.' },
      { subject: '[ha-mount] client: mount soak-a failed -> HEALTHY', text: '' },
    ]);
  });
});
