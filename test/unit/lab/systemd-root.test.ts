import { describe, expect, it } from 'vitest';
import { isNspawnCgroupFolder, isStateConfined, createState } from '../../../src/lab/state.js';
import { buildNspawnArgs, NSPAWN_CGROUP_FOLDERS } from '../../../src/lab/systemd-host.js';
import { buildDebootstrapArgs, rootCacheName, selectAbandonedBuilds } from '../../../src/lab/systemd-root.js';

const recipe = { suite: 'bookworm', packages: ['systemd', 'dbus'], nodeVersion: 'v20.20.2' };

describe('the cached Debian root', () => {
  it('when the recipe is the same, in any package order, then the cache folder is the same', () => {
    expect(rootCacheName(recipe)).toBe(rootCacheName({ ...recipe, packages: ['dbus', 'systemd'] }));
    expect(rootCacheName(recipe)).toMatch(/^debian12-[0-9a-f]{12}$/);
  });

  it('when a package or the Node.js version changes then a new root is built', () => {
    expect(rootCacheName({ ...recipe, packages: [...recipe.packages, 'fuse3'] })).not.toBe(rootCacheName(recipe));
    expect(rootCacheName({ ...recipe, nodeVersion: 'v20.21.0' })).not.toBe(rootCacheName(recipe));
  });

  it('when a build folder\'s builder is dead then it is abandoned; a live builder\'s and finished roots are kept', () => {
    const names = ['debian12-aaa', 'debian12-aaa.tmp-100', 'debian12-bbb.tmp-200', 'notes'];
    expect(selectAbandonedBuilds(names, (pid) => pid === 200)).toEqual(['debian12-aaa.tmp-100']);
  });

  it('when debootstrap runs then it builds a minbase root with the recipe\'s packages', () => {
    expect(buildDebootstrapArgs(recipe, '/cache/x.tmp-1', 'http://deb.debian.org/debian')).toEqual([
      '--variant=minbase', '--include=systemd,dbus', 'bookworm', '/cache/x.tmp-1', 'http://deb.debian.org/debian',
    ]);
  });
});

describe('booting the client', () => {
  it('when nspawn is started then it registers nowhere, gets FUSE and joins the lab client\'s network namespace', () => {
    const args = buildNspawnArgs('/tmp/ha-mount-lab-x/systemd-client/root', 'hmx-client');
    expect(args).toEqual(expect.arrayContaining(['-b', '--register=no', '--keep-unit', '--bind=/dev/fuse', '--network-namespace-path=/run/netns/hmx-client']));
    expect(args.slice(0, 2)).toEqual(['-D', '/tmp/ha-mount-lab-x/systemd-client/root']);
  });
});

describe('cgroup folders in a lab state', () => {
  it('when a state names nspawn\'s payload and supervisor folders then it stays confined', () => {
    expect(NSPAWN_CGROUP_FOLDERS.every(isNspawnCgroupFolder)).toBe(true);
    const state = createState({ prefix: 'hmab12', owner: { pid: 1, startTime: 1 }, bootId: 'b', dir: '/tmp/ha-mount-lab-hmab12', etcDir: '/run/ha-mount-lab/hmab12', now: new Date(0) });
    state.cgroupFolders = [...NSPAWN_CGROUP_FOLDERS];
    expect(isStateConfined(state)).toBe(true);
  });

  it('when a state names any other cgroup folder then it is refused, so a sweep never rmdirs it', () => {
    for (const path of ['/sys/fs/cgroup/unified', '/sys/fs/cgroup/unified/system.slice', '/sys/fs/cgroup/memory/payload', '/sys/fs/cgroup/unified/payload/../x']) {
      expect(isNspawnCgroupFolder(path), path).toBe(false);
    }
    const state = createState({ prefix: 'hmab12', owner: { pid: 1, startTime: 1 }, bootId: 'b', dir: '/tmp/ha-mount-lab-hmab12', etcDir: '/run/ha-mount-lab/hmab12', now: new Date(0) });
    state.cgroupFolders = ['/sys/fs/cgroup/unified'];
    expect(isStateConfined(state)).toBe(false);
  });
});

describe('removing the cgroup folders nspawn leaves', () => {
  it('when the folders are empty then the whole tree goes, deepest first; a folder still holding something stays', async () => {
    const { mkdirSync, mkdtempSync, existsSync, writeFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { removeEmptyCgroupTree } = await import('../../../src/lab/cleanup.js');
    const dir = mkdtempSync(join(tmpdir(), 'ha-mount-cgroup-'));
    try {
      mkdirSync(join(dir, 'payload/init.scope'), { recursive: true });
      mkdirSync(join(dir, 'busy/system.slice'), { recursive: true });
      writeFileSync(join(dir, 'busy/system.slice/cgroup.procs'), '42\n');
      removeEmptyCgroupTree(join(dir, 'payload'));
      removeEmptyCgroupTree(join(dir, 'busy'));
      removeEmptyCgroupTree(join(dir, 'absent'));
      expect(existsSync(join(dir, 'payload'))).toBe(false);
      expect(existsSync(join(dir, 'busy/system.slice'))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
