import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { ExitCode, HaMountError } from '../errors.js';
import { escapeControl } from '../text/escape-control.js';
import { parseDuration } from './duration.js';

/**
 * A cursor into a parsed YAML config that knows its file, line and key path, so that every
 * error reads `FILE:LINE: KEY.PATH: expected X, found Y`. Section parsers (probe, notify,
 * metrics...) each take a ConfigReader for their section.
 */
export class ConfigReader {
  constructor(
    readonly file: string,
    private readonly lines: LineCounter,
    readonly node: Node | null | undefined,
    readonly path: string,
  ) {}

  /** Parses YAML text; a syntax error becomes a HaMountError naming file and line. */
  static parse(file: string, text: string): ConfigReader {
    const lines = new LineCounter();
    const document = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
    const first = document.errors[0];
    if (first) {
      const line = first.linePos?.[0]?.line ?? lines.linePos(first.pos[0]).line;
      throw new HaMountError(
        'ha-mount.config.syntax',
        `${file}:${line}: invalid YAML: ${first.message.split('\n')[0]}; fix the file and try again`,
        ExitCode.USAGE,
      );
    }
    return new ConfigReader(file, lines, document.contents as Node | null, '');
  }

  /** 1-based line of this node (or of the nearest parent that exists). */
  get line(): number {
    const offset = this.node?.range?.[0];
    return offset === undefined ? 1 : this.lines.linePos(offset).line;
  }

  get exists(): boolean {
    return this.node !== undefined && this.node !== null;
  }

  /** The error for this node: file, line, key path, what was expected and what was found. */
  error(expected: string, code = 'ha-mount.config.invalid'): HaMountError {
    const where = this.path === '' ? '(top level)' : this.path;
    return new HaMountError(
      code,
      `${this.file}:${this.line}: ${where}: expected ${expected}, found ${this.describe()}`,
      ExitCode.USAGE,
    );
  }

  /** The child at `key` of a mapping (a reader with no node when absent). */
  child(key: string): ConfigReader {
    // a key is text from the file: its path goes into messages, so control characters are shown escaped
    const shownKey = escapeControl(key);
    const childPath = this.path === '' ? shownKey : `${this.path}.${shownKey}`;
    if (!isMap(this.node)) return new ConfigReader(this.file, this.lines, undefined, childPath);
    const pair = this.node.items.find((item) => isScalar(item.key) && String(item.key.value) === key);
    const value = pair?.value as Node | null | undefined;
    // an absent value keeps the key's position so errors point at the right line
    const located = value ?? (pair ? (pair.key as Node) : undefined);
    return new ConfigReader(this.file, this.lines, value === null && pair ? located : value, childPath);
  }

  /** Keys of a mapping; throws when this node exists and is not a mapping. */
  keys(): string[] {
    if (!this.exists) return [];
    if (!isMap(this.node)) throw this.error('a mapping (key: value lines)');
    return this.node.items.map((item) => String(isScalar(item.key) ? item.key.value : item.key));
  }

  /** Throws for any key not in `allowed`, naming the allowed ones (catches typos like `intreval`). */
  rejectUnknownKeys(allowed: readonly string[]): void {
    for (const key of this.keys()) {
      if (!allowed.includes(key)) throw this.child(key).error(`one of the keys ${allowed.join(', ')}`, 'ha-mount.config.unknown-key');
    }
  }

  /** Items of a sequence; throws when this node exists and is not a list. */
  items(): ConfigReader[] {
    if (!this.exists) return [];
    if (!isSeq(this.node)) throw this.error('a list');
    return this.node.items.map(
      (item, index) => new ConfigReader(this.file, this.lines, item as Node, `${this.path}[${index}]`),
    );
  }

  /** The plain value of a scalar, or undefined when absent. */
  scalar(): unknown {
    if (!this.exists) return undefined;
    if (!isScalar(this.node)) throw this.error('a single value');
    return this.node.value;
  }

  string(options: { required: true }): string;
  string(options?: { required?: boolean }): string | undefined;
  string(options: { required?: boolean } = {}): string | undefined {
    const value = this.scalar();
    if (value === undefined || value === null) {
      if (options.required) throw this.error('a value (this key is required)', 'ha-mount.config.missing');
      return undefined;
    }
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    if (typeof value !== 'string') throw this.error('a string');
    return value;
  }

  integer(options: { min?: number; max?: number } = {}): number | undefined {
    const value = this.scalar();
    if (value === undefined || value === null) return undefined;
    const min = options.min ?? Number.MIN_SAFE_INTEGER;
    const max = options.max ?? Number.MAX_SAFE_INTEGER;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      throw this.error(`a whole number from ${min} to ${max}`);
    }
    return value;
  }

  boolean(): boolean | undefined {
    const value = this.scalar();
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'boolean') throw this.error('true or false');
    return value;
  }

  /** A duration like 500ms, 2s, 1m; returns milliseconds. */
  duration(options: { minMs?: number; maxMs?: number } = {}): number | undefined {
    const value = this.scalar();
    if (value === undefined || value === null) return undefined;
    const ms = typeof value === 'string' || typeof value === 'number' ? parseDuration(value) : undefined;
    const min = options.minMs ?? 0;
    const max = options.maxMs ?? Number.MAX_SAFE_INTEGER;
    if (ms === undefined || ms < min || ms > max) throw this.error(`a duration like 500ms, 2s or 1m, from ${min} ms to ${max} ms`);
    return ms;
  }

  /** A list of strings, or a single string taken as a one-item list. */
  stringList(): string[] | undefined {
    if (!this.exists) return undefined;
    if (isSeq(this.node)) return this.items().map((item) => item.string({ required: true }));
    const single = this.string();
    return single === undefined ? undefined : [single];
  }

  private describe(): string {
    if (!this.exists) return 'nothing';
    if (isMap(this.node)) return 'a mapping';
    if (isSeq(this.node)) return 'a list';
    if (isScalar(this.node)) return escapeControl(JSON.stringify(this.node.value) ?? String(this.node.value));
    return 'something else';
  }
}
