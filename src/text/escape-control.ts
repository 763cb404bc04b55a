// Text from a user, the config file or the volume (mount names, reasons, paths, brick names,
// config keys) must never reach a terminal or a mail header raw: an ESC starts a terminal escape
// sequence, CR/LF forge lines and mail headers, U+202E turns text around. One helper for every sink.

// C0 and C1 controls, DEL, the Unicode line and paragraph separators and the bidi controls
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const CONTROL_KEEP_NEWLINES = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** True when `text` holds a character escapeControl would escape. Pure. */
export function hasControl(text: string): boolean {
  return new RegExp(CONTROL.source).test(text);
}

/**
 * `text` with every control character written out visibly, as JSON would: \n \r \t, and \uNNNN
 * for the other C0 controls, DEL, C1, line separators and bidi controls. `keepNewlines` leaves \n alone, for
 * multi-line output written by ha-mount itself (JSON, tables) that may carry foreign text. Pure.
 */
export function escapeControl(text: string, options: { keepNewlines?: boolean } = {}): string {
  return text.replace(options.keepNewlines ? CONTROL_KEEP_NEWLINES : CONTROL, (char) => {
    return NAMED[char] ?? `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}
