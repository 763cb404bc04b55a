// glibc strerror texts (LC_ALL=C) as coreutils prints them, mapped back to errno names.
const ERRNO_BY_TEXT: Record<string, string> = {
  'No such file or directory': 'ENOENT',
  'Transport endpoint is not connected': 'ENOTCONN',
  'Stale file handle': 'ESTALE',
  'Input/output error': 'EIO',
  'Host is down': 'EHOSTDOWN',
  'No route to host': 'EHOSTUNREACH',
  'No such device': 'ENODEV',
  'No such device or address': 'ENXIO',
  'No space left on device': 'ENOSPC',
  'Read-only file system': 'EROFS',
  'Disk quota exceeded': 'EDQUOT',
  'Permission denied': 'EACCES',
  'Operation not permitted': 'EPERM',
  'Software caused connection abort': 'ECONNABORTED',
  'Connection refused': 'ECONNREFUSED',
  'Connection reset by peer': 'ECONNRESET',
  'Connection timed out': 'ETIMEDOUT',
  'Network is unreachable': 'ENETUNREACH',
  'Network is down': 'ENETDOWN',
  'Device or resource busy': 'EBUSY',
  'Too many levels of symbolic links': 'ELOOP',
  'Not a directory': 'ENOTDIR',
  'Is a directory': 'EISDIR',
  'File exists': 'EEXIST',
  'Interrupted system call': 'EINTR',
  'Resource temporarily unavailable': 'EAGAIN',
  'Cannot allocate memory': 'ENOMEM',
  'Function not implemented': 'ENOSYS',
  'Operation not supported': 'EOPNOTSUPP',
  'Invalid argument': 'EINVAL',
  'Too many open files': 'EMFILE',
  'File name too long': 'ENAMETOOLONG',
};

/** One error line of a coreutils tool: the path it names (when quoted) and the errno. */
export interface ToolError {
  path?: string;
  errno: string;
  text: string;
}

/** Maps a strerror text to its errno name; unknown texts become "EUNKNOWN". Pure. */
export function errnoFromText(text: string): string {
  return ERRNO_BY_TEXT[text.trim()] ?? 'EUNKNOWN';
}

/**
 * Parses coreutils error lines: `stat: cannot statx 'P': MSG`, `dd: failed to open 'P': MSG`,
 * `cat: P: MSG`, `mkdir: cannot create directory 'P': MSG`. Lines that carry no strerror
 * text are skipped. Pure.
 */
export function parseToolErrors(stderr: string): ToolError[] {
  const errors: ToolError[] = [];
  for (const line of stderr.split('\n')) {
    const cut = line.lastIndexOf(': ');
    if (cut < 0) continue;
    const text = line.slice(cut + 2).trim();
    const errno = errnoFromText(text);
    if (errno === 'EUNKNOWN' && !/^[A-Z][a-z]/.test(text)) continue;
    const quoted = /'([^']*)'/.exec(line.slice(0, cut));
    const bare = /^[a-z]+: (.*)$/.exec(line.slice(0, cut));
    const path = quoted?.[1] ?? bare?.[1];
    errors.push(path === undefined ? { errno, text } : { path, errno, text });
  }
  return errors;
}
