// Small roff (man(7)) writers shared by the three pages. Text is escaped so that a "." or "'" at a
// line start, a backslash or a hyphen in an option never turns into a roff request.

/** Escapes plain text for roff; `-` becomes `\-` so options print and search as ASCII hyphens. */
export function escapeRoff(text: string): string {
  return text.replaceAll('\\', '\\e').replaceAll('-', '\\-').replace(/^([.'])/gm, '\\&$1');
}

/** Plain text with `code` spans in bold and *words* in italics (the markdown the sources use). */
export function inlineRoff(text: string): string {
  return escapeRoff(text)
    .replace(/`([^`]+)`/g, '\\fB$1\\fR')
    .replace(/\*([^*\s][^*]*)\*/g, '\\fI$1\\fR');
}

/** The page header: `.TH NAME SECTION DATE SOURCE MANUAL`. */
export function titleLine(name: string, section: number, version: string): string {
  return `.TH ${name.toUpperCase().replaceAll('-', '\\-')} ${section} "" "ha-mount ${version}" "ha-mount"`;
}

/** A tagged paragraph: the term in bold, the text indented below it. */
export function tagged(term: string, text: string): string[] {
  return ['.TP', `\\fB${escapeRoff(term)}\\fR`, inlineRoff(text)];
}

/** Lines shown as typed (no filling), indented. */
export function verbatim(lines: readonly string[]): string[] {
  return ['.RS', '.nf', ...lines.map(escapeRoff), '.fi', '.RE'];
}
