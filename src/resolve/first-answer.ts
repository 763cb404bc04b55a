import { formatVerdict, type Resolution } from './resolve-servers.js';

/** What one reachability check found: the first server that took a TCP connection, or why none did. */
export interface ServerCheck {
  /** "host:port" (the host as written) of the first reachable server in try order */
  answered?: string;
  reason: string;
}

/** Reads a resolution as a yes/no answer for the supervisor: who answered first, or every server's verdict. Pure. */
export function describeFirstAnswer(resolution: Resolution): ServerCheck {
  const first = resolution.reachable[0];
  if (first !== undefined) {
    const answered = `${first.server.host}:${first.port}`;
    return { answered, reason: `${answered} answers` };
  }
  const reasons = resolution.verdicts.map(formatVerdict);
  return { reason: reasons.length > 0 ? reasons.join(', ') : 'no server configured' };
}
