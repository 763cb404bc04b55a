import { describe, expect, it } from 'vitest';
import { countConnectedPeers, findMissingClients, parseBrickClients, parseVolumeStatus } from '../../../src/lab/gluster.js';

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

const CLIENTS_XML = `<cliOutput><volStatus><volumes><volume>
<node><hostname>10.213.190.11</hostname><path>/b1</path><status>1</status><clientsStatus><clientCount>3</clientCount>
<client><hostname>10.213.190.11:49149</hostname><bytesRead>1</bytesRead></client>
<client><hostname>10.213.190.12:49146</hostname><bytesRead>1</bytesRead></client>
<client><hostname>10.213.190.100:49148</hostname><bytesRead>1</bytesRead></client>
</clientsStatus></node>
<node><hostname>10.213.190.12</hostname><path>/b2</path><status>1</status><clientsStatus><clientCount>1</clientCount>
<client><hostname>10.213.190.12:49149</hostname><bytesRead>1</bytesRead></client>
</clientsStatus></node>
</volume></volumes></volStatus></cliOutput>`;

describe('brick clients', () => {
  it('when the clients status is parsed then each brick lists the addresses connected to it', () => {
    const clients = parseBrickClients(CLIENTS_XML);
    expect(clients.get('10.213.190.11:/b1')).toEqual(['10.213.190.11', '10.213.190.12', '10.213.190.100']);
    expect(clients.get('10.213.190.12:/b2')).toEqual(['10.213.190.12']);
  });

  it('when a restarted brick lacks clients of the other brick then they are missing, counted per connection', () => {
    expect(findMissingClients(['10.0.0.12'], ['10.0.0.11', '10.0.0.12', '10.0.0.100'])).toEqual(['10.0.0.11', '10.0.0.100']);
    expect(findMissingClients(['10.0.0.100'], ['10.0.0.100', '10.0.0.100'])).toEqual(['10.0.0.100']);
    expect(findMissingClients(['10.0.0.100', '10.0.0.12'], ['10.0.0.12', '10.0.0.100'])).toEqual([]);
  });
});
