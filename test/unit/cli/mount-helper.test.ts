import { describe, expect, it } from 'vitest';
import { parseMountHelperArgs, runMountHelper } from '../../../src/cli/mount-helper.js';
import { fakeMachine, glusterScript } from '../mount/fake-machine.js';
import { fakeNetwork } from '../resolve/fake-network.js';

describe('parseMountHelperArgs', () => {
  it('when mount(8) calls with flags, -o and -t then every part is read', () => {
    expect(parseMountHelperArgs(['vip:/rep_vol1', '/data', '-s', '-f', '-n', '-v', '-o', 'rw,backend=glusterfs,acl', '-t', 'ha.glusterfs'])).toEqual({
      source: 'vip:/rep_vol1',
      mountpoint: '/data',
      sloppy: true,
      fake: true,
      noMtab: true,
      verbose: true,
      options: ['rw', 'backend=glusterfs', 'acl'],
      type: 'ha.glusterfs',
      help: false,
      version: false,
    });
  });
  it('when -V or --version is given then only the version is asked for', () => {
    expect(parseMountHelperArgs(['--version'])).toMatchObject({ version: true });
    expect(parseMountHelperArgs(['-V'])).toMatchObject({ version: true });
  });
  it('when flags are combined and -o is glued then they are still read', () => {
    expect(parseMountHelperArgs(['-sv', 'vip:/v', '/d', '-oacl,ro', '-Nx'])).toMatchObject({ sloppy: true, verbose: true, options: ['acl', 'ro'], namespace: 'x', source: 'vip:/v' });
  });
  it('when -o repeats then all options are kept in order', () => {
    expect(parseMountHelperArgs(['s:/v', '/d', '-o', 'a', '-o', 'b=1']).options).toEqual(['a', 'b=1']);
  });
  it.each([
    [['vip:/v'], /expected a source and a directory/],
    [['vip:/v', '/d', 'extra'], /unexpected argument "extra"/],
    [['vip:/v', '/d', '-x'], /unknown flag "-x"/],
    [['vip:/v', '/d', '-o'], /-o needs a value/],
  ])('when argv is %j then it is a usage error', (argv, message) => {
    expect(() => parseMountHelperArgs(argv)).toThrow(message);
  });
});

function output() {
  const lines: string[] = [];
  return { lines, print: (line: string) => lines.push(line), printError: (line: string) => lines.push(`! ${line}`) };
}

