import { describe, expect, it } from 'vitest';
import { checkFuseDevice, checkPrivileges, parseInstalledPackages } from '../../../src/lab/install.js';

describe('parseInstalledPackages', () => {
  it('when dpkg-query lists packages then only fully installed ones count', () => {
    const output = 'keepalived install ok installed\nglusterfs-server deinstall ok config-files\nmoosefs-client:amd64 install ok installed\n';
    expect([...parseInstalledPackages(output)]).toEqual(['keepalived', 'moosefs-client']);
  });
});

describe('prerequisite checks', () => {
  it('when not root then the error says to run with sudo, as a usage error', () => {
    expect(() => checkPrivileges(1000)).toThrow(/needs root.*sudo/);
    try {
      checkPrivileges(1000);
    } catch (error) {
      expect(error).toMatchObject({ code: 'ha-mount.lab.not-root', exitCode: 1 });
    }
    expect(() => checkPrivileges(0)).not.toThrow();
  });

  it('when /dev/fuse is missing then the error says how to get it', () => {
    expect(() => checkFuseDevice('/nonexistent/fuse')).toThrow(/modprobe fuse|--device \/dev\/fuse/);
  });
});
