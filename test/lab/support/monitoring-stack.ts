// A real Prometheus and Alertmanager (Debian 12's prometheus 2.42 and prometheus-alertmanager 0.25)
// and a webhook receiver, run in one lab host's network namespace: they listen only on that host's
// lab address and reach the agents over the lab network. Each has its own data folder and config
// under DIR, is started by pid and stopped by pid.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { runCommand } from '../../../src/exec/run.js';
import { waitUntil } from '../../../src/lab/lab-access.js';
import type { Lab, LabHost } from '../../../src/lab/lab-types.js';

export const PORTS = { prometheus: 9090, alertmanager: 9093, receiver: 9095 } as const;

/** One POST from Alertmanager's webhook (its version 4 payload), with when it arrived. */
export interface Notification {
  at: number;
  status: 'firing' | 'resolved';
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  alerts: Array<{ status: 'firing' | 'resolved'; labels: Record<string, string>; annotations: Record<string, string> }>;
}

// the receiver: appends each POSTed body as one JSON line, with the arrival time
const RECEIVER = `
import { createServer } from 'node:http';
import { appendFileSync } from 'node:fs';
const [host, port, file] = process.argv.slice(1);
createServer((request, response) => {
  let body = '';
  request.on('data', (chunk) => { body += chunk; });
  request.on('end', () => {
    try { appendFileSync(file, JSON.stringify({ at: Date.now(), ...JSON.parse(body) }) + '\\n'); } catch (error) { appendFileSync(file + '.errors', String(error) + '\\n'); }
    response.end('ok');
  });
}).listen(Number(port), host);
`;

/** A started process of the stack. */
interface StackProcess {
  name: string;
  child: ChildProcess;
  exited: Promise<void>;
  log: string;
}

export interface StackOptions {
  dir: string;
  /** scrape targets, "ip:port" */
  targets: string[];
  /** the Prometheus rules (YAML text) */
  rules: string;
  /** Alertmanager's route for the ha-mount alerts (group_by, group_wait...) and its inhibit rules */
  route: Record<string, unknown>;
  inhibitRules: unknown[];
  scrapeIntervalS: number;
}

export class MonitoringStack {
  private readonly processes: StackProcess[] = [];
  readonly notificationsFile: string;

  constructor(
    private readonly lab: Lab,
    readonly host: LabHost,
    private readonly options: StackOptions,
  ) {
    this.notificationsFile = join(options.dir, 'notifications.jsonl');
  }

  url(port: number, path: string): string {
    return `http://${this.host.ip}:${port}${path}`;
  }