describe('runMountHelper', () => {
  const network = () => fakeNetwork({ vip: ['10.0.0.10'], gfs2: ['10.0.0.12'] }, { '10.0.0.10': 'open', '10.0.0.12': 'open' });
  it('when called like mount(8) does then helper and fstab-only options are out of the backend command', async () => {
    const machine = fakeMachine({ network: network(), script: glusterScript() });
    await runMountHelper(['vip:/rep_vol1', '/data', '-o', 'rw,servers=gfs2,ping-timeout=5,probe-interval=2s,_netdev,nofail,x-systemd.requires=a'], machine.deps, output());
    expect(machine.commands).toEqual([
      { file: 'mount', args: ['-t', 'glusterfs', '10.0.0.10:/rep_vol1', '/data', '-o', 'backup-volfile-servers=10.0.0.12,xlator-option=*-client-*.ping-timeout=5,rw'] },
    ]);
  });
  it('when the source is a bare volume name and servers= gives the servers (an fstab line "rep_vol1 /data ha servers=vip:gfs2") then it mounts through the first', async () => {
    const machine = fakeMachine({ network: network(), script: glusterScript() });
    await runMountHelper(['rep_vol1', '/data', '-o', 'servers=vip:gfs2,_netdev'], machine.deps, output());
    expect(machine.commands).toEqual([
      { file: 'mount', args: ['-t', 'glusterfs', '10.0.0.10:/rep_vol1', '/data', '-o', 'backup-volfile-servers=10.0.0.12,xlator-option=*-client-*.ping-timeout=10'] },
    ]);
  });
  it('when the source is a bare name and no servers= is given then it fails naming both forms, before anything runs', async () => {
    const machine = fakeMachine({ network: network(), script: glusterScript() });
    await expect(runMountHelper(['rep_vol1', '/data'], machine.deps, output())).rejects.toMatchObject({
      exitCode: 1,
      message: expect.stringMatching(/"rep_vol1" is not a source spec and no servers= option gives the servers .*write host1\[,host2\]\[:port\]:\/volume, or the volume name with servers=/),
    });
    expect(machine.commands).toEqual([]);
  });
  it('when -f is given then the command is printed and nothing runs', async () => {
    const machine = fakeMachine({ network: network(), script: glusterScript() });
    const out = output();
    await runMountHelper(['vip:/rep_vol1', '/data', '-f'], machine.deps, out);
    expect(machine.commands).toEqual([]);
    expect(out.lines).toEqual(["mount -t glusterfs 10.0.0.10:/rep_vol1 /data -o 'xlator-option=*-client-*.ping-timeout=10'"]);
  });
  it('when -v is given then each server verdict is printed', async () => {
    const machine = fakeMachine({ network: network(), script: glusterScript() });
    const out = output();
    await runMountHelper(['vip,gfs2:/rep_vol1', '/data', '-v'], machine.deps, out);
    expect(out.lines[0]).toMatch(/^mount\.ha: vip:24007 \(10\.0\.0\.10\): reachable/);
    expect(out.lines.at(-1)).toMatch(/^mount\.ha: mounted rep_vol1 on \/data through 10\.0\.0\.10:24007 \(vip\); backups: 10\.0\.0\.12:24007/);
  });
  it('when an option is unknown then it fails with exit 1, and with -s it is ignored', async () => {
    const machine = fakeMachine({ network: network(), script: glusterScript() });
    await expect(runMountHelper(['vip:/rep_vol1', '/data', '-o', 'bogus'], machine.deps, output())).rejects.toMatchObject({ exitCode: 1 });
    await runMountHelper(['vip:/rep_vol1', '/data', '-s', '-o', 'bogus,acl'], machine.deps, output());
    expect(machine.commands[0]?.args.at(-1)).toBe('xlator-option=*-client-*.ping-timeout=10,acl');
  });
  it('when -N, an unknown flag or an extra argument carries control characters then the message shows them escaped', async () => {
    const machine = fakeMachine({ network: network() });
    const cases: [string[], string][] = [
      [['vip:/v', '/data', '-N', '12\u001b[31m34'], 'does not support -N "12\\u001b[31m34"'],
      [['vip:/v', '/data', '-h\u007f'], 'unknown flag "-h\\u007f"'],
      [['vip:/v', '/data', 'x\u009b2J\nINJECTED'], 'unexpected argument "x\\u009b2J\\nINJECTED"'],
    ];
    for (const [argv, shown] of cases) {
      const error = await runMountHelper(argv, machine.deps, output()).then(
        () => undefined,
        (caught: Error) => caught,
      );
      expect(error?.message).toContain(shown);
      expect(error?.message).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]|\nINJECTED/);
    }
  });
  it('when an unknown option is refused then the message points at mount.ha -s', async () => {
    const machine = fakeMachine({ network: network() });
    await expect(runMountHelper(['vip:/rep_vol1', '/data', '-o', 'bogus'], machine.deps, output())).rejects.toThrow('bogus is not a GlusterFS mount option (see man 8 mount.glusterfs) (mount.ha -s ignores unknown options)');
  });
  it('when -N is given then it is refused clearly', async () => {
    const machine = fakeMachine({ network: network() });
    await expect(runMountHelper(['vip:/v', '/data', '-N', '1234'], machine.deps, output())).rejects.toMatchObject({ exitCode: 1, message: expect.stringContaining('does not support -N') });
  });
  it('when the source is hostile then nothing runs (exit 1)', async () => {
    const machine = fakeMachine({ network: network() });
    await expect(runMountHelper(['$(reboot):/v', '/data'], machine.deps, output())).rejects.toMatchObject({ exitCode: 1 });
    await expect(runMountHelper(['vip:/v', '/data', '-o', 'servers=-oProxyCommand'], machine.deps, output())).rejects.toMatchObject({ exitCode: 1 });
    expect(machine.commands).toEqual([]);
  });
  it('when no server answers then the exit code is mount(8)\'s 32', async () => {
    const machine = fakeMachine({ network: fakeNetwork({ vip: ['10.0.0.10'] }, { '10.0.0.10': 'refused' }) });
    await expect(runMountHelper(['vip:/v', '/data'], machine.deps, output())).rejects.toMatchObject({ exitCode: 32 });
  });
});
