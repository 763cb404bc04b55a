import { readFileSync } from 'node:fs';
import { CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { runMountHelper } from '../../../src/cli/mount-helper.js';
import { buildCliMountSpec } from '../../../src/cli/mount-command.js';
import { createProgram, describeFailure, runCli, type CliContext } from '../../../src/cli/program.js';
import { HaMountError } from '../../../src/errors.js';
import type { MounterDeps } from '../../../src/mount/mounter-deps.js';
import { fakeMachine, glusterScript, type FakeMount } from '../mount/fake-machine.js';
import { fakeNetwork } from '../resolve/fake-network.js';

const CONFIG = `mounts:
  - name: rep_vol1
    volume: rep_vol1
    servers: [vip, gfs2]
    mountpoint: /data
    options: [acl]
  - name: mfs
    backend: moosefs
    servers: [mfsvip]
    mountpoint: /mfs
`;

function context(options: { config?: string; mounts?: FakeMount[]; silent?: boolean } = {}) {
  const network = fakeNetwork({ vip: ['10.0.0.10'], gfs2: ['10.0.0.12'], other: ['10.0.0.13'] }, { '10.0.0.10': 'open', '10.0.0.12': 'open', '10.0.0.13': 'open' });
  const machine = fakeMachine({ network, script: glusterScript(), ...(options.mounts ? { mounts: options.mounts } : {}) });
  const out: string[] = [];
  const err: string[] = [];
  const files: Record<string, string> = options.config === undefined ? {} : { '/etc/ha-mount/ha-mount.yaml': options.config, '/tmp/c.yaml': options.config };
  const ctx: CliContext = {
    print: (line) => out.push(line),
    printError: (line) => err.push(line),
    mounterDeps: (): MounterDeps => machine.deps,
    readText: async (path) => {
      const text = files[path];
      if (text === undefined) throw Object.assign(new Error(`ENOENT ${path}`), { code: 'ENOENT' });
      return text;
    },
  };
  return { ctx, machine, out, err };
}

async function failureOf(promise: Promise<unknown>): Promise<ReturnType<typeof describeFailure>> {
  try {
    await promise;
  } catch (error) {
    return describeFailure(error);
  }
  throw new Error('expected a failure');
}

describe('ha-mount mount (default command)', () => {
  it('when given a config mount name and a mountpoint without "mount" then it mounts', async () => {
    const { ctx, machine, out } = context({ config: CONFIG });
    await runCli(['rep_vol1', '/data'], ctx);
    expect(machine.commands[0]?.args).toEqual(['-t', 'glusterfs', '10.0.0.10:/rep_vol1', '/data', '-o', 'backup-volfile-servers=10.0.0.12,xlator-option=*-client-*.ping-timeout=10,acl']);
    expect(out[0]).toMatch(/^mounted rep_vol1 on \/data through 10\.0\.0\.10:24007 \(vip\); backups: 10\.0\.0\.12:24007 in \d+ ms$/);
  });
  it('when the mountpoint is omitted then the config\'s is used', async () => {
    const { ctx, machine } = context({ config: CONFIG });
    await runCli(['mount', 'rep_vol1'], ctx);
    expect(machine.commands[0]?.args[3]).toBe('/data');
  });
  it('when given a source spec with -s servers then they follow the spec\'s hosts', async () => {
    const { ctx, machine } = context();
    await runCli(['vip:/rep_vol1', '/data', '-s', 'gfs2', '-s', 'other:24007', '-o', 'ro'], ctx);
    expect(machine.commands[0]?.args.at(-1)).toBe('backup-volfile-servers=10.0.0.12:10.0.0.13,xlator-option=*-client-*.ping-timeout=10,ro');
  });
  it('when -s is given with a config name then it replaces the configured servers', async () => {
    const spec = await buildCliMountSpec({ source: 'rep_vol1', servers: ['other', 'vip'] }, async () => CONFIG);
    expect(spec.servers).toEqual([{ host: 'other' }, { host: 'vip' }]);
  });
  it('when --dry-run then the command is printed and nothing runs', async () => {
    const { ctx, machine, out } = context();
    await runCli(['vip:/rep_vol1', '/data', '--dry-run'], ctx);
    expect(machine.commands).toEqual([]);
    expect(out).toEqual(["mount -t glusterfs 10.0.0.10:/rep_vol1 /data -o 'xlator-option=*-client-*.ping-timeout=10'"]);
  });
  it('when --json then one JSON document describes the mount', async () => {
    const { ctx, out } = context();
    await runCli(['vip,gfs2:/rep_vol1', '/data', '--json'], ctx);
    expect(JSON.parse(out[0] ?? '')).toMatchObject({ name: 'rep_vol1', mounted: true, server: '10.0.0.10:24007', serverName: 'vip', backups: ['10.0.0.12:24007'] });
  });
  it('when -v then every server verdict goes to stderr', async () => {
    const { ctx, err } = context();
    await runCli(['vip,gfs2:/rep_vol1', '/data', '-v'], ctx);
    expect(err).toEqual([expect.stringMatching(/^ha-mount: vip:24007 \(10\.0\.0\.10\): reachable, answered in/), expect.stringMatching(/^ha-mount: gfs2:24007/)]);
  });
  it('when the source is neither a name nor a spec then the error lists the config\'s names (exit 1)', async () => {
    const { ctx } = context({ config: CONFIG });
    expect(await failureOf(runCli(['rep_vol2', '/data'], ctx))).toEqual({ exitCode: 1, message: expect.stringContaining('it has: rep_vol1, mfs') });
  });
  it('when servers come with -s and the volume by name (no config file) then it mounts through the first with the second as backup', async () => {
    const { ctx, machine, out } = context();
    await runCli(['mount', '-t', 'glusterfs', '-s', 'vip', '-s', 'gfs2', 'rep_vol1', '/data'], ctx);
    expect(machine.commands[0]?.args).toEqual(['-t', 'glusterfs', '10.0.0.10:/rep_vol1', '/data', '-o', 'backup-volfile-servers=10.0.0.12,xlator-option=*-client-*.ping-timeout=10']);
    expect(out[0]).toMatch(/^mounted rep_vol1 on \/data through 10\.0\.0\.10:24007/);
  });
  it('when -s servers come with a volume and subfolder then both reach the spec', async () => {
    const spec = await buildCliMountSpec({ source: 'rep_vol1/projects', mountpoint: '/data', servers: ['vip'] }, async () => '');
    expect(spec).toMatchObject({ name: 'rep_vol1/projects', backend: 'glusterfs', volume: 'rep_vol1', subdir: '/projects', servers: [{ host: 'vip' }] });
  });
  it('when MooseFS or LizardFS get -s servers and the master\'s path then the path is the subfolder', async () => {
    const root = await buildCliMountSpec({ source: '/', mountpoint: '/mfs', backend: 'moosefs', servers: ['mfsvip', 'mfs2:9421'] }, async () => '');
    const sub = await buildCliMountSpec({ source: '/projects', mountpoint: '/mfs', backend: 'lizardfs', servers: ['mfsvip'] }, async () => '');
    expect(root).toMatchObject({ backend: 'moosefs', volume: '', subdir: '', servers: [{ host: 'mfsvip' }, { host: 'mfs2', port: 9421 }] });
    expect(sub).toMatchObject({ backend: 'lizardfs', volume: '', subdir: '/projects' });
  });
  it('when -s servers and a bare volume come with --watch then the same spec is built (the watch starts only after the mount)', async () => {
    const { ctx, machine, out } = context();
    await runCli(['mount', '--watch', '--dry-run', '-s', 'vip', 'rep_vol1', '/data'], ctx);
    expect(machine.commands).toEqual([]);
    expect(out).toEqual(["mount -t glusterfs 10.0.0.10:/rep_vol1 /data -o 'xlator-option=*-client-*.ping-timeout=10'"]);
  });
  it('when a bare name is neither in the config nor given servers then the error shows each form to use', async () => {
    const { ctx } = context();
    const failure = await failureOf(runCli(['mount', 'rep_vol1', '/data'], ctx));
    expect(failure.exitCode).toBe(1);
    expect(failure.message?.split('\n')).toEqual([
      '"rep_vol1" is not a source spec, no server was given with -s, and there is no config file at /etc/ha-mount/ha-mount.yaml to look up a mount of that name. Use one of:',
      expect.stringMatching(/^ {2}ha-mount mount -s SERVER1 -s SERVER2 rep_vol1 \/mnt\/point +servers with -s, then the volume name$/),
      expect.stringMatching(/^ {2}ha-mount mount SERVER1,SERVER2:\/rep_vol1 \/mnt\/point +a source spec host1\[,host2\]\[:port\]:\/volume\[\/subdir\]$/),
      expect.stringMatching(/^ {2}ha-mount -c FILE mount NAME \[\/mnt\/point\] +a mount named in the config file$/),
    ]);
  });
  it('when MooseFS gets -s and a name without a leading / then the error asks for the master\'s path', async () => {
    const { ctx } = context();
    expect(await failureOf(runCli(['mount', '-t', 'moosefs', '-s', 'vip', 'projects', '/mfs'], ctx))).toEqual({ exitCode: 1, message: expect.stringContaining("moosefs has no volumes; give the master's path, e.g. / or /projects") });
  });
  it('when -s and a bare volume come without a mountpoint then the error shows the whole command with it', async () => {
    const { ctx } = context();
    expect(await failureOf(runCli(['mount', '-s', 'vip', 'rep_vol1'], ctx))).toEqual({ exitCode: 1, message: 'missing mountpoint: ha-mount mount -s vip rep_vol1 /path/to/mountpoint' });
  });
  it('when -c names a missing file then it is an error even with a source spec', async () => {
    const { ctx } = context();
    expect(await failureOf(runCli(['-c', '/etc/none.yaml', 'vip:/rep_vol1', '/data'], ctx))).toEqual({ exitCode: 1, message: expect.stringContaining('/etc/none.yaml does not exist') });
  });
  it('when -c comes after the arguments then it is still read', async () => {
    const { ctx, machine } = context({ config: CONFIG });
    await runCli(['rep_vol1', '-c', '/tmp/c.yaml'], ctx);
    expect(machine.commands).toHaveLength(1);
  });
  it.each([
    [['vip:/rep_vol1', '/data', '-t', 'nfs'], 1, /unknown backend "nfs"/],
    [[';rm -rf /:/v', '/data'], 1, /not a hostname/],
    [['vip:/rep_vol1', 'data'], 1, /not an absolute path/],
    [['vip:/rep_vol1', '/data', '-s', '$(reboot)'], 1, /-s \$\(reboot\)/],
    [['vip:/rep_vol1', '/data', '-o', 'a b'], 1, /option "a b" is not accepted/],
    [['vip:/rep_vol1'], 1, /missing mountpoint/],
    [['mfs', '-t', 'glusterfs'], 1, /mfs is moosefs/],
  ])('when argv is %j then it fails with exit %d before anything runs', async (argv, exitCode, message) => {
    const { ctx, machine } = context({ config: CONFIG });
    const failure = await failureOf(runCli(argv, ctx));
    expect(failure.exitCode).toBe(exitCode);
    expect(failure.message).toMatch(message);
    expect(machine.commands).toEqual([]);
  });
  it('when a required argument is missing or an option unknown then commander\'s usage error exits 1', async () => {
    const { ctx } = context();
    const program = createProgram(ctx).configureOutput({ writeErr: () => {}, writeOut: () => {} });
    program.commands.forEach((command) => command.configureOutput({ writeErr: () => {}, writeOut: () => {} }));
    const error = await program.parseAsync(['--bogus'], { from: 'user' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CommanderError);
    expect(describeFailure(error)).toEqual({ exitCode: 1 });
  });
});

describe('--version', () => {
  it('when ha-mount gets --version or -V then it prints package.json\'s version and exits 0', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) {
      const { ctx } = context();
      let printed = '';
      const program = createProgram(ctx).configureOutput({ writeOut: (text) => (printed += text), writeErr: () => {} });
      const error = await program.parseAsync([flag], { from: 'user' }).catch((caught: unknown) => caught);
      expect(printed).toBe(`ha-mount ${version}\n`);
      expect(describeFailure(error)).toEqual({ exitCode: 0 });
    }
  });
  it('when mount.ha gets --version then it prints its name, the package and the version, and mounts nothing', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
    const { machine } = context();
    const out: string[] = [];
    await runMountHelper(['--version'], machine.deps, { print: (line) => out.push(line), printError: (line) => out.push(line) });
    expect(out).toEqual([`mount.ha (ha-mount) ${version}`]);
    expect(machine.commands).toEqual([]);
  });
});

