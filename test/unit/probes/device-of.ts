import { statSync } from 'node:fs';

/** "major:minor" of the filesystem holding `path`, as mountinfo writes it (glibc's major()/minor()). */
export function deviceOf(path: string): string {
  const dev = BigInt(statSync(path).dev);
  const major = ((dev >> 8n) & 0xfffn) | ((dev >> 32n) & 0xfffff000n);
  const minor = (dev & 0xffn) | ((dev >> 12n) & 0xffffff00n);
  return `${major}:${minor}`;
}
