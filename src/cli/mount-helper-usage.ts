// mount.ha's usage as data: `mount.ha -h` and mount.ha(8) are both rendered from these lists, so
// the page cannot drift from the help. No imports: mount.ha loads this at boot.

/** One entry of a usage list: what is typed, and what it does. */
export interface UsageItem {
  term: string;
  text: string;
}

export const MOUNT_HELPER_SYNOPSIS = 'mount.ha SOURCE DIR [-sfnv] [-o options] [-t ha.BACKEND]';

/** The forms of SOURCE. */
export const MOUNT_HELPER_SOURCES: readonly UsageItem[] = [
  { term: 'host1[,host2...][:port]:/volume[/subdir]', text: 'GlusterFS: the servers (the first is preferred, e.g. the VIP), then the volume' },
  { term: 'host1[,host2...][:port]:/path', text: "MooseFS, LizardFS (backend=moosefs or -t ha.moosefs): the masters, then the master's path" },
  { term: 'VOLUME or /path', text: 'the volume name or master\'s path alone, with the servers in -o servers=host1:host2' },
];

/** The flags mount(8) passes, and the ones for people. */
export const MOUNT_HELPER_FLAGS: readonly UsageItem[] = [
  { term: '-o OPTIONS', text: "comma-separated: ha-mount's own options below are taken out, fstab-only ones (_netdev, nofail, x-*) dropped, the rest go to the backend" },
  { term: '-t ha.BACKEND', text: 'the backend as a subtype: ha.glusterfs, ha.moosefs, ha.lizardfs (default glusterfs)' },
  { term: '-s', text: 'sloppy: drop options the backend does not know instead of failing' },
  { term: '-f', text: 'fake: resolve the servers and print the mount command; mount nothing' },
  { term: '-n', text: 'no mtab: accepted (there is none to write)' },
  { term: '-v', text: "verbose: each server's verdict and what was mounted" },
  { term: '-N NS', text: 'refused: run the mount inside the namespace instead (nsenter -m -t PID mount ...)' },
  { term: '-h, --help', text: 'print this help' },
  { term: '-V, --version', text: 'print the version' },
];

/** ha-mount's own options, taken out before the backend sees the rest. */
export const MOUNT_HELPER_OPTIONS: readonly UsageItem[] = [
  { term: 'backend=glusterfs|moosefs|lizardfs', text: 'the backend, instead of -t ha.BACKEND' },
  { term: 'servers=gfs2:gfs3', text: 'more servers after the source\'s (host:port items joined with "+", or hosts joined with ":")' },
  { term: 'name=NAME', text: 'the mount\'s name in status, mails and metrics (default: the volume, or backend:path)' },
  { term: 'ping-timeout=N|off', text: 'GlusterFS ping timeout in seconds (default 10; off keeps GlusterFS\'s 42)' },
  { term: 'probe-interval=1s', text: 'time between two probes of the agent' },
  { term: 'probe-timeout=5s', text: 'a probe older than this marks the mount hung' },
  { term: 'probe-fall=3', text: 'bad probes in a row before degraded' },
  { term: 'probe-rise=2', text: 'good probes in a row before healthy again' },
  { term: 'probe-slow=2s', text: 'a probe slower than this counts as slow (degraded)' },
  { term: 'probe-write=yes|no', text: 'also write, fsync and read back a probe file' },
  { term: 'on-hang-remount-after=30s', text: 'remount a mount hung this long (default: alert only)' },
];

function formatList(items: readonly UsageItem[]): string[] {
  const width = Math.max(...items.map((item) => item.term.length)) + 2;
  return items.map((item) => `  ${item.term.padEnd(width)}${item.text}`);
}

/** `mount.ha -h`, and the text after a usage error. */
export function formatMountHelperUsage(): string {
  return [
    `usage: ${MOUNT_HELPER_SYNOPSIS}`,
    'SOURCE:',
    ...formatList(MOUNT_HELPER_SOURCES),
    'flags:',
    ...formatList(MOUNT_HELPER_FLAGS),
    'options of ha-mount (taken out of -o before the backend sees the rest):',
    ...formatList(MOUNT_HELPER_OPTIONS),
  ].join('\n');
}
