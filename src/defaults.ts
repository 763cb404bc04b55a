/**
 * Every default of ha-mount, each with the reason for its value. Durations are in ms.
 * Code reads defaults from here only; a section per concern.
 */
export const DEFAULTS = {
  configPath: '/etc/ha-mount/ha-mount.yaml', // FHS place for host config; systemd unit and docs point here
  fstabPath: '/etc/fstab',
  stateDir: '/run/ha-mount', // tmpfs: status socket/state must not survive a reboot

  ports: {
    glusterfs: 24007, // glusterd management port: where a client fetches the volfile
    moosefs: 9421, // mfsmaster client port
    lizardfs: 9421, // LizardFS kept MooseFS's client port
  },

  resolve: {
    dnsTimeoutMs: 2_000, // a dead resolver must not hold boot; /etc/hosts answers in <1 ms
    connectTimeoutMs: 1_500, // a LAN peer answers a SYN in <10 ms; 1.5 s leaves room for a loaded server
    totalTimeoutMs: 4_000, // the whole resolution, every candidate in parallel, even when all are black holes
  },

  glusterfs: {
    // GlusterFS's own default is 42 s: a write behind a vanished server blocked 84 s (FIELD-NOTES).
    // 4 s unblocked it after 8 s but risks spurious disconnects when a server is busy (bricks answer
    // pings from the same threads as I/O). 10 s bounds a partition at about 20 s and stays clear of load.
    pingTimeoutS: 10,
  },

  commands: {
    mountTimeoutMs: 30_000, // a FUSE mount here takes ~0.1 s; 30 s is generous before calling it failed
    umountTimeoutMs: 10_000, // lazy unmount returns at once; a plain one can hang behind a dead server
    daemonKillWaitMs: 2_000, // how long a lingering FUSE daemon gets after SIGTERM before SIGKILL
  },

  probe: {
    intervalMs: 1_000, // a failure is seen within about a second; cost measured in bench/
    timeoutMs: 5_000, // node_exporter's stuck-mount timeout; well under the GlusterFS ping timeout
    fall: 3, // keepalived vrrp_script habit: one slow probe under load must not flip a state
    rise: 2, // two good probes before calling a mount healthy again
    slowMs: 2_000, // a healthy FUSE write+fsync round trip here takes a few ms; 2 s is clearly degraded
    write: true, // a lookup alone misses read-only and ENOSPC volumes
    folder: '.ha-mount', // hidden per-mount folder for write probes, one file per client host
    daemonPollMs: 100, // kill(pid, 0) every 100 ms: daemon death seen "at once" for ~no CPU
  },

  repair: {
    backoffBaseMs: 250, // first retry after a failed remount
    backoffCapMs: 30_000, // never wait longer than this between remount attempts while servers answer
    backoffJitter: 0.2, // +-20 % so that many clients do not remount in lockstep
    holdDownMs: 3_000, // after a remount, soft signals are ignored this long while the new mount settles
    recentFailureMs: 30_000, // a server that just failed is tried last for this long (rotation)
  },

  notify: {
    coalesceMs: 3_000, // changes within 3 s of the first go out as one mail
    rateLimitCount: 6, // at most 6 mails per mount per window...
    rateLimitWindowMs: 15 * 60_000, // ...of 15 minutes; then one summary of what was folded
    queueMax: 1_000, // bounded: a long SMTP outage drops the oldest, and says so
    retryBaseMs: 1_000,
    retryCapMs: 60_000,
    smtpTimeoutMs: 10_000,
    hookTimeoutMs: 10_000, // keepalived's default script timeout is 5 s; mail(1) can be slower
  },

  metrics: {
    host: '127.0.0.1', // metrics are local unless the admin opens them
    port: 9_716,
  },

  watchdog: {
    // fraction of WATCHDOG_USEC between two pings (systemd recommends half)
    pingFraction: 0.5,
  },
} as const;
