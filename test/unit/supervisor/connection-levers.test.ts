import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createConnectionLevers, tcpAnswers } from '../../../src/supervisor/connection-levers.js';

let server: Server | undefined;
afterEach(() => {
  server?.close();
  server = undefined;
});

function listen(): Promise<number> {
  return new Promise((resolve) => {
    server = createServer((socket) => socket.destroy()).listen(0, '127.0.0.1', () => {
      const address = server!.address();
      resolve(typeof address === 'object' && address !== null ? address.port : 0);
    });
  });
}

describe('tcpAnswers', () => {
  it('when a server listens then the connect is an answer', async () => {
    expect(await tcpAnswers('127.0.0.1', await listen(), 1_000)).toBe(true);
  });

  it('when the port is closed then the refusal is an answer too: the host is there', async () => {
    const port = await listen();
    await new Promise<void>((resolve) => server!.close(() => resolve()));
    server = undefined;
    expect(await tcpAnswers('127.0.0.1', port, 1_000)).toBe(true);
  });

});

describe('createConnectionLevers', () => {
  it('when the pid now names another process (start time differs) then nothing is checked and nothing aborted', async () => {
    const asked: string[] = [];
    const proc = { listPids: () => [4242], readCmdline: () => ['other'], readStat: () => ({ state: 'S', startTime: 99, rssPages: 1 }), exists: () => true };
    const levers = createConnectionLevers({ proc, tcpAnswers: async (ip) => (asked.push(ip), true) });
    const daemon = { pid: 4242, startTime: 7, argv: ['/usr/sbin/glusterfs'] };
    expect(await levers.checkDaemonServers(daemon)).toEqual([]);
    expect(await levers.abortServerSockets(daemon, '10.0.0.10')).toEqual({ aborted: 0, errors: ['FUSE daemon 4242 is gone: nothing aborted'] });
    expect(asked).toEqual([]);
  });
});
