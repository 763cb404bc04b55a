// Types for the CommonJS `unix-dgram` addon (it ships none). Only what ha-mount uses.
declare module 'unix-dgram' {
  import type { EventEmitter } from 'node:events';

  /** An AF_UNIX SOCK_DGRAM socket. Callbacks and events fire synchronously. */
  export interface UnixDgramSocket extends EventEmitter {
    /** binds to a filesystem path; emits 'listening' or 'error' */
    bind(path: string): void;
    /** sends `length` bytes of `buf` from `offset` to the socket at `path` (sendto) */
    send(buf: Buffer, offset: number, length: number, path: string, callback?: (error?: Error) => void): void;
    /** closes the file descriptor; a bound path is not unlinked */
    close(): void;
    on(event: 'message', listener: (buf: Buffer, rinfo: { size: number; path?: string }) => void): this;
    on(event: 'error', listener: (error: Error & { code?: number }) => void): this;
    on(event: 'listening' | 'writable', listener: () => void): this;
    on(event: 'congestion', listener: (buf: Buffer) => void): this;
  }

  interface UnixDgram {
    createSocket(type: 'unix_dgram', listener?: (buf: Buffer) => void): UnixDgramSocket;
  }

  const unixDgram: UnixDgram;
  export default unixDgram;
}
