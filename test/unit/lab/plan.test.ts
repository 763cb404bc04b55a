import { describe, expect, it } from 'vitest';
import { generatePrefix, isValidPrefix, planLab } from '../../../src/lab/plan.js';

describe('planLab', () => {
  it('when GlusterFS and MooseFS are asked for then every host gets its own namespace and address in the subnet', () => {
    const plan = planLab({ prefix: 'hm3fa2', subnetIndex: 57, gluster: true, moosefs: true });
    expect(plan.hosts.map((host) => host.name)).toEqual(['gfs1', 'gfs2', 'mfsA', 'mfsB', 'cs1', 'cs2', 'client']);
    expect(plan.hosts.map((host) => host.netns)).toEqual(plan.hosts.map((host) => `hm3fa2-${host.name}`));
    expect(plan.hosts.every((host) => host.ip.startsWith('10.213.57.'))).toBe(true);
    expect(new Set(plan.hosts.map((host) => host.ip)).size).toBe(plan.hosts.length);
    expect(plan.subnet).toBe('10.213.57.0/24');
    expect(plan.switchNetns).toBe('hm3fa2-sw');
    expect(plan.gluster?.vip).toBe('10.213.57.10');
    expect(plan.moosefs?.vip).toBe('10.213.57.20');
    expect(plan.dir).toBe('/tmp/ha-mount-lab-hm3fa2');
    expect(plan.stateFile).toBe('/run/ha-mount-lab/hm3fa2.json');
  });

  it('when only GlusterFS is asked for then no MooseFS host is planned', () => {
    const plan = planLab({ prefix: 'hm0001', subnetIndex: 1, gluster: true, moosefs: false });
    expect(plan.moosefs).toBeUndefined();
    expect(plan.hosts.map((host) => host.name)).toEqual(['gfs1', 'gfs2', 'client']);
  });

  it('when hosts are planned then VIPs are no host address and the first server starts with the roles it restarts with', () => {
    const plan = planLab({ prefix: 'hm0001', subnetIndex: 1, gluster: true, moosefs: true });
    const addresses = plan.hosts.map((host) => host.ip);
    expect(addresses).not.toContain(plan.gluster?.vip);
    expect(addresses).not.toContain(plan.moosefs?.vip);
    expect(plan.gluster?.servers[0].roles).toEqual(['glusterd', 'keepalived-gluster']);
    expect(plan.moosefs?.standby.roles).toEqual(['mfsmetalogger', 'keepalived-moosefs']);
  });

  it('when a fleet of 12 clients and a monitor are asked for then each gets its own namespace and address, client first', () => {
    const plan = planLab({ prefix: 'hmffff', subnetIndex: 9, gluster: true, moosefs: false, clients: 12, monitor: true });
    expect(plan.clients.map((host) => host.name)).toEqual(['client', ...Array.from({ length: 11 }, (_, index) => `client${index + 2}`)]);
    expect(plan.clients.map((host) => host.ip)).toEqual(Array.from({ length: 12 }, (_, index) => `10.213.9.${100 + index}`));
    expect(plan.client).toBe(plan.clients[0]);
    expect(plan.monitor?.ip).toBe('10.213.9.5');
    expect(plan.hosts.map((host) => host.name)).toEqual(['gfs1', 'gfs2', 'mon', ...plan.clients.map((host) => host.name)]);
    expect(new Set(plan.hosts.map((host) => host.ip)).size).toBe(plan.hosts.length);
    expect(plan.hosts.every((host) => host.switchPort.length <= 15 && host.netns.length <= 15)).toBe(true);
  });

  it('when 0 or more than 100 clients are asked for then planning refuses', () => {
    expect(() => planLab({ prefix: 'hm0001', subnetIndex: 1, gluster: true, moosefs: false, clients: 0 })).toThrow(/1 to 100 clients/);
    expect(() => planLab({ prefix: 'hm0001', subnetIndex: 1, gluster: true, moosefs: false, clients: 101 })).toThrow(/1 to 100 clients/);
  });

  it('when interface names are derived then they fit the 15-character limit', () => {
    const plan = planLab({ prefix: 'hmffff', subnetIndex: 255, gluster: true, moosefs: true });
    expect(plan.hosts.every((host) => host.switchPort.length <= 15)).toBe(true);
  });
});

describe('generatePrefix', () => {
  it('when called then it gives hm and 4 hex digits', () => {
    expect(generatePrefix(() => 0)).toBe('hm0000');
    expect(generatePrefix(() => 0.999999)).toBe('hmffff');
    expect(isValidPrefix(generatePrefix())).toBe(true);
  });

  it('when a prefix holds path or shell characters then it is invalid', () => {
    expect(isValidPrefix('hm12/..')).toBe(false);
    expect(isValidPrefix('HM12')).toBe(false);
    expect(isValidPrefix('1abc')).toBe(false);
    expect(isValidPrefix('lab7')).toBe(true);
  });
});
