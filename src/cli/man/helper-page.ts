// mount.ha(8), rendered from the same lists as `mount.ha -h` (mount-helper-usage.ts).
import { MOUNT_HELPER_FLAGS, MOUNT_HELPER_OPTIONS, MOUNT_HELPER_SOURCES, MOUNT_HELPER_SYNOPSIS, type UsageItem } from '../mount-helper-usage.js';
import { escapeRoff, inlineRoff, tagged, titleLine, verbatim } from './roff.js';

const list = (items: readonly UsageItem[]): string[] => items.flatMap((item) => tagged(item.term, item.text));

/** Renders mount.ha(8). */
export function renderHelperPage(version: string): string {
  const lines = [
    titleLine('mount.ha', 8, version),
    '.SH NAME',
    'mount.ha \\- mount(8) helper for filesystems of type ha: GlusterFS, MooseFS and LizardFS through the first server that answers',
    '.SH SYNOPSIS',
    '.B',
    escapeRoff(MOUNT_HELPER_SYNOPSIS),
    '.SH DESCRIPTION',
    '.PP',
    inlineRoff('mount(8) runs `mount.ha` for fstab lines and `mount -t ha` commands. It tests every server in parallel with a bounded TCP connect, mounts through the first that answers and passes the others to the backend as backups. The `ha-mount agent` service then watches every `ha` line of /etc/fstab. Type `ha` is not a network filesystem to systemd: add `_netdev`.'),
    '.SH SOURCE',
    ...list(MOUNT_HELPER_SOURCES),
    '.SH OPTIONS',
    ...list(MOUNT_HELPER_FLAGS),
    '.SH HA-MOUNT OPTIONS',
    inlineRoff("Taken out of `-o` before the backend sees the rest; the other options go to mount.glusterfs or mfsmount as given."),
    ...list(MOUNT_HELPER_OPTIONS),
    '.SH EXAMPLES',
    ...verbatim([
      '# /etc/fstab',
      '10.0.0.10:/rep_vol1  /mnt/rep_vol1  ha  servers=10.0.0.11:10.0.0.12,_netdev,nofail  0 0',
      'rep_vol1             /mnt/rep_vol1  ha  servers=10.0.0.10:10.0.0.11,_netdev        0 0',
      '10.0.0.20:/          /mnt/mfs       ha  backend=moosefs,servers=10.0.0.21,_netdev  0 0',
    ]),
    '.SH EXIT STATUS',
    "mount(8)'s: 0 mounted, 1 usage or permissions, 2 system error, 4 internal error, 32 mount failure.",
    '.SH SEE ALSO',
    'ha\\-mount(8), ha\\-mount.yaml(5), mount(8), fstab(5)',
  ];
  return `${lines.join('\n')}\n`;
}
