// issue 15 item 11: a metrics endpoint reachable from the network is a choice worth a warning
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { Agent } from '../../../src/agent/agent.js';
import { createAgentHookFactory } from '../../../src/agent/agent-hooks.js';
import { parseConfig } from '../../../src/config/load-config.js';
import { describeMetricsExposure } from '../../../src/metrics/metrics-config.js';
import { createCapturingLogger } from '../systemd/log-capture.js';

async function findFreePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address !== null ? address.port : 0;
}

describe('metrics listen address', () => {
  it.each([
    ['0.0.0.0', /every address of this host/],
    ['::', /every address of this host/],
    ['10.1.2.3', /listens on 10\.1\.2\.3/],
  ])('when it listens on %s then a warning says who can read it and how to keep it local', (host, where) => {
    expect(describeMetricsExposure({ host, port: 9716 })).toMatch(where);
    expect(describeMetricsExposure({ host, port: 9716 })).toMatch(/without a password; keep it on 127\.0\.0\.1 or firewall the port/);
  });

  it.each(['127.0.0.1', '127.0.0.53', '::1', 'localhost'])('when it listens on loopback %s then there is no warning', (host) => {
    expect(describeMetricsExposure({ host, port: 9716 })).toBeUndefined();
  });

  it('when the agent starts its endpoint on 0.0.0.0 then it logs a warning, not only an info line', async () => {
    const port = await findFreePort();
    const { logger, lines } = createCapturingLogger();
    const config = parseConfig('/etc/ha-mount/ha-mount.yaml', `metrics:\n  listen: 0.0.0.0:${port}\n`);
    const hooks = await createAgentHookFactory({ trigger: () => undefined })({ config, logger, files: [] });
    const agent = { status: () => ({ mounts: [] }) } as unknown as Agent;
    try {
      await hooks.onStarted?.(agent);
      expect(lines.filter((line) => line.level === 40).map((line) => line.msg)).toEqual([expect.stringContaining('metrics endpoint listens on every address of this host')]);
    } finally {
      await hooks.onStopping?.(agent);
    }
  });
});
