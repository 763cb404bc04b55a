// ha-mount.yaml(5), rendered from docs/config.md: the small markdown the page needs (## and ###
// headings, paragraphs, "- `key`: text" lists, fenced code). The first heading and its paragraph
// (which speak about the file itself) are left out.
import { escapeRoff, inlineRoff, tagged, titleLine, verbatim } from './roff.js';

/** Renders ha-mount.yaml(5) from the markdown of docs/config.md. */
export function renderConfigPage(markdown: string, version: string): string {
  const lines = [titleLine('ha-mount.yaml', 5, version), '.SH NAME', 'ha\\-mount.yaml \\- the config file of ha\\-mount(8): mounts, probes, notifications, metrics'];
  const source = markdown.split('\n');
  const start = source.findIndex((line) => line.startsWith('## '));
  let code: string[] | undefined;
  for (const line of source.slice(start)) {
    if (line.startsWith('```')) {
      if (code === undefined) code = [];
      else {
        lines.push(...verbatim(code));
        code = undefined;
      }
      continue;
    }
    if (code !== undefined) code.push(line);
    else if (line.startsWith('## ')) lines.push('.SH', escapeRoff(line.slice(3).toUpperCase()));
    else if (line.startsWith('### ')) lines.push('.SS', escapeRoff(line.slice(4)));
    else if (line.startsWith('- ')) {
      const item = /^- `([^`]+)`: (.*)$/.exec(line);
      lines.push(...(item ? tagged(item[1] ?? '', item[2] ?? '') : ['.IP \\(bu 2', inlineRoff(line.slice(2))]));
    } else if (line.trim() === '') continue;
    else lines.push('.PP', inlineRoff(line));
  }
  return `${lines.join('\n')}\n`;
}

/** Every `key` a "- `key`: text" item of the markdown documents. */
export function documentedKeys(markdown: string): Set<string> {
  return new Set([...markdown.matchAll(/^- `([^`]+)`:/gm)].map((match) => match[1] ?? ''));
}
