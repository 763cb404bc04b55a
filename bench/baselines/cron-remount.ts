// Baseline (c): the usual cron job that checks a mount every 10 s and remounts it when the check
// fails once (`mountpoint -q` and a 5 s `stat`, then `umount -l` and the mount command).
//   node dist/bench/baselines/cron-remount.js --mountpoint MP --log FILE [--interval 10000] -- mount -t glusterfs SRC MP -o ...
import { parseRemountArgs, runRemountCheck } from './remount-check.js';

await runRemountCheck(parseRemountArgs(process.argv.slice(2), { intervalMs: 10_000, fall: 1, timeoutMs: 5_000 }));
