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
    // the `ping-timeout=` option accepts this range: below 2 s a busy brick already looks dead
    pingTimeoutMinS: 2,
    pingTimeoutMaxS: 1_800,
  },

  commands: {
    mountTimeoutMs: 30_000, // a FUSE mount here takes ~0.1 s; 30 s is generous before calling it failed
    umountTimeoutMs: 10_000, // lazy unmount returns at once; a plain one can hang behind a dead server
    daemonKillWaitMs: 2_000, // how long a lingering FUSE daemon gets after SIGTERM before SIGKILL
    // a mountpoint (or the mount to unmount) is checked in a child killed after this: a local lookup
    // answers in ms; one below a hung mount would block as long as the hang, holding boot with it
    pathCheckTimeoutMs: 5_000,
    versionTimeoutMs: 3_000, // `mfsmount --version` answers at once; a stuck binary must not hold a mount
    verifyMountMs: 1_000, // a daemonised client may register its mount a moment after the helper returns
    verifyPollMs: 50, // how often mountinfo is re-read while waiting for the mount to appear
    outputMax: 64 * 1024, // bytes kept per stream: a failing helper's message fits, a runaway one cannot fill memory
    drainMs: 200, // a daemonised FUSE client can inherit a mount command's pipes: stop reading shortly after exit
    killGraceMs: 500, // after the deadline's SIGKILL, a child in an uninterruptible call may not exit: settle anyway
  },

  probe: {
    intervalMs: 1_000, // a failure is seen within about a second; cost measured in bench/
    timeoutMs: 5_000, // node_exporter's stuck-mount timeout; well under the GlusterFS ping timeout
    fall: 3, // keepalived vrrp_script habit: one slow probe under load must not flip a state
    rise: 2, // two good probes before calling a mount healthy again
    slowMs: 2_000, // a healthy FUSE write+fsync round trip here takes a few ms; 2 s is clearly degraded
    write: true, // a lookup alone misses read-only and ENOSPC volumes
    folder: '.ha-mount', // hidden per-mount folder for write probes, one file per client host
    // the FUSE daemon's end is told by the probe helper's pidfd at once; without pidfd_open (Linux
    // < 5.3) its /proc/PID/stat is read this often instead (500 reads a second at 50 mounts were
    // 12 % of the agent's CPU)
    daemonPollMs: 100,
    // the probe helper's interpreter: perl-base is Essential on Debian (on every client, even minbase);
    // an absolute path, as the agent runs as root
    helperPerl: '/usr/bin/perl',
    // after the probe helper died, wait at most this long for an orphaned probe worker to go
    orphanWaitMs: 30_000,
    // the probes of one turn (the mounts tick together) run in one worker of the helper, one after
    // the other, lookups first: one request a tick instead of one per mount. A lookup answers in
    // about a millisecond, a write in a few, so a batch of 50 in tens; a batch not done after this
    // long is killed (its worker with it), the probes it had not answered run one per request, and
    // the mount it was stuck on is probed alone until a probe answers within this time again. Hung is still timed from each probe's own start; a probe's
    // latency includes its wait in the batch (at most this long, far below probe.slowMs)
    batchDeadlineMs: 250,
    // the write probe (create, write, fsync, read back) at most this often while writes succeed,
    // the lookup at every interval: a write costs a probe worker ~2x a lookup's CPU and ~12 FUSE
    // calls; hangs and dead clients are seen by the lookup (and the daemon watch) as before, and
    // after a failed write every probe writes again, so `fall` and `rise` count writes
    writeEveryMs: 5_000,
    // the GlusterFS client log is kept open and polled with one fstat per probe; its path is walked
    // and opened again this often, which is how soon a rotated (renamed) log is followed (logs
    // rotate daily or weekly); appends, which carry the brick news, are seen at the next probe as
    // before. At 10 s the walks were still a tenth of the agent's busy time at 50 mounts
    logReopenMs: 30_000,
    // every mount's probe tick moves to the nearest 100 ms point of the wall clock (at most 50 ms):
    // the mounts then tick together, their requests leave in one pipe write and the agent wakes
    // once per point, not once per mount. Hung and dead mounts are timed from the probe and the
    // daemon watch, which do not move
    tickGridMs: 100,
    // after a (re)mount, probe this often until healthy: `rise` good probes confirm the new mount
    // in ~0.4 s instead of 2 s, which is what keeps "healthy within 2 s of a server's return"
    settleIntervalMs: 200,
  },

  // issue 17: a client blocked behind a server that vanished (no RST) waits for its ping timeout;
  // aborting its sockets to that server makes the replica translator fail over at once
  partition: {
    // a probe out this long makes the agent check the daemon's servers: a healthy probe answers in
    // ms, and a check costs one TCP connect per server. 2 s after the probe started + the connect
    // timeout below + up to one probe interval before it keeps the user's outage near 4 s
    stallCheckMs: 2_000,
    // a LAN peer answers a SYN in <10 ms; a busy brick, or one whose process is SIGSTOPped, still
    // does (the kernel completes the handshake), so only a vanished host stays silent this long
    connectTimeoutMs: 1_000,
    // one abort per server per 30 s: a flapping link cannot turn into a reconnect storm, and a
    // second cut within 30 s falls back on the ping timeout (10 s)
    abortMinIntervalMs: 30_000,
    // `ss -K` of one socket answers in ms; a stuck one must not hold the supervisor's effects
    socketKillTimeoutMs: 2_000,
    // a FUSE connection whose `waiting` count stayed above 0 at every probe tick for this long while
    // probes pass holds a request a user's program is stuck on (the MooseFS replayed chunk lock: 120 s):
    // reported degraded. 20 s is well past any healthy request here (ms) and past the 10 s GlusterFS
    // ping timeout; a mount kept busy without a pause for 20 s can look the same (docs/partitions.md)
    stuckRequestMs: 20_000,
  },

  repair: {
    backoffBaseMs: 250, // first retry after a failed remount: a mount takes ~0.1 s here, so a retry costs little
    backoffCapMs: 30_000, // never wait longer than this between remount attempts while servers answer
    backoffJitter: 0.2, // +-20 % so that many clients do not remount in lockstep
    holdDownMs: 3_000, // after a remount, soft signals are ignored this long while the new mount settles
    recentFailureMs: 30_000, // a server that just failed is tried last for this long (rotation)
    postRemountTimeoutMs: 60_000, // a post-remount command (e.g. restarting a service) gets a minute, then SIGKILL
    // a remount first kills the probe still running on the old mount and waits this long for it to
    // end, so that no probe worker walks the path while the new mount is made; one blocked in a hung
    // call is not waited for longer than this. (The 1-8 % of failed remounts once blamed on such
    // probes were the lab's fault injector killing the new mount too, fixed in src/lab/faults.ts.)
    probeExitWaitMs: 1_000,
  },

  agent: {
    // status.json is rewritten on every transition and at least this often, so `ha-mount status`
    // shows a last probe at most 5 s old and can tell a dead agent (no rewrite for 3 periods)
    statusIntervalMs: 5_000,
    staleAfterMs: 15_000,
    // editors save in bursts (temp file, rename, chmod); one reload per 300 ms of quiet
    reloadDebounceMs: 300,
    // with --expose-gc (the launcher gives it, nodeFlags below), a full collection after start-up, then whenever the
    // heap grew by this much since the last one (checked every heapCheckMs): at 50 mounts, whose
    // old space grew ~0.25 MiB/s, about every 16 s, instead of V8 letting the old space reach twice
    // its live size (src/agent/heap.ts, docs/agent-cost.md)
    heapGrowthBytes: 4 * 1024 * 1024,
    heapCheckMs: 5_000,
    // V8 flags the launchers give `ha-mount agent` (V8 reads them only at start, and most are not
    // allowed in NODE_OPTIONS). The agent runs for good and does little: V8's interpreter alone
    // (--lite-mode, which is --jitless here: no optimized code re-made after every collection that
    // dropped an object it embedded), no helper threads (--single-threaded), a 1 MiB young
    // generation (its garbage is small and short-lived), gc() exposed for src/agent/heap.ts. In
    // one bench run (bench/results/issue16-r4): 1 mount 63.3 -> 56.9 MiB, 50 mounts 110 -> 63.0 MiB,
    // CPU 3.1 % at 50 either way, but 0.8 -> 1.2 % at 10 (docs/agent-cost.md, round 4).
    nodeFlags: ['--lite-mode', '--single-threaded', '--max-semi-space-size=1', '--expose-gc'],
  },

  notify: {
    // a failover is a burst (failed -> recovering -> healthy within a remount, ~1 s here): 3 s of
    // quiet after the first change makes it one mail, and the first mail still leaves within 3 s
    coalesceMs: 3_000,
    // at most 10 mails per mount per window: one incident (failed, recovering, degraded, hung,
    // healthy...) fits whole; a flapping mount is folded after that
    rateLimitCount: 10,
    rateLimitWindowMs: 15 * 60_000, // ...of 15 minutes; then one summary of what was folded
    queueMax: 1_000, // bounded: a long SMTP outage drops the oldest, and says so
    retryBaseMs: 1_000, // first retry after a failed send: a relay restart takes about a second
    retryCapMs: 60_000, // during a long SMTP outage, one attempt a minute: quick delivery once it ends, no log storm
    smtpTimeoutMs: 10_000, // connect, greeting and each reply; a live relay answers in ms, a black hole must not hold the queue
    smtpPorts: { starttls: 587, tls: 465, relay: 25 }, // submission, submissions (RFC 8314) and the relay port a local MTA listens on
    // STARTTLS when offered, plain otherwise, required once a password would cross the network: what
    // works with the MTA a client already has (keepalived's smtp_server 127.0.0.1, Debian's exim4)
    smtpSecurity: 'auto',
    listMax: 50, // changes listed in one mail; a storm folds more, the mail counts them and stays readable
    closeDrainMs: 5_000, // at shutdown, keep sending this long; well under systemd's 90 s stop timeout
    hookTimeoutMs: 10_000, // keepalived's default script timeout is 5 s; mail(1) can be slower
    hookQueueMax: 1_000, // hooks waiting behind a slow one; beyond that the oldest are dropped, and logged
    hookOutputMax: 4_096, // bytes of a hook's stdout/stderr kept for the log line
  },

  metrics: {
    enabled: true, // loopback-only and cheap (computed at scrape), so on unless the config says otherwise
    host: '127.0.0.1', // metrics are local unless the admin opens them
    port: 9_716, // one fixed port in the 9100-9999 exporter range so a scrape config is written once
    // probe latency buckets in seconds: a healthy FUSE round trip is a few ms; 2 s is probe.slowMs
    // and 5 s probe.timeoutMs, so "slow" and "hung" fall on bucket edges; 12 buckets keep 50 mounts at 700 series
    latencyBucketsS: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5],
    // the event loop's delay is sampled by a libuv timer of its own: every 10 ms (prom-client's
    // default) was 100 wake-ups a second; every 100 ms still cost 0.07 % of a core on its own
    // (measured, docs/agent-cost.md round 3). Once a second is
    // enough for the dashboard's lag panel; a blocked loop is the watchdog's to catch
    eventLoopPrecisionMs: 1_000,
  },

  watchdog: {
    // fraction of WATCHDOG_USEC between two pings (systemd recommends half)
    pingFraction: 0.5,
    // systemd-notify is spawned only for an abstract NOTIFY_SOCKET; it returns in a few ms, and a
    // spawn stuck longer than this must not pile up behind the next ping
    notifyCommandTimeoutMs: 2_000,
  },

  install: {
    prefix: '/', // install root; a temp folder for tests or packaging
    unitDir: 'lib/systemd/system', // vendor unit folder under the prefix (/etc/systemd/system stays the admin's)
    sbinDir: 'sbin', // mount(8) looks for mount.TYPE in /sbin (then /sbin/fs.d, /sbin/fs)
    manDir: 'usr/share/man', // man(1)'s system path; pages come from dist/man/ (npm run build)
    manPages: ['ha-mount.8', 'mount.ha.8', 'ha-mount.yaml.5'], // what npm run build writes to dist/man/
    manifestPath: 'var/lib/ha-mount/install-manifest.json', // what install created, so uninstall removes exactly that
  },

  log: {
    // journald's native protocol socket (systemd.journal-fields(7)); the agent sends one datagram per
    // line there when its stdout is the journal, so each line carries PRIORITY= and HA_MOUNT_NAME=
    journalSocket: '/run/systemd/journal/socket',
    // SYSLOG_IDENTIFIER=: what `journalctl -t ha-mount` and the line prefix show, like any daemon's name
    syslogIdentifier: 'ha-mount',
  },
} as const;
