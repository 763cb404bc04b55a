// Baseline (d): a keepalived vrrp_script-style check (interval 5 s, timeout 5 s, fall 3) whose
// fault action remounts (`umount -l` and the mount command).
//   node dist/bench/baselines/keepalived-check.js --mountpoint MP --log FILE [--interval 5000] [--fall 3] -- mfsmount MP -H VIP
import { parseRemountArgs, runRemountCheck } from './remount-check.js';

await runRemountCheck(parseRemountArgs(process.argv.slice(2), { intervalMs: 5_000, fall: 3, timeoutMs: 5_000 }));