  /** Writes the configs and starts the receiver, Alertmanager and Prometheus; resolves when all three answer. */
  async start(): Promise<void> {
    const { dir } = this.options;
    for (const folder of ['prometheus-data', 'alertmanager-data']) mkdirSync(join(dir, folder), { recursive: true });
    const interval = `${this.options.scrapeIntervalS}s`;
    writeFileSync(join(dir, 'rules.yml'), this.options.rules);
    writeFileSync(
      join(dir, 'prometheus.yml'),
      stringify({
        global: { scrape_interval: interval, evaluation_interval: interval, scrape_timeout: `${Math.round(this.options.scrapeIntervalS * 900)}ms` },
        rule_files: [join(dir, 'rules.yml')],
        alerting: { alertmanagers: [{ static_configs: [{ targets: [`${this.host.ip}:${PORTS.alertmanager}`] }] }] },
        scrape_configs: [{ job_name: 'ha-mount', static_configs: [{ targets: this.options.targets }] }],
      }),
    );
    writeFileSync(
      join(dir, 'alertmanager.yml'),
      stringify({
        route: { receiver: 'webhook', ...this.options.route },
        inhibit_rules: this.options.inhibitRules,
        receivers: [{ name: 'webhook', webhook_configs: [{ url: this.url(PORTS.receiver, '/'), send_resolved: true }] }],
      }),
    );
    this.spawn('receiver', process.execPath, ['--input-type=module', '-e', RECEIVER, this.host.ip, String(PORTS.receiver), this.notificationsFile]);
    this.spawn('alertmanager', 'prometheus-alertmanager', [
      `--config.file=${join(dir, 'alertmanager.yml')}`,
      `--storage.path=${join(dir, 'alertmanager-data')}`,
      `--web.listen-address=${this.host.ip}:${PORTS.alertmanager}`,
      '--cluster.listen-address=', // no gossip port: a single instance
    ]);
    this.spawn('prometheus', 'prometheus', [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'prometheus-data')}`,
      `--web.listen-address=${this.host.ip}:${PORTS.prometheus}`,
      '--storage.tsdb.retention.time=1h',
      '--enable-feature=extra-scrape-metrics', // scrape_body_size_bytes: the bytes of each scrape
    ]);
    await waitUntil('Prometheus, Alertmanager and the receiver answer', async () => {
      for (const child of this.processes) if (child.child.exitCode !== null) throw new Error(`${child.name} exited (${child.child.exitCode}): ${this.tail(child)}`);
      const answers = await Promise.all([this.fetch(this.url(PORTS.prometheus, '/-/ready')), this.fetch(this.url(PORTS.alertmanager, '/-/ready')), this.fetch(this.url(PORTS.receiver, '/'), 'POST', '{}')]);
      return answers.every((answer) => answer !== undefined);
    }, 60_000, 500);
  }

  /** GET (or POST) a URL from inside the monitoring host's namespace; undefined when it does not answer 2xx. */
  async fetch(url: string, method = 'GET', body?: string): Promise<string | undefined> {
    const script = 'const [u, m, b] = process.argv.slice(1); const r = await fetch(u, { method: m, body: b === "" ? undefined : b, signal: AbortSignal.timeout(5000) }); if (!r.ok) process.exit(3); process.stdout.write(await r.text());';
    const result = await runCommand(this.lab.hostCommand(this.host, { file: process.execPath, args: ['--input-type=module', '-e', script, url, method, body ?? ''] }), { timeoutMs: 15_000 });
    return result.exitCode === 0 ? result.stdout : undefined;
  }

  /** An instant PromQL query: the result vector as [labels, value]. */
  async query(expr: string): Promise<Array<{ labels: Record<string, string>; value: number }>> {
    const text = await this.fetch(this.url(PORTS.prometheus, `/api/v1/query?query=${encodeURIComponent(expr)}`));
    if (text === undefined) throw new Error(`Prometheus did not answer the query ${expr}`);
    const parsed = JSON.parse(text) as { data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> } };
    return parsed.data.result.map((entry) => ({ labels: entry.metric, value: Number(entry.value[1]) }));
  }

  /** Every notification the receiver got, oldest first (the start-up probe's empty body left out). */
  notifications(): Notification[] {
    if (!existsSync(this.notificationsFile)) return [];
    return readFileSync(this.notificationsFile, 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Notification)
      .filter((notification) => Array.isArray(notification.alerts));
  }

  /** SIGTERM every process of the stack by pid, SIGKILL after 5 s. */
  async stop(): Promise<void> {
    await Promise.all(
      this.processes.map(async (entry) => {
        if (entry.child.exitCode === null && entry.child.signalCode === null) entry.child.kill('SIGTERM');
        const timer = setTimeout(() => entry.child.kill('SIGKILL'), 5_000);
        await entry.exited;
        clearTimeout(timer);
      }),
    );
  }

  private spawn(name: string, file: string, args: string[]): void {
    const log = join(this.options.dir, `${name}.log`);
    const output = openSync(log, 'a');
    const command = this.lab.hostCommand(this.host, { file, args });
    // nsenter execs the program: child.pid is the program's own pid
    const child = spawn(command.file, command.args, { stdio: ['ignore', output, output], cwd: this.options.dir });
    closeSync(output);
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    this.processes.push({ name, child, exited, log });
  }

  private tail(entry: StackProcess): string {
    return existsSync(entry.log) ? readFileSync(entry.log, 'utf8').split('\n').slice(-8).join('\n') : '(no log)';
  }
}
