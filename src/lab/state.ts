import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

/** A process the lab started, identified by pid and start time so a reused pid is never killed. */
export interface RecordedProcess {
  pid: number;
  /** field 22 of /proc/PID/stat: clock ticks after boot */
  startTime: number;
  name: string;
  host: string;
}

/**
 * What one run made, written before each thing is made so that a crash at any point leaves a
 * complete list for the next run's sweep. Cleanup treats every entry as "maybe exists".
 */
export interface LabState {
  version: 1;
  prefix: string;
  owner: { pid: number; startTime: number };
  /** /proc/sys/kernel/random/boot_id: after a reboot no pid of the state means anything */
  bootId: string;
  createdAt: string;
  dir: string;
  etcDir: string;
  /** the unreachable route in the root namespace, once added */
  route?: string;
  namespaces: string[];
  /** persistent mount namespaces, bind-mounted on these files */
  mountNamespaceFiles: string[];
  processes: RecordedProcess[];
  folders: string[];
  /**
   * cgroup folders a systemd-nspawn of the run leaves behind (`payload`, `supervisor` under
   * /sys/fs/cgroup/{systemd,unified}): removed with rmdir only, deepest first, once empty
   */
  cgroupFolders?: string[];
  /** left running on purpose (demo --keep): sweeps skip it unless asked to include kept runs */
  kept?: boolean;
}

/** A fresh state for a run. Pure. */
export function createState(input: {
  prefix: string;
  owner: { pid: number; startTime: number };
  bootId: string;
  dir: string;
  etcDir: string;
  now: Date;
}): LabState {
  return {
    version: 1,
    prefix: input.prefix,
    owner: input.owner,
    bootId: input.bootId,
    createdAt: input.now.toISOString(),
    dir: input.dir,
    etcDir: input.etcDir,
    namespaces: [],
    mountNamespaceFiles: [],
    processes: [],
    folders: [],
  };
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

function isRecordedProcess(value: unknown): value is RecordedProcess {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return (
    Number.isInteger(record.pid) &&
    Number.isInteger(record.startTime) &&
    typeof record.name === 'string' &&
    typeof record.host === 'string'
  );
}

/** Parses a state file; undefined when it is not one (never guess what to delete). Pure. */
export function parseState(text: string): LabState | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const state = value as Record<string, unknown>;
  const owner = state.owner as Record<string, unknown> | undefined;
  const valid =
    state.version === 1 &&
    typeof state.prefix === 'string' &&
    typeof owner === 'object' &&
    owner !== null &&
    Number.isInteger(owner.pid) &&
    Number.isInteger(owner.startTime) &&
    typeof state.bootId === 'string' &&
    typeof state.createdAt === 'string' &&
    typeof state.dir === 'string' &&
    typeof state.etcDir === 'string' &&
    (state.route === undefined || typeof state.route === 'string') &&
    (state.kept === undefined || typeof state.kept === 'boolean') &&
    isStringArray(state.namespaces) &&
    isStringArray(state.mountNamespaceFiles) &&
    isStringArray(state.folders) &&
    (state.cgroupFolders === undefined || isStringArray(state.cgroupFolders)) &&
    Array.isArray(state.processes) &&
    state.processes.every(isRecordedProcess);
  return valid ? (value as LabState) : undefined;
}

/** The only cgroup folders a state may name: what systemd-nspawn --keep-unit makes beside its own cgroup. Pure. */
export function isNspawnCgroupFolder(path: string): boolean {
  return /^\/sys\/fs\/cgroup\/(systemd|unified)\/(payload|supervisor)$/.test(path);
}

/** Every name and path in a state must belong to its prefix: a corrupt file must not widen a sweep. Pure. */
export function isStateConfined(state: LabState): boolean {
  const prefix = state.prefix;
  if (!/^[a-z][a-z0-9]{1,9}$/.test(prefix)) return false;
  const isPlainAbsolute = (path: string): boolean => path.startsWith('/') && !path.split('/').includes('..');
  const dirOk = isPlainAbsolute(state.dir) && basename(state.dir).endsWith(`-${prefix}`);
  const etcOk = isPlainAbsolute(state.etcDir) && basename(state.etcDir) === prefix;
  return (
    dirOk &&
    etcOk &&
    (state.route === undefined || /^10\.213\.\d{1,3}\.0\/24$/.test(state.route)) &&
    state.namespaces.every((name) => name.startsWith(`${prefix}-`) && !name.includes('/')) &&
    state.mountNamespaceFiles.every((file) => file.startsWith(`${state.dir}/`)) &&
    state.folders.every((folder) => folder === state.dir || folder === state.etcDir || folder.startsWith(`${state.dir}/`)) &&
    (state.cgroupFolders ?? []).every(isNspawnCgroupFolder)
  );
}

/** Keeps a run's state in memory and on disk; every change is written at once (atomic rename). */
export class StateStore {
  readonly file: string;
  private current: LabState;

  constructor(file: string, state: LabState) {
    this.file = file;
    this.current = state;
  }

  get state(): LabState {
    return this.current;
  }

  /** Applies a change and writes the file before the caller makes the thing it records. */
  update(change: (state: LabState) => void): void {
    change(this.current);
    writeStateFile(this.file, this.current);
  }
}

export function writeStateFile(file: string, state: LabState): void {
  mkdirSync(join(file, '..'), { recursive: true, mode: 0o755 });
  const temporary = `${file}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, file);
}

/** Every state file in the folder, parsed; unreadable or foreign files are skipped. */
export function readStateFiles(stateDir: string): Array<{ file: string; state: LabState }> {
  let names: string[];
  try {
    names = readdirSync(stateDir);
  } catch {
    return [];
  }
  const found: Array<{ file: string; state: LabState }> = [];
  for (const name of names) {
    if (!name.endsWith('.json')) continue;
    const file = join(stateDir, name);
    try {
      const state = parseState(readFileSync(file, 'utf8'));
      if (state && `${state.prefix}.json` === name && isStateConfined(state)) found.push({ file, state });
    } catch {
      // vanished between readdir and read: another run removed it
    }
  }
  return found;
}

export function removeStateFile(file: string): void {
  rmSync(file, { force: true });
  rmSync(`${file}.tmp`, { force: true });
}
