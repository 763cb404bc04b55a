import { existsSync } from 'node:fs';
import { runCommand } from '../exec/run.js';
import type { Command } from '../types.js';
import type { LabContext } from './context.js';
import { inNetns } from './context.js';
import { LAB_DEFAULTS } from './lab-defaults.js';
import { describeFailure, labError, runChecked } from './lab-error.js';
import type { PlannedHost } from './plan.js';
import { parseAddressPrefixes, parseRouteDestinations, pickSubnetCandidates, subnetOf } from './subnet.js';

const BRIDGE = 'br0';

/** `ip -batch -` in one namespace: one process for many link/addr commands. */
function ipBatch(netns: string | undefined, lines: string[]): { command: Command; input: string } {
  const namespace = netns === undefined ? [] : ['-n', netns];
  return { command: { file: 'ip', args: [...namespace, '-batch', '-'] }, input: `${lines.join('\n')}\n` };
}

async function runBatch(netns: string | undefined, lines: string[], what: string): Promise<void> {
  const { command, input } = ipBatch(netns, lines);
  const result = await runCommand(command, { timeoutMs: LAB_DEFAULTS.commandTimeoutMs, input });
  if (result.exitCode !== 0) {
    throw labError('ha-mount.lab.command', `${what} failed: ip ${command.args.join(' ')} <<< ${lines.join('; ')}: ${describeFailure(result)}`);
  }
}

/**
 * Claims a lab subnet by adding `unreachable 10.213.X.0/24` in the root namespace: anything
 * started there by mistake fails at once instead of sending packets out, and a second run
 * finds the route taken ("File exists") and tries another X.
 */
export async function claimSubnet(ctx: LabContext, random: () => number = Math.random): Promise<number> {
  const routes = await runChecked({ file: 'ip', args: ['-j', '-4', 'route', 'show', 'table', 'all'] }, 'listing routes');
  const addresses = await runChecked({ file: 'ip', args: ['-j', '-4', 'addr', 'show'] }, 'listing addresses');
  const taken = [...parseRouteDestinations(routes.stdout || '[]'), ...parseAddressPrefixes(addresses.stdout || '[]')];
  for (const index of pickSubnetCandidates(taken, random, LAB_DEFAULTS.subnetAttempts)) {
    const subnet = subnetOf(index);
    // recorded first: a crash right after the add still leaves the route in the state
    ctx.store.update((state) => {
      state.route = subnet;
    });
    const result = await runCommand({ file: 'ip', args: ['route', 'add', 'unreachable', subnet] }, { timeoutMs: LAB_DEFAULTS.commandTimeoutMs });
    if (result.exitCode === 0) return index;
    ctx.store.update((state) => {
      delete state.route;
    });
    if (!/exists/i.test(result.stderr)) {
      throw labError('ha-mount.lab.command', `adding the lab's unreachable route failed: ip route add unreachable ${subnet}: ${describeFailure(result)}`);
    }
  }
  throw labError('ha-mount.lab.subnet', `no free lab subnet ${LAB_DEFAULTS.subnetPrefix}.X.0/24: every candidate is taken by a route or address; remove stale "unreachable ${LAB_DEFAULTS.subnetPrefix}.*" routes of dead runs (ha-mount lab sweep) and retry`);
}

/** Builds the lab network: a switch namespace holding one bridge, and a veth from every host into it. */
export async function createNetwork(ctx: LabContext, prefixLength = 24): Promise<void> {
  const { plan } = ctx;
  const names = [plan.switchNetns, ...plan.hosts.map((host) => host.netns)];
  ctx.store.update((state) => {
    state.namespaces.push(...names.filter((name) => !state.namespaces.includes(name)));
  });
  await runBatch(undefined, names.map((name) => `netns add ${name}`), 'creating the lab network namespaces');
  const hasIpv6 = existsSync('/proc/sys/net/ipv6');
  await Promise.all([
    runBatch(plan.switchNetns, [`link add ${BRIDGE} type bridge`, `link set ${BRIDGE} up`, 'link set lo up'], `creating the lab bridge in ${plan.switchNetns}`),
    // no IPv6: no link-local chatter, router solicitations or DAD on the lab links
    ...(hasIpv6 ? names.map((name) => disableIpv6(name)) : []),
  ]);
  await Promise.all(plan.hosts.map((host) => createHostLink(ctx, host, prefixLength)));
  const ports = plan.hosts.flatMap((host) => [`link set ${host.switchPort} master ${BRIDGE}`, `link set ${host.switchPort} up`]);
  await runBatch(plan.switchNetns, ports, `plugging the hosts into the lab bridge in ${plan.switchNetns}`);
}

async function disableIpv6(netns: string): Promise<void> {
  await runChecked(
    inNetns(netns, { file: 'sysctl', args: ['-q', '-w', 'net.ipv6.conf.all.disable_ipv6=1', 'net.ipv6.conf.default.disable_ipv6=1'] }),
    `disabling IPv6 in ${netns}`,
  );
}

async function createHostLink(ctx: LabContext, host: PlannedHost, prefixLength: number): Promise<void> {
  // the veth is made inside the host's namespace with its peer put straight into the switch's: no name ever exists in the root namespace
  await runBatch(
    host.netns,
    [
      `link add eth0 type veth peer name ${host.switchPort} netns ${ctx.plan.switchNetns}`,
      `addr add ${host.ip}/${prefixLength} dev eth0`,
      'link set eth0 up',
      'link set lo up',
    ],
    `creating the link of ${host.name} (${host.netns})`,
  );
}

/** Sets the switch-side end of a host's link down or up: packets vanish, nobody sends RST. */
export async function setHostLink(ctx: LabContext, host: PlannedHost, up: boolean): Promise<void> {
  await runChecked(
    { file: 'ip', args: ['-n', ctx.plan.switchNetns, 'link', 'set', host.switchPort, up ? 'up' : 'down'] },
    `${up ? 'restoring' : 'cutting'} the link of ${host.name}`,
  );
}

/** The IPv4 addresses of a host's eth0. */
export async function readHostAddresses(host: PlannedHost): Promise<string[]> {
  const result = await runCommand({ file: 'ip', args: ['-j', '-4', '-n', host.netns, 'addr', 'show', 'dev', 'eth0'] }, { timeoutMs: LAB_DEFAULTS.commandTimeoutMs });
  if (result.exitCode !== 0) return [];
  return parseAddressPrefixes(result.stdout || '[]').map((prefix) => prefix.split('/')[0] as string);
}

/** Removes an address from a host's eth0 if it is there (a SIGKILLed keepalived leaves its VIP behind). */
export async function removeHostAddress(host: PlannedHost, ip: string, prefixLength = 24): Promise<void> {
  if (!(await readHostAddresses(host)).includes(ip)) return;
  await runChecked({ file: 'ip', args: ['-n', host.netns, 'addr', 'del', `${ip}/${prefixLength}`, 'dev', 'eth0'] }, `removing ${ip} from ${host.name}`);
}
