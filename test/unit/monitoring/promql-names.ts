// Reads the metric names and label matchers out of a PromQL expression, well enough to check the
// shipped rules and dashboard against what the agent exports. Not a PromQL parser: it knows the
// forms those files use (selectors, ranges, strings, grouping clauses, Grafana variables).

/** A selector's metric name with the label names its matchers use. */
export interface SelectorUse {
  metric: string;
  labels: string[];
}

const KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless', 'bool', 'offset', 'inf', 'nan']);
const IDENTIFIER = /[a-zA-Z_:][a-zA-Z0-9_:]*/g;

/** Grafana's variables replaced by values PromQL accepts. */
function expandGrafanaVariables(expr: string): string {
  return expr.replace(/\$__(rate_)?interval/g, '5m').replace(/\$\{?(\w+)\}?/g, 'grafana_var_$1');
}

/** Every metric name the expression reads, with the label names matched on it. */
export function readSelectors(rawExpr: string): SelectorUse[] {
  let expr = expandGrafanaVariables(rawExpr);
  const uses: SelectorUse[] = [];
  // selectors with matchers: name{...}; a bare {...} (no name) is not used by these files
  expr = expr.replace(/([a-zA-Z_:][a-zA-Z0-9_:]*)\s*\{([^}]*)\}/g, (_, metric: string, matchers: string) => {
    const labels = [...matchers.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)/g)].map((match) => match[1] as string);
    uses.push({ metric, labels });
    return ' ';
  });
  expr = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  for (const match of expr.matchAll(IDENTIFIER)) {
    const name = match[0];
    const after = expr.slice((match.index ?? 0) + name.length);
    if (KEYWORDS.has(name) || /^\s*\(/.test(after)) continue;
    uses.push({ metric: name, labels: [] });
  }
  return uses;
}
