let lastSeq = 0;

/** The next transition sequence number of this process: increases by one per transition, across all mounts. */
export function nextTransitionSeq(): number {
  lastSeq += 1;
  return lastSeq;
}