describe('ha-mount umount', () => {
  it('when a glusterfs mount is there then it is unmounted', async () => {
    const { ctx, machine, out } = context({ mounts: [{ mountpoint: '/data', fstype: 'fuse.glusterfs', source: 'h:/v' }] });
    await runCli(['umount', '/data/', '--lazy'], ctx);
    expect(machine.commands).toEqual([{ file: 'umount', args: ['-l', '/data'] }]);
    expect(out).toEqual(['/data: detached lazily as asked (umount -l); no client process was left']);
  });
  it('when nothing is mounted then it says so with exit 32', async () => {
    const { ctx } = context();
    expect(await failureOf(runCli(['umount', '/data'], ctx))).toEqual({ exitCode: 32, message: 'nothing is mounted on /data' });
  });
  it('when the mount is not GlusterFS/MooseFS/LizardFS then it refuses (exit 1)', async () => {
    const { ctx, machine } = context({ mounts: [{ mountpoint: '/data', fstype: 'ext4', source: '/dev/sdb1' }] });
    expect((await failureOf(runCli(['umount', '/data'], ctx))).exitCode).toBe(1);
    expect(machine.commands).toEqual([]);
  });
});

describe('describeFailure', () => {
  it('when a HaMountError is thrown then its exit code and message are used', () => {
    expect(describeFailure(new HaMountError('x', 'boom', 32))).toEqual({ exitCode: 32, message: 'boom' });
  });
  it('when anything else is thrown then it is an internal error (exit 4)', () => {
    expect(describeFailure(new TypeError('oops'))).toMatchObject({ exitCode: 4, message: expect.stringContaining('internal error: TypeError: oops') });
  });
  it('when commander displayed help then the exit code is 0', () => {
    expect(describeFailure(new CommanderError(0, 'commander.helpDisplayed', '(outputHelp)'))).toEqual({ exitCode: 0 });
  });
});
