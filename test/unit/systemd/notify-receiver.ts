import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMainThread } from 'node:worker_threads';
import unixDgram from 'unix-dgram';

/** A real AF_UNIX datagram socket standing in for systemd's notify socket. */
export interface NotifyReceiver {
  path: string;
  messages: string[];
  /** resolves once a received datagram satisfies `match` (datagrams keep their order) */
  waitFor(match: (message: string) => boolean): Promise<string>;
  close(): void;
}

export function createNotifyReceiver(): NotifyReceiver {
  // unix-dgram aborts the process when used from a worker thread: run these tests in vitest's default forks pool
  if (!isMainThread) throw new Error('the notify socket tests need the forks pool (unix-dgram is main-thread only)');
  const dir = mkdtempSync(join(tmpdir(), 'ha-mount-notify-'));
  const path = join(dir, 'notify.sock');
  const messages: string[] = [];
  const waiters: Array<{ match: (message: string) => boolean; resolve: (message: string) => void }> = [];
  const socket = unixDgram.createSocket('unix_dgram', (buffer) => {
    const message = buffer.toString();
    messages.push(message);
    for (const waiter of [...waiters]) {
      if (waiter.match(message)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(message);
      }
    }
  });
  socket.bind(path);
  let closed = false;
  return {
    path,
    messages,
    waitFor(match) {
      const seen = messages.find(match);
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve) => waiters.push({ match, resolve }));
    },
    close() {
      if (closed) return;
      closed = true; // unix-dgram aborts the process on a second close
      socket.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
