import { readFileSync } from 'node:fs';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createMetrics } from '../../../src/metrics/metrics.js';
import { readSelectors, type SelectorUse } from './promql-names.js';

const root = new URL('../../../monitoring/', import.meta.url);

interface RuleFile {
  groups: Array<{ rules: Array<{ record?: string; alert?: string; expr: string; labels?: Record<string, string> }> }>;
}
interface Panel {
  title?: string;
  targets?: Array<{ expr?: string }>;
}

function readRules(): RuleFile {
  return parse(readFileSync(new URL('prometheus/ha-mount.rules.yml', root), 'utf8')) as RuleFile;
}

function dashboardExprs(): Array<{ where: string; expr: string }> {
  const dashboard = JSON.parse(readFileSync(new URL('grafana/ha-mount-fleet.json', root), 'utf8')) as { panels: Panel[]; templating: { list: Array<{ name: string; definition?: string }> } };
  const fromPanels = dashboard.panels.flatMap((panel) => (panel.targets ?? []).filter((target) => target.expr !== undefined).map((target) => ({ where: `panel "${panel.title}"`, expr: target.expr as string })));
  // label_values(EXPR, label): EXPR is a selector
  const fromVariables = dashboard.templating.list.map((variable) => ({ where: `variable $${variable.name}`, expr: /label_values\((.*),\s*\w+\)/.exec(variable.definition ?? '')?.[1] ?? '' }));
  return [...fromPanels, ...fromVariables];
}

/**
 * What a real agent exports, metric name -> label names: the agent's own registry fed with one
 * mount in every series family (each family appears only once something was set), as GET /metrics
 * renders it, plus the job and instance labels that Prometheus adds to every series.
 */
async function exportedMetrics(): Promise<Map<string, Set<string>>> {
  const metrics = createMetrics();
  metrics.describeMount('data', { backend: 'glusterfs', volume: 'rep_vol1', servers: 'vip,gfs1' });
  metrics.setState('data', 'healthy');
  metrics.observeProbe('data', 12);
  metrics.countRemount('data', 'daemon_dead');
  metrics.countFailure('data', 'enotconn');
  metrics.setServer('data', 'vip:24007');
  metrics.setDaemonRss('data', 1_000_000);
  metrics.setServersReachable('data', true);
  const exported = new Map<string, Set<string>>();
  for (const family of parsePrometheusTextFormat(await metrics.render())) {
    const names = family.type === 'HISTOGRAM' ? [`${family.name}_bucket`, `${family.name}_sum`, `${family.name}_count`] : [family.name];
    const labels = new Set(['job', 'instance', ...(family.type === 'HISTOGRAM' ? ['le'] : [])]);
    for (const sample of family.metrics) for (const label of Object.keys(sample.labels ?? {})) labels.add(label);
    for (const name of names) exported.set(name, labels);
  }
  return exported;
}

/** Series Prometheus makes itself for every target (and that the rules use). */
const PROMETHEUS_MADE = new Map([
  ['up', new Set(['job', 'instance'])],
  ['scrape_samples_scraped', new Set(['job', 'instance'])],
  ['scrape_duration_seconds', new Set(['job', 'instance'])],
]);

async function knownMetrics(): Promise<Map<string, Set<string>>> {
  const known = new Map([...(await exportedMetrics()), ...PROMETHEUS_MADE]);
  for (const group of readRules().groups) {
    for (const rule of group.rules) {
      if (rule.record === undefined) continue;
      const labels = new Set(['job', 'instance', 'mount', 'volume', 'backend', 'servers', 'class', ...Object.keys(rule.labels ?? {})]);
      known.set(rule.record, new Set([...(known.get(rule.record) ?? []), ...labels]));
    }
  }
  return known;
}

/** Every use that names a metric nobody exports, or matches a label that metric does not carry. */
function unknownUses(uses: SelectorUse[], known: Map<string, Set<string>>): string[] {
  return uses.flatMap((use) => {
    const labels = known.get(use.metric);
    if (labels === undefined) return [`metric ${use.metric}`];
    return use.labels.filter((label) => !labels.has(label)).map((label) => `label ${label} on ${use.metric}`);
  });
}

describe('readSelectors', () => {
  it('when an expression joins, groups and ranges then only metric names and matcher labels are read', () => {
    expect(readSelectors('histogram_quantile(0.99, sum by (le, volume) (rate(ha_mount_probe_latency_seconds_bucket{instance="$instance"}[$__rate_interval]) * on (job, instance, mount) group_left (volume) ha_mount_info))')).toEqual([
      { metric: 'ha_mount_probe_latency_seconds_bucket', labels: ['instance'] },
      { metric: 'ha_mount_info', labels: [] },
    ]);
    expect(readSelectors('up{job="ha-mount"} == 1 unless on (job, instance) ha_mount_info')).toEqual([
      { metric: 'up', labels: ['job'] },
      { metric: 'ha_mount_info', labels: [] },
    ]);
  });
});

describe('shipped monitoring files against the agent\'s metrics', () => {
  it('when the known set is built then it holds the agent\'s fleet series (the check can see a missing one)', async () => {
    const known = await knownMetrics();
    expect(known.get('ha_mount_info')).toEqual(new Set(['job', 'instance', 'mount', 'backend', 'volume', 'servers']));
    expect(known.has('ha_mount_servers_reachable')).toBe(true);
    expect(known.has('ha_mount_probe_latency_seconds_bucket')).toBe(true);
    expect(unknownUses(readSelectors('ha_mount_state{status="failed"} + ha_mount_nope'), known)).toEqual(['label status on ha_mount_state', 'metric ha_mount_nope']);
  });

  it('when every rule expression is read then each metric and matched label is one the agent or Prometheus makes', async () => {
    const known = await knownMetrics();
    const rules = readRules().groups.flatMap((group) => group.rules);
    expect(rules.length).toBeGreaterThan(10);
    const problems = rules.flatMap((rule) => unknownUses(readSelectors(rule.expr), known).map((problem) => `${rule.alert ?? rule.record}: ${problem}`));
    expect(problems).toEqual([]);
  });

  it('when every dashboard query is read then each metric and matched label is one the agent, Prometheus or a rule makes', async () => {
    const known = await knownMetrics();
    const exprs = dashboardExprs();
    expect(exprs.length).toBeGreaterThan(20);
    const problems = exprs.flatMap(({ where, expr }) => unknownUses(readSelectors(expr), known).map((problem) => `${where}: ${problem}`));
    expect(problems).toEqual([]);
    // both views are there: the fleet and one client (chosen by $instance)
    expect(exprs.some(({ expr }) => expr.includes('volume_class:ha_mount_problem_clients:count'))).toBe(true);
    expect(exprs.filter(({ expr }) => expr.includes('instance="$instance"')).length).toBeGreaterThan(5);
  });
});
