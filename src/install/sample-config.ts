/**
 * The commented sample config `ha-mount install` writes to etc/ha-mount/ha-mount.yaml when
 * none exists. It defines no mount, so an agent started before the admin edits it watches
 * the `ha` lines of /etc/fstab only.
 */
export const SAMPLE_CONFIG = `# ha-mount configuration: the mounts the ha-mount agent makes and watches, besides the
# \`ha\` lines of /etc/fstab. Written by \`ha-mount install\` (which never overwrites this file).
# The agent reloads it on change or on \`systemctl reload ha-mount\`; an invalid edit is
# reported with file:line and the running config stays in force.
# Durations are written 500ms, 2s, 1m.

mounts: []
# A GlusterFS replica volume through a keepalived VIP, both servers as backups:
#  - name: rep_vol1
#    backend: glusterfs               # glusterfs | moosefs | lizardfs
#    volume: rep_vol1
#    servers: [10.0.0.10, 10.0.0.11, 10.0.0.12]   # first = the VIP (preferred), then backups
#    mountpoint: /mnt/rep_vol1
#    options: []                      # passed to the GlusterFS client
#    probe: { interval: 2s }          # overrides the global probe settings below
#    on-hang: { remount-after: 60s }  # default: alert only, the client's own timeout resolves it
#    post-remount: [/usr/bin/systemctl, restart, nginx]   # absolute; checked like notify hooks
#
# A MooseFS export through the master's VIP:
#  - name: projects
#    backend: moosefs
#    servers: [10.0.1.10]
#    subdir: /projects
#    mountpoint: /mnt/projects

# Health probes, for every mount unless it says otherwise:
#probe:
#  interval: 1s      # time between two probes
#  timeout: 5s       # a probe older than this marks the mount hung
#  fall: 3           # bad probes in a row before a slow/degraded mount changes state
#  rise: 2           # good probes in a row before it is healthy again
#  slow: 2s          # a probe slower than this counts as slow
#  write: true       # write, fsync and read back a token, not only a lookup

# Prometheus metrics (text format at http://LISTEN/metrics):
#metrics:
#  enabled: true
#  listen: 127.0.0.1:9716

# Alerts: e-mail on every state change, like keepalived's notify mail (man ha-mount.yaml,
# docs/mail.md). The local MTA is enough: STARTTLS is used when it offers it; try it with
# \`ha-mount notify-test\`. A remote relay with a login gets STARTTLS required, on port 587.
#notify:
#  email:
#    to: [ops@example.com]
#    from: ha-mount@example.com
#    smtp: { host: 127.0.0.1 }
#    # smtp: { host: mail.example.com, user: ha-mount, password-file: /etc/ha-mount/smtp-password }
`;
