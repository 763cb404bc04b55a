// issue 15 item 2: a mount name from the config file and fstab lines that derive the same name
import { describe, expect, it } from 'vitest';
import { Agent } from '../../../src/agent/agent.js';
import { createConfigSource, createFstabSource, loadAllMounts } from '../../../src/agent/mount-sources.js';
import { FakeWorld } from '../supervisor/fakes.js';
import { createCapturingLogger } from '../systemd/log-capture.js';

const CONFIG = `mounts:
  - name: rep_vol1
    servers: [10.0.0.10]
    volume: rep_vol1
    mountpoint: /mnt/cfg
`;
// both lines derive the name "rep_vol1" from the volume
const FSTAB = `# two mounts of one volume
10.0.0.10:/rep_vol1  /mnt/a  ha  _netdev  0 0

10.0.0.10:/rep_vol1  /mnt/b  ha  _netdev  0 0
`;

function sources(logger: ReturnType<typeof createCapturingLogger>['logger']) {
  const files: Record<string, string> = { '/etc/ha-mount/ha-mount.yaml': CONFIG, '/etc/fstab': FSTAB };
  const readText = async (path: string): Promise<string> => files[path] ?? '';
  return [createConfigSource('/etc/ha-mount/ha-mount.yaml', readText), createFstabSource('/etc/fstab', logger, undefined, readText)];
}

describe('mount names across sources', () => {
  it('when the config file and two fstab lines give the same mount name then every mount the agent loads is supervised and the others are refused naming both file:line', async () => {
    const { logger, lines } = createCapturingLogger();
    const agent = new Agent({
      sources: sources(logger),
      stateDir: '/nonexistent',
      logger,
      host: 'client1',
      statusIntervalMs: 3_600_000,
      writeStatus: () => undefined,
      createDeps: (spec, onTransition) => {
        const world = new FakeWorld(spec);
        world.mountNow();
        return { ...world.deps(), onTransition };
      },
    });
    await agent.start();
    const watching = lines.find((line) => /^agent watching/.test(line.msg))?.msg;
    const supervised = agent.status().mounts;
    expect(watching).toBe(`agent watching ${supervised.length} mount(s)`);
    expect(supervised.map((mount) => mount.mountpoint)).toEqual(['/mnt/cfg']);
    const refusals = lines.filter((line) => line.level >= 50).map((line) => line.msg);
    expect(refusals).toEqual([
      expect.stringContaining('/mnt/a (/etc/fstab:2): its mount name "rep_vol1" is already used by /etc/ha-mount/ha-mount.yaml:2'),
      expect.stringContaining('/mnt/b (/etc/fstab:4): its mount name "rep_vol1" is already used by /etc/ha-mount/ha-mount.yaml:2'),
    ]);
    agent.stop();
  });

  it('when two fstab lines derive the same name and one has name= then both are loaded', async () => {
    const { logger, lines } = createCapturingLogger();
    const readText = async (): Promise<string> => FSTAB.replace('/mnt/b  ha  _netdev', '/mnt/b  ha  _netdev,name=rep_vol1-b');
    const specs = await loadAllMounts([createFstabSource('/etc/fstab', logger, undefined, readText)], logger);
    expect(specs.map((spec) => spec.name)).toEqual(['rep_vol1', 'rep_vol1-b']);
    expect(lines.filter((line) => line.level >= 40)).toEqual([]);
  });

  it('when the default config file is missing then the config source gives no mounts', async () => {
    const missing = async (): Promise<string> => {
      throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
    };
    expect(await createConfigSource('/etc/ha-mount/ha-mount.yaml', missing, undefined, { missingOk: true }).load()).toEqual([]);
    await expect(createConfigSource('/etc/ha-mount/ha-mount.yaml', missing).load()).rejects.toThrow(/does not exist/);
  });
});
