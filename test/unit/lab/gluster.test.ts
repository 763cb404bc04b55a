import { describe, expect, it } from 'vitest';
import { countConnectedPeers, parseVolumeStatus } from '../../../src/lab/gluster.js';

const STATUS_XML = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cliOutput><opRet>0</opRet><volStatus><volumes><volume><volName>rep_vol1</volName><nodeCount>3</nodeCount>
<node><hostname>10.213.117.11</hostname><path>/tmp/ha-mount-lab-hmbbe6/gfs1/brick</path><peerid>c</peerid><status>1</status><port>55049</port><ports><tcp>55049</tcp><rdma>N/A</rdma></ports><pid>2176</pid></node>
<node><hostname>10.213.117.12</hostname><path>/tmp/ha-mount-lab-hmbbe6/gfs2/brick</path><peerid>f</peerid><status>0</status><port>N/A</port><ports><tcp>N/A</tcp><rdma>N/A</rdma></ports><pid>-1</pid></node>
<node><hostname>Self-heal Daemon</hostname><path>localhost</path><peerid>c</peerid><status>1</status><port>N/A</port><ports><tcp>N/A</tcp><rdma>N/A</rdma></ports><pid>2215</pid></node>
</volume></volumes></volStatus></cliOutput>`;

describe('parseVolumeStatus', () => {
  it('when gluster volume status --xml is parsed then each brick says whether it is online, its port and pid', () => {
    const nodes = parseVolumeStatus(STATUS_XML);
    expect(nodes).toHaveLength(3);
    expect(nodes[0]).toEqual({ hostname: '10.213.117.11', path: '/tmp/ha-mount-lab-hmbbe6/gfs1/brick', online: true, port: 55049, pid: 2176 });
    expect(nodes[1]).toEqual({ hostname: '10.213.117.12', path: '/tmp/ha-mount-lab-hmbbe6/gfs2/brick', online: false, port: undefined, pid: undefined });
  });
});

describe('countConnectedPeers', () => {
  it('when peer status lists peers then only those in the cluster and connected count', () => {
    const text = 'Number of Peers: 2\n\nHostname: a\nState: Peer in Cluster (Connected)\n\nHostname: b\nState: Accepted peer request (Connected)\n';
    expect(countConnectedPeers(text)).toBe(1);
  });
});
