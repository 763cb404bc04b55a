// After the soak: read back every acknowledged write and check its sha256; compare the mails the
// SMTP sink received with the transitions the agent logged.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { LoggedTransition } from './logs.js';
import type { ManifestEntry } from './soak-writer.js';

/** What reading back one writer's manifest found. */
export interface VerifyResult {
  acked: number;
  verified: number;
  missing: number;
  corrupted: number;
  unreadable: number;
  /** a few examples of what went wrong */
  examples: string[];
}

/** Parses a manifest; a torn last line (the writer was stopped mid-append) is skipped. Pure. */
export function parseManifest(text: string): ManifestEntry[] {
  const entries: ManifestEntry[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      entries.push(JSON.parse(line) as ManifestEntry);
    } catch {
      // torn line
    }
  }
  return entries;
}

/**
 * Reads back every file of the manifest (8 at a time) and checks size and sha256. `mounted` says
 * whether the mount is there: a path under a mountpoint that is not mounted falls through to the
 * local (empty) folder and answers ENOENT, which is no evidence of a lost write. Such entries are
 * counted as unreadable (still a failure), never as verified, and say so in the examples.
 */
export async function verifyManifest(manifest: string, mounted: () => boolean = () => true): Promise<VerifyResult> {
  const entries = existsSync(manifest) ? parseManifest(readFileSync(manifest, 'utf8')) : [];
  const result: VerifyResult = { acked: entries.length, verified: 0, missing: 0, corrupted: 0, unreadable: 0, examples: [] };
  const note = (text: string): void => {
    if (result.examples.length < 5) result.examples.push(text);
  };
  if (entries.length > 0 && !mounted()) {
    result.unreadable = entries.length;
    note(`${manifest}: the mount is not mounted at verify time; ${entries.length} entries not read (they would fall through to the local folder)`);
    return result;
  }
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let index = next++; index < entries.length; index = next++) {
      const entry = entries[index]!;
      try {
        const data = await readFile(entry.path);
        const sum = createHash('sha256').update(data).digest('hex');
        if (sum === entry.sha256 && data.length === entry.size) result.verified += 1;
        else {
          result.corrupted += 1;
          note(`${entry.path}: ${data.length} bytes, sha256 ${sum.slice(0, 12)}, expected ${entry.size} bytes ${entry.sha256.slice(0, 12)}`);
        }
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (!mounted()) {
          result.unreadable += 1;
          note(`${entry.path}: ${code ?? String(error)} (the mount was gone at verify time)`);
        } else if (code === 'ENOENT') {
          result.missing += 1;
          note(`${entry.path}: ${code}`);
        } else {
          result.unreadable += 1;
          note(`${entry.path}: ${code ?? String(error)}`);
        }
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return result;
}

/** One mail as the sink printed it. */
export interface SinkMail {
  subject: string;
  text: string;
}

/** How many transitions a mail stands for: "(N changes" in the subject, else 1. Pure. */
export function countChangesInMail(mail: SinkMail): number {
  const match = /\((\d+) changes/.exec(mail.subject);
  return match ? Number(match[1]) : 1;
}

/** The mount a mail is about ("mount NAME" in the subject). Pure. */
export function readMailMount(mail: SinkMail): string | undefined {
  return /: mount (\S+)/.exec(mail.subject)?.[1];
}

/** Per mount: transitions logged against changes mailed. */
export interface MailComparison {
  mount: string;
  transitions: number;
  mails: number;
  changesInMails: number;
}

/** Compares, per mount, the agent's logged transitions (from != to) with the changes the mails stand for. Pure. */
export function compareMails(transitions: readonly LoggedTransition[], mails: readonly SinkMail[]): MailComparison[] {
  const mounts = [...new Set([...transitions.map((transition) => transition.mount), ...mails.flatMap((mail) => readMailMount(mail) ?? [])])].sort();
  return mounts.map((mount) => {
    const mine = mails.filter((mail) => readMailMount(mail) === mount);
    return {
      mount,
      transitions: transitions.filter((transition) => transition.mount === mount && transition.from !== transition.to).length,
      mails: mine.length,
      changesInMails: mine.reduce((sum, mail) => sum + countChangesInMail(mail), 0),
    };
  });
}

/** The sink's JSON lines (mails only). Pure. */
export function parseSinkOutput(text: string): SinkMail[] {
  const mails: SinkMail[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const parsed = JSON.parse(line) as { subject?: string; text?: string };
      if (parsed.subject !== undefined) mails.push({ subject: parsed.subject, text: parsed.text ?? '' });
    } catch {
      // not a mail line
    }
  }
  return mails;
}
