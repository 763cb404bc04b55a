import { readFile } from 'node:fs/promises';
import { buildFstabMountSpec, isHaType, parseFstab } from '../config/fstab.js';
import { loadConfig, type HaMountConfig, type ReadText } from '../config/load-config.js';
import type { Logger } from '../log/logger.js';
import type { MountSpec, ProbeSettings } from '../types.js';

/** Somewhere mounts are declared: the config file, /etc/fstab... Add a source to manage more. */
export interface MountSource {
  /** the file it reads, for logs and status */
  readonly name: string;
  load(): Promise<MountSpec[]>;
}

/** The config file's `mounts:`; `loaded` keeps the whole parsed config for the notify/metrics sections. */
export function createConfigSource(path: string, readText?: ReadText, onLoaded?: (config: HaMountConfig) => void): MountSource {
  return {
    name: path,
    load: async () => {
      const config = await loadConfig(path, readText, { missingOk: false });
      onLoaded?.(config);
      return config.mounts;
    },
  };
}

/**
 * The `ha` lines of an fstab file. A missing file gives no mounts; a bad line is logged with
 * its file:line and skipped, so one typo does not take every other mount down.
 */
export function createFstabSource(path: string, logger: Logger, probeBase?: () => ProbeSettings | undefined, readText: ReadText = (file) => readFile(file, 'utf8')): MountSource {
  return {
    name: path,
    load: async () => {
      let text: string;
      try {
        text = await readText(path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw error;
      }
      const specs: MountSpec[] = [];
      for (const entry of parseFstab(text, path)) {
        if (!isHaType(entry.type)) continue;
        try {
          specs.push(buildFstabMountSpec(entry, probeBase?.()));
        } catch (error) {
          logger.error({ err: error, file: path, line: entry.line }, `skipping ${path}:${entry.line}: ${(error as Error).message}`);
        }
      }
      return specs;
    },
  };
}

/**
 * Every source's mounts, first source first; a mountpoint declared twice keeps the first one
 * (the config file over fstab) and the duplicate is logged.
 */
export async function loadAllMounts(sources: readonly MountSource[], logger: Logger): Promise<MountSpec[]> {
  const byMountpoint = new Map<string, { spec: MountSpec; source: string }>();
  for (const source of sources) {
    for (const spec of await source.load()) {
      const existing = byMountpoint.get(spec.mountpoint);
      if (existing !== undefined) {
        logger.warn({ mountpoint: spec.mountpoint, kept: existing.source, ignored: source.name }, `${spec.mountpoint} is declared in ${existing.source} and ${source.name}: using ${existing.source}`);
        continue;
      }
      byMountpoint.set(spec.mountpoint, { spec, source: source.name });
    }
  }
  return [...byMountpoint.values()].map((entry) => entry.spec);
}
