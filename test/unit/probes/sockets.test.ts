import { describe, expect, it } from 'vitest';
import { connectionsOf, groupByServer, parseProcAddress, parseProcNetTcp, socketInodes, socketKillCommand } from '../../../src/probes/sockets.js';

// real lines of /proc/net/tcp and tcp6 (a listener and both ends of a loopback connection), plus a
// GlusterFS client's connections as this kernel prints them (10.77.0.5 -> bricks on .10 and .11)
const TCP = [
  '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
  '   1: 0100007F:B039 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 673489 1 0000000047b1ce1a 100 0 0 10 0',
  ' 167: 0100007F:B039 0100007F:D8C4 01 00000000:00000000 00:00000000 00000000     0        0 673491 1 0000000051b8c383 20 0 0 10 -1',
  ' 291: 0100007F:D8C4 0100007F:B039 01 00000000:00000000 00:00000000 00000000     0        0 673490 2 0000000030735d9b 20 0 0 10 -1',
  '   4: 05004D0A:03FF 0A004D0A:C350 01 00000000:00000000 00:00000000 00000000     0        0 81001 1 0000000051b8c383 20 0 0 10 -1',
  '   5: 05004D0A:03FE 0B004D0A:C350 01 00000000:00000000 00:00000000 00000000     0        0 81002 1 0000000051b8c383 20 0 0 10 -1',
  '   6: 05004D0A:03FD 0A004D0A:5DC7 01 00000000:00000000 00:00000000 00000000     0        0 81003 1 0000000051b8c383 20 0 0 10 -1',
  '   7: 05004D0A:03FC 0A004D0A:C351 08 00000000:00000000 00:00000000 00000000     0        0 81004 1 0000000051b8c383 20 0 0 10 -1',
].join('\n');
const TCP6 = [
  '  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
  '   1: 00000000000000000000000001000000:8D6F 00000000000000000000000001000000:988C 01 00000000:00000000 00:00000000 00000000     0        0 673601 1 0000000024c07c69 20 0 0 10 -1',
  '   2: 0000000000000000FFFF000005004D0A:03FB 0000000000000000FFFF00000A004D0A:C352 01 00000000:00000000 00:00000000 00000000     0        0 81005 1 0000000024c07c69 20 0 0 10 -1',
  '   3: B80D0120000000000000000005000000:03FA B80D012000000000000000000A000000:C350 01 00000000:00000000 00:00000000 00000000     0        0 81006 1 0000000024c07c69 20 0 0 10 -1',
].join('\n');

describe('parseProcAddress', () => {
  it('when /proc prints little-endian words then the address reads as usual', () => {
    expect(parseProcAddress('0100007F')).toBe('127.0.0.1');
    expect(parseProcAddress('0A004D0A')).toBe('10.77.0.10');
    expect(parseProcAddress('00000000000000000000000001000000')).toBe('::1');
    expect(parseProcAddress('0000000000000000FFFF00000A004D0A')).toBe('10.77.0.10');
    expect(parseProcAddress('B80D012000000000000000000A000000')).toBe('2001:db8::a');
    expect(parseProcAddress('xyz')).toBeUndefined();
  });
});

describe('parseProcNetTcp', () => {
  it('when real lines are parsed then each socket has its 4-tuple, state and inode, and the header is skipped', () => {
    const sockets = parseProcNetTcp(TCP);
    expect(sockets).toHaveLength(7);
    expect(sockets[1]).toEqual({ localIp: '127.0.0.1', localPort: 45113, remoteIp: '127.0.0.1', remotePort: 55492, state: 1, inode: 673491 });
    expect(sockets[3]).toEqual({ localIp: '10.77.0.5', localPort: 1023, remoteIp: '10.77.0.10', remotePort: 50000, state: 1, inode: 81001 });
    expect(parseProcNetTcp(TCP6)[0]).toMatchObject({ localIp: '::1', localPort: 36207, remoteIp: '::1', remotePort: 39052, inode: 673601 });
  });
});

describe('the daemon connections', () => {
  const fdLinks = ['/dev/fuse', 'socket:[81001]', 'socket:[81002]', 'socket:[81003]', 'socket:[81004]', 'socket:[81005]', 'socket:[81006]', 'socket:[673490]', 'pipe:[5]', 'anon_inode:[eventpoll]'];
  const sockets = [...parseProcNetTcp(TCP), ...parseProcNetTcp(TCP6)];

  it('when only its socket inodes are matched then other processes\' sockets and closing ones are left out', () => {
    const inodes = socketInodes(fdLinks);
    expect([...inodes]).toEqual([81001, 81002, 81003, 81004, 81005, 81006, 673490]);
    expect(connectionsOf(inodes, sockets).map((socket) => socket.inode)).toEqual([673490, 81001, 81002, 81003, 81005, 81006]);
  });

  it('when grouped by server then each server lists its ports and sockets, loopback left out', () => {
    const groups = groupByServer(connectionsOf(socketInodes(fdLinks), sockets));
    expect(groups.map((group) => [group.ip, group.ports, group.sockets.length])).toEqual([
      ['10.77.0.10', [50000, 24007, 50002], 3],
      ['10.77.0.11', [50000], 1],
      ['2001:db8::a', [50000], 1],
    ]);
  });
});

describe('socketKillCommand', () => {
  it('when one socket is aborted then ss -K gets its exact 4-tuple inside the daemon\'s network namespace', () => {
    expect(socketKillCommand(4242, { localIp: '10.77.0.5', localPort: 1023, remoteIp: '10.77.0.10', remotePort: 50000 })).toEqual({
      file: 'nsenter',
      args: ['--net=/proc/4242/ns/net', '--', 'ss', '-K', '-t', 'src', '10.77.0.5', 'sport', '=', ':1023', 'dst', '10.77.0.10', 'dport', '=', ':50000'],
    });
    expect(socketKillCommand(7, { localIp: '2001:db8::5', localPort: 1022, remoteIp: '2001:db8::a', remotePort: 50000 }).args).toContain('[2001:db8::a]');
  });

  it('when anything is not a plain address or port then no command is built', () => {
    expect(() => socketKillCommand(7, { localIp: '10.0.0.1 or 1', localPort: 1, remoteIp: '10.0.0.2', remotePort: 2 })).toThrow(/refusing/);
    expect(() => socketKillCommand(7, { localIp: '10.0.0.1', localPort: 0, remoteIp: '10.0.0.2', remotePort: 2 })).toThrow(/refusing/);
    expect(() => socketKillCommand(-1, { localIp: '10.0.0.1', localPort: 1, remoteIp: '10.0.0.2', remotePort: 2 })).toThrow(/refusing/);
  });
});
