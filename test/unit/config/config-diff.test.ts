import { describe, expect, it } from 'vitest';
import { diffMounts, isSameValue } from '../../../src/config/config-diff.js';
import type { MountSpec } from '../../../src/types.js';

function spec(overrides: Partial<MountSpec> = {}): MountSpec {
  return {
    name: 'data',
    backend: 'glusterfs',
    servers: [{ host: '10.0.0.10' }, { host: '10.0.0.11' }, { host: '10.0.0.12' }],
    volume: 'rep_vol1',
    subdir: '',
    mountpoint: '/mnt/data',
    options: ['ping-timeout=10'],
    probe: { intervalMs: 1_000, timeoutMs: 5_000, fall: 3, rise: 2, slowMs: 2_000, write: true },
    onHang: {},
    ...overrides,
  };
}

const base = spec();
const other = spec({ name: 'home', mountpoint: '/mnt/home', volume: 'home' });

type Kind = 'changed' | 'retuned' | 'unchanged';

describe('diffMounts: one mount edited', () => {
  it.each<[string, Partial<MountSpec>, Kind, string[]]>([
    ['nothing', {}, 'unchanged', []],
    ['a copy with the same values', { servers: base.servers.map((s) => ({ ...s })), options: [...base.options] }, 'unchanged', []],
    ['an absent optional field written as undefined', { postRemount: undefined }, 'unchanged', []],
    ['the probe interval', { probe: { ...base.probe, intervalMs: 2_000 } }, 'retuned', ['probe']],
    ['the write probe switch', { probe: { ...base.probe, write: false } }, 'retuned', ['probe']],
    ['the hang policy', { onHang: { remountAfterMs: 60_000 } }, 'retuned', ['onHang']],
    ['the post-remount command', { postRemount: ['systemctl', 'restart', 'nginx'] }, 'retuned', ['postRemount']],
    ['the name', { name: 'data2' }, 'retuned', ['name']],
    ['the backup servers', { servers: [{ host: '10.0.0.10' }, { host: '10.0.0.13' }] }, 'changed', ['servers']],
    ['the server order (the first is preferred)', { servers: [...base.servers].reverse() }, 'changed', ['servers']],
    ['a server port', { servers: [{ host: '10.0.0.10', port: 24008 }, ...base.servers.slice(1)] }, 'changed', ['servers']],
    ['the backend', { backend: 'moosefs', volume: '' }, 'changed', ['backend', 'volume']],
    ['the subdir', { subdir: '/projects' }, 'changed', ['subdir']],
    ['a backend option', { options: ['ping-timeout=4'] }, 'changed', ['options']],
    ['a backend option and the probe', { options: [], probe: { ...base.probe, fall: 5 } }, 'changed', ['options', 'probe']],
  ])('when %s changes then the mount is %s', (_what, overrides, kind, fields) => {
    const next = spec(overrides);
    const diff = diffMounts([base, other], [next, other]);
    expect(diff.added).toEqual([]);
    expect(diff.removed).toEqual([]);
    expect(diff.unchanged).toContain(other);
    if (kind === 'unchanged') {
      expect(diff.unchanged).toContain(next);
      expect(diff.changed).toEqual([]);
      expect(diff.retuned).toEqual([]);
    } else {
      expect(diff[kind]).toEqual([{ before: base, after: next, fields }]);
      expect(diff[kind === 'changed' ? 'retuned' : 'changed']).toEqual([]);
      expect(diff.unchanged).not.toContain(next);
    }
  });
});

describe('diffMounts: mounts added and removed', () => {
  it.each<[string, MountSpec[], MountSpec[], { added: string[]; removed: string[]; unchanged: string[] }]>([
    ['the first config', [], [base, other], { added: ['/mnt/data', '/mnt/home'], removed: [], unchanged: [] }],
    ['an emptied config', [base, other], [], { added: [], removed: ['/mnt/data', '/mnt/home'], unchanged: [] }],
    ['one more mount', [base], [base, other], { added: ['/mnt/home'], removed: [], unchanged: ['/mnt/data'] }],
    ['one mount fewer', [base, other], [other], { added: [], removed: ['/mnt/data'], unchanged: ['/mnt/home'] }],
    ['a mount moved to another mountpoint', [base], [spec({ mountpoint: '/srv/data' })], { added: ['/srv/data'], removed: ['/mnt/data'], unchanged: [] }],
    ['the same mounts reordered', [base, other], [other, base], { added: [], removed: [], unchanged: ['/mnt/home', '/mnt/data'] }],
  ])('when the reload brings %s then added, removed and unchanged are keyed by mountpoint', (_what, old, next, expected) => {
    const diff = diffMounts(old, next);
    expect(diff.added.map((s) => s.mountpoint)).toEqual(expected.added);
    expect(diff.removed.map((s) => s.mountpoint)).toEqual(expected.removed);
    expect(diff.unchanged.map((s) => s.mountpoint)).toEqual(expected.unchanged);
    expect(diff.changed).toEqual([]);
    expect(diff.retuned).toEqual([]);
  });

  it('when two mounts of the new config share a mountpoint then the error names both', () => {
    expect(() => diffMounts([], [base, spec({ name: 'fstab-data' })])).toThrow(
      'two mounts of the new config share the mountpoint /mnt/data ("data" and "fstab-data"); keep one of them (in the config file or in fstab)',
    );
  });
});

describe('isSameValue', () => {
  it.each<[unknown, unknown, boolean]>([
    [{ a: 1, b: undefined }, { a: 1 }, true],
    [[1, 2], [2, 1], false],
    [{ a: [1, { b: 'x' }] }, { a: [1, { b: 'x' }] }, true],
    [{ a: null }, { a: undefined }, false],
    [[], {}, false],
  ])('when comparing %j and %j then it is %s', (a, b, same) => {
    expect(isSameValue(a, b)).toBe(same);
  });
});
