/** The key of a `key` or `key=value` option token. Pure. */
export function optionKey(token: string): string {
  const equals = token.indexOf('=');
  return equals < 0 ? token : token.slice(0, equals);
}

/** The value of a `key=value` token, or undefined for a bare `key`. Pure. */
export function optionValue(token: string): string | undefined {
  const equals = token.indexOf('=');
  return equals < 0 ? undefined : token.slice(equals + 1);
}
