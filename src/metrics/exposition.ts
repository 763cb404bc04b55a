// The Prometheus text exposition format (version 0.0.4), written by hand: counters, gauges and
// histograms with labels, and nothing else. prom-client did this before and cost 1.3-1.7 MiB of
// the agent's RSS (docs/agent-cost.md, round 3); the agent needs ten families and a render at scrape.
// Pure but for the families' own state.

/** The Content-Type of GET /metrics. */
export const EXPOSITION_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

type Labels = Readonly<Record<string, string>>;

/** One metric family: its series keyed by their label values, in labelNames order. */
interface Family {
  readonly name: string;
  render(lines: string[]): void;
}

/** A counter: it only goes up (by 0 to start a series), or its series is dropped. */
export type Counter = Pick<LabelledValues, 'inc' | 'remove'>;
/** A gauge: set to any value, or its series is dropped. */
export type Gauge = Pick<LabelledValues, 'set' | 'remove'>;

/** The families of one exposition, rendered in the order they were made. */
export class Exposition {
  private readonly families: Family[] = [];
  private readonly renderHooks: Array<{ before: () => void; after: () => void }> = [];

  counter(name: string, help: string, labelNames: readonly string[]): Counter {
    return this.add(new LabelledValues(name, help, 'counter', labelNames));
  }

  gauge(name: string, help: string, labelNames: readonly string[]): Gauge {
    return this.add(new LabelledValues(name, help, 'gauge', labelNames));
  }

  /** `before` runs at the start of each render (read what the computed samples share), `after` at its end. */
  onRender(before: () => void, after: () => void = () => undefined): void {
    this.renderHooks.push({ before, after });
  }

  histogram(name: string, help: string, labelNames: readonly string[], buckets: readonly number[]): Histogram {
    return this.add(new Histogram(name, help, labelNames, buckets));
  }

  /** Samples computed at render time (the agent's own process metrics): `collect` returns them. */
  computed(name: string, help: string, type: 'counter' | 'gauge', collect: () => number | undefined): void {
    this.add({
      name,
      render(lines) {
        const value = collect();
        if (value === undefined || !Number.isFinite(value)) return;
        lines.push(`# HELP ${name} ${escapeHelp(help)}`, `# TYPE ${name} ${type}`, `${name} ${formatValue(value)}`);
      },
    });
  }

  render(): string {
    for (const hook of this.renderHooks) hook.before();
    const lines: string[] = [];
    for (const family of this.families) family.render(lines);
    for (const hook of this.renderHooks) hook.after();
    return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
  }

  private add<F extends Family>(family: F): F {
    if (this.families.some((known) => known.name === family.name)) throw new Error(`metric ${family.name} is defined twice`);
    this.families.push(family);
    return family;
  }
}

/** A counter or gauge family: one number per label set. */
export class LabelledValues implements Family {
  private readonly series = new Map<string, { labels: string; value: number }>();

  constructor(
    readonly name: string,
    private readonly help: string,
    private readonly type: 'counter' | 'gauge',
    private readonly labelNames: readonly string[],
  ) {}

  set(labels: Labels, value: number): void {
    this.entry(labels).value = value;
  }

  inc(labels: Labels, by = 1): void {
    if (by < 0) throw new Error(`${this.name}: a counter only goes up (asked to add ${by})`);
    this.entry(labels).value += by;
  }

  remove(labels: Labels): void {
    this.series.delete(seriesKey(this.labelNames, labels));
  }

  render(lines: string[]): void {
    lines.push(`# HELP ${this.name} ${escapeHelp(this.help)}`, `# TYPE ${this.name} ${this.type}`);
    for (const { labels, value } of this.series.values()) lines.push(`${this.name}${labels} ${formatValue(value)}`);
  }

  private entry(labels: Labels): { labels: string; value: number } {
    const key = seriesKey(this.labelNames, labels);
    let found = this.series.get(key);
    if (found === undefined) {
      found = { labels: formatLabels(this.labelNames, labels), value: 0 };
      this.series.set(key, found);
    }
    return found;
  }
}

/** A histogram family: per label set, a count per bucket (not cumulative until rendered), a sum and a count. */
export class Histogram implements Family {
  private readonly series = new Map<string, { labels: Labels; counts: number[]; sum: number; count: number }>();
  private readonly buckets: readonly number[];

  constructor(
    readonly name: string,
    private readonly help: string,
    private readonly labelNames: readonly string[],
    buckets: readonly number[],
  ) {
    this.buckets = [...buckets].sort((a, b) => a - b);
  }

  observe(labels: Labels, value: number): void {
    const key = seriesKey(this.labelNames, labels);
    let found = this.series.get(key);
    if (found === undefined) {
      found = { labels: { ...labels }, counts: this.buckets.map(() => 0), sum: 0, count: 0 };
      this.series.set(key, found);
    }
    const bucket = this.buckets.findIndex((bound) => value <= bound);
    if (bucket >= 0) found.counts[bucket] = (found.counts[bucket] ?? 0) + 1;
    found.sum += value;
    found.count += 1;
  }

  remove(labels: Labels): void {
    this.series.delete(seriesKey(this.labelNames, labels));
  }

  render(lines: string[]): void {
    lines.push(`# HELP ${this.name} ${escapeHelp(this.help)}`, `# TYPE ${this.name} histogram`);
    const withLe = ['le', ...this.labelNames];
    for (const { labels, counts, sum, count } of this.series.values()) {
      let cumulative = 0;
      this.buckets.forEach((bound, index) => {
        cumulative += counts[index] ?? 0;
        lines.push(`${this.name}_bucket${formatLabels(withLe, { ...labels, le: formatValue(bound) })} ${cumulative}`);
      });
      lines.push(`${this.name}_bucket${formatLabels(withLe, { ...labels, le: '+Inf' })} ${count}`);
      const plain = formatLabels(this.labelNames, labels);
      lines.push(`${this.name}_sum${plain} ${formatValue(sum)}`, `${this.name}_count${plain} ${count}`);
    }
  }
}

function seriesKey(labelNames: readonly string[], labels: Labels): string {
  return labelNames.map((name) => labels[name] ?? '').join('\u0000');
}

/** `{a="1",b="2"}` in labelNames order, or "" with no labels. Pure. */
export function formatLabels(labelNames: readonly string[], labels: Labels): string {
  if (labelNames.length === 0) return '';
  return `{${labelNames.map((name) => `${name}="${escapeLabelValue(labels[name] ?? '')}"`).join(',')}}`;
}

/** A label value as the format wants it: backslash, double quote and line feed escaped. Pure. */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** HELP text: backslash and line feed escaped. Pure. */
function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/** A sample value: integers and decimals as JavaScript prints them, infinities as +Inf/-Inf. Pure. */
export function formatValue(value: number): string {
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  if (Number.isNaN(value)) return 'NaN';
  return String(value);
}
