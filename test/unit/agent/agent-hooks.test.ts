import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createAgentHookFactory } from '../../../src/agent/agent-hooks.js';
import type { AgentHookSet } from '../../../src/agent/run-agent.js';
import { parseConfig } from '../../../src/config/load-config.js';
import { createSilentLogger } from '../../../src/log/logger.js';

/** A port nothing listens on right now (the kernel picks it). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const config = (lines: string[]) => parseConfig('/etc/ha-mount/ha-mount.yaml', ['mounts: []', ...lines, ''].join('\n'));
const agent = { status: () => ({ mounts: [] }) } as unknown as Parameters<NonNullable<AgentHookSet['onStarted']>>[0];
const scrape = async (port: number): Promise<number | string> => fetch(`http://127.0.0.1:${port}/metrics`).then((response) => response.status, (error: unknown) => String((error as { cause?: { code?: string } }).cause?.code ?? error));

let hooks: AgentHookSet | undefined;
afterEach(async () => {
  await hooks?.onStopping?.(agent);
  hooks = undefined;
});

describe('agent hooks on reload', () => {
  it('when a reload moves the metrics endpoint then the new address serves and the old one is closed', async () => {
    const [first, second] = [await freePort(), await freePort()];
    hooks = await createAgentHookFactory()({ config: config(['metrics:', `  listen: 127.0.0.1:${first}`]), logger: createSilentLogger(), files: [] });
    await hooks.onStarted?.(agent);
    expect(await scrape(first)).toBe(200);
    await hooks.applyConfig?.(config(['metrics:', `  listen: 127.0.0.1:${second}`]));
    expect(await scrape(second)).toBe(200);
    expect(await scrape(first)).toBe('ECONNREFUSED');
  });

  it('when a reload turns metrics off then the endpoint closes', async () => {
    const port = await freePort();
    hooks = await createAgentHookFactory()({ config: config(['metrics:', `  listen: 127.0.0.1:${port}`]), logger: createSilentLogger(), files: [] });
    await hooks.onStarted?.(agent);
    await hooks.applyConfig?.(config(['metrics:', '  enabled: false', `  listen: 127.0.0.1:${port}`]));
    expect(await scrape(port)).toBe('ECONNREFUSED');
  });

  it('when a reload has a bad notify section then it is refused naming file and line, and the endpoint stays', async () => {
    const port = await freePort();
    const good = config(['metrics:', `  listen: 127.0.0.1:${port}`]);
    hooks = await createAgentHookFactory()({ config: good, logger: createSilentLogger(), files: [] });
    await hooks.onStarted?.(agent);
    const bad = config(['notify:', '  email:', '    to: []', 'metrics:', '  enabled: false']);
    await expect(async () => hooks?.applyConfig?.(bad)).rejects.toThrow(/ha-mount\.yaml:\d+: notify\.email\.to/);
    expect(await scrape(port)).toBe(200);
  });
});
