import { inspect } from 'node:util';
import type { PasswordSource } from './notify-config.js';
import { readCaFile, readPassword } from './password-file.js';

/**
 * The SMTP password and CA certificate, read and checked when the config is loaded and again on
 * reload, kept in memory: sending a mail never touches those files, so a FIFO or a hung mount
 * there cannot block the agent's loop. Never shown in logs or JSON.
 */
export class SmtpSecrets {
  #password: string | undefined;
  #ca: string | undefined;

  constructor(
    private readonly sources: { password?: PasswordSource; caFile?: string },
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    this.reload();
  }

  get password(): string | undefined {
    return this.#password;
  }

  get ca(): string | undefined {
    return this.#ca;
  }

  /** Reads both files again (SIGHUP, a config edit); throws a HaMountError and keeps the old values when one is refused. */
  reload(): void {
    const password = this.sources.password === undefined ? undefined : readPassword(this.sources.password, this.env);
    const ca = this.sources.caFile === undefined ? undefined : readCaFile(this.sources.caFile);
    this.#password = password;
    this.#ca = ca;
  }

  toJSON(): string {
    return '[SMTP secrets]';
  }

  [inspect.custom](): string {
    return '[SMTP secrets]';
  }
}
