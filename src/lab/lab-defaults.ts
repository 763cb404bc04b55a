/**
 * Every default of the lab, each with the reason for its value. Durations are in ms.
 * Kept apart from src/defaults.ts because only the lab (tests, demo) reads them.
 */
export const LAB_DEFAULTS = {
  stateDir: '/run/ha-mount-lab', // root-only: state files, keepalived configs and check scripts (keepalived refuses scripts on world-writable paths)
  dirPrefix: '/tmp/ha-mount-lab-', // the run's temp folder: bricks, daemon data, logs, test mountpoints
  netnsDir: '/run/netns', // where `ip netns` keeps its namespace files
  glusterLogDir: '/var/log/glusterfs', // the FUSE client writes <mountpoint>.log here
  subnetPrefix: '10.213', // 10.213.X.0/24: private range, X random so parallel runs do not collide
  subnetAttempts: 40, // random X tries before giving up (256 candidates, few taken)
  volume: 'rep_vol1',

  packages: [
    // package -> why the lab needs it
    'iproute2', // ip netns, veth, bridge
    'util-linux', // unshare, nsenter, mount
    'glusterfs-server',
    'glusterfs-client',
    'moosefs-master',
    'moosefs-chunkserver',
    'moosefs-metalogger',
    'moosefs-client',
    'keepalived',
  ],

  pollMs: 50, // readiness polls read /proc or run `ip`: cheap enough to poll fast, and bring-up time is what users wait for
  commandTimeoutMs: 30_000, // any single lab command (ip, mount, gluster CLI); a healthy one takes < 2 s
  installTimeoutMs: 15 * 60_000, // apt-get on a slow mirror
  daemonReadyMs: 30_000, // a daemon that does not listen within 30 s (2 loaded cores) will not
  peerReadyMs: 30_000, // glusterd peer handshake
  brickReadyMs: 40_000, // brick processes sign in to glusterd's port map
  vipReadyMs: 20_000, // keepalived: MASTER at once at start, or 3 x advert_int + skew on takeover
  mooseReadyMs: 30_000, // chunkservers register, metalogger downloads metadata
  killWaitMs: 5_000, // SIGKILL is immediate; a process in D state on a dead FUSE mount may take a moment

  keepalived: {
    advertIntS: 1, // what the field notes measured with: VIP moves about 3 s after the master dies
    glusterRouterId: 51,
    mooseRouterId: 52,
    priorityMaster: 150,
    priorityBackup: 100,
    checkIntervalS: 1, // vrrp_script: the check runs every second...
    checkFall: 2, // ...and two failures in a row demote the host, like a common deployment
    checkRise: 1,
  },

  moosefs: {
    reconnectDelayS: 1, // MASTER_RECONNECTION_DELAY (default 5): chunkservers start before the VIP exists
  },

  systemdHost: {
    cacheDir: '/var/cache/ha-mount-lab', // Debian 12 roots kept between runs (~440 MB each), one per package list
    suite: 'bookworm', // the client this project targets: Debian 12, systemd 252
    mirror: 'http://deb.debian.org/debian', // Debian's own packages; the one network access of the systemd tests, once per cache
    // what the client root holds: a booting systemd (systemd-sysv as /sbin/init, dbus for systemctl's usual path) and what ha-mount needs to mount
    packages: ['systemd', 'systemd-sysv', 'dbus', 'glusterfs-client', 'moosefs-client', 'fuse3', 'iproute2', 'procps'],
    hostPackages: ['systemd-container', 'debootstrap'], // systemd-nspawn, and what builds the root
    debootstrapTimeoutMs: 15 * 60_000, // ~40 s measured with a near mirror; a slow one takes minutes
    bootTimeoutMs: 60_000, // `systemctl is-system-running --wait`: 1-2 s measured, far more while the machine is loaded
    shutdownTimeoutMs: 60_000, // SIGTERM to nspawn until it exits; a dead mount costs up to TimeoutStopSec
    hostname: 'client',
  },
} as const;
