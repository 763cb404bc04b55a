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
  /** where each mount of the last load() is declared ("FILE:LINE"), same order; the source's name when absent */
  origins?(): readonly string[];
}

/**
 * The config file's `mounts:`; `onLoaded` gets the whole parsed config for the notify/metrics
 * sections. `missingOk`: a missing file gives no mounts (the default path, when every mount is in fstab).
 */
export function createConfigSource(path: string, readText?: ReadText, onLoaded?: (config: HaMountConfig) => void, options: { missingOk?: boolean } = {}): MountSource {
  let origins: readonly string[] = [];
  return {
    name: path,
    load: async () => {
      const config = await loadConfig(path, readText, { missingOk: options.missingOk ?? false });
      origins = config.origins;
      onLoaded?.(config);
      return config.mounts;
    },
    origins: () => origins,
  };
}

/**
 * The `ha` lines of an fstab file. A missing file gives no mounts; a bad line is logged with
 * its file:line and skipped, so one typo does not take every other mount down.
 */
export function createFstabSource(path: string, logger: Logger, probeBase?: () => ProbeSettings | undefined, readText: ReadText = (file) => readFile(file, 'utf8')): MountSource {
  let origins: string[] = [];
  return {
    name: path,
    load: async () => {
      let text: string;
      try {
        text = await readText(path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
          origins = [];
          return [];
        }
        throw error;
      }
      const specs: MountSpec[] = [];
      const lines: string[] = [];
      for (const entry of parseFstab(text, path)) {
        if (!isHaType(entry.type)) continue;
        try {
          specs.push(buildFstabMountSpec(entry, probeBase?.()));
          lines.push(`${path}:${entry.line}`);
        } catch (error) {
          logger.error({ err: error, file: path, line: entry.line }, `skipping ${path}:${entry.line}: ${(error as Error).message}`);
        }
      }
      origins = lines;
      return specs;
    },
    origins: () => origins,
  };
}

/**
 * Every source's mounts, first source first, each one unique by mountpoint and by name, so that
 * every mount returned gets its own supervisor (they are keyed by name). A mountpoint or a name
 * declared twice keeps the first declaration (the config file over fstab, an earlier fstab line
 * over a later one); the later one is refused with an error naming both places.
 */
export async function loadAllMounts(sources: readonly MountSource[], logger: Logger): Promise<MountSpec[]> {
  const byMountpoint = new Map<string, string>();
  const byName = new Map<string, string>();
  const kept: MountSpec[] = [];
  for (const source of sources) {
    const specs = await source.load();
    const origins = source.origins?.() ?? [];
    specs.forEach((spec, index) => {
      const origin = origins[index] ?? source.name;
      const samePlace = byMountpoint.get(spec.mountpoint);
      if (samePlace !== undefined) {
        logger.warn({ mountpoint: spec.mountpoint, kept: samePlace, ignored: origin }, `${spec.mountpoint} is declared in ${samePlace} and ${origin}: using ${samePlace}`);
        return;
      }
      const sameName = byName.get(spec.name);
      if (sameName !== undefined) {
        logger.error(
          { mount: spec.name, kept: sameName, refused: origin },
          `not watching ${spec.mountpoint} (${origin}): its mount name "${spec.name}" is already used by ${sameName}, and each mount needs its own name; give it another one (fstab: add name=OTHER to its options; config file: change name:)`,
        );
        return;
      }
      byMountpoint.set(spec.mountpoint, origin);
      byName.set(spec.name, origin);
      kept.push(spec);
    });
  }
  return kept;
}
