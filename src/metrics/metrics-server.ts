import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { isIPv6 } from 'node:net';
import { ExitCode, HaMountError } from '../errors.js';
import { EXPOSITION_CONTENT_TYPE } from './exposition.js';
import type { HaMountMetrics } from './metrics.js';

/** Where the metrics endpoint listens. Port 0 picks a free port (tests). */
export interface MetricsListen {
  host: string;
  port: number;
}

/** A running endpoint: `url` is the /metrics address it actually serves. */
export interface MetricsServer {
  url: string;
  close(): Promise<void>;
}

/**
 * Serves GET /metrics in the Prometheus text format over node:http. The metrics are computed
 * from memory at scrape time: a scrape never touches a mount, so it cannot hang on one.
 */
export async function startMetricsServer(metrics: Pick<HaMountMetrics, 'render'>, listen: MetricsListen): Promise<MetricsServer> {
  const server = createServer((request, response) => {
    answer(metrics, request, response);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => {
      server.off('error', reject);
      resolve();
    });
  }).catch((error: unknown) => {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new HaMountError(
      'ha-mount.metrics.listen',
      `cannot serve metrics on ${formatHostPort(listen.host, listen.port)}: ${code}; set metrics.listen to a free local address or metrics.enabled: false`,
      ExitCode.SYSTEM,
      { cause: error },
    );
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : listen.port;
  return {
    url: `http://${formatHostPort(listen.host, port)}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections(); // a scraper's keep-alive connection must not hold shutdown
      }),
  };
}

function answer(metrics: Pick<HaMountMetrics, 'render'>, request: IncomingMessage, response: ServerResponse): void {
  const path = (request.url ?? '/').split('?')[0];
  if (path !== '/metrics') {
    response.writeHead(404, { 'content-type': 'text/plain' }).end('not found: metrics are at /metrics\n');
    return;
  }
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.writeHead(405, { 'content-type': 'text/plain', allow: 'GET, HEAD' }).end('method not allowed\n');
    return;
  }
  try {
    const body = metrics.render();
    response.writeHead(200, { 'content-type': EXPOSITION_CONTENT_TYPE });
    response.end(request.method === 'HEAD' ? undefined : body);
  } catch (error) {
    response.writeHead(500, { 'content-type': 'text/plain' }).end(`cannot render metrics: ${String(error)}\n`);
  }
}

/** "127.0.0.1:9716", or "[::1]:9716" for an IPv6 literal. Pure. */
export function formatHostPort(host: string, port: number): string {
  return isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
}
