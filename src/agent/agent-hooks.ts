// The agent logs each transition itself (logTransition); the notifier only delivers.
// The agent's outside world: notifications, metrics, sd_notify + watchdog, and the file watcher
// that turns a config or fstab edit into the same reload as SIGHUP.
import { watch, type FSWatcher } from 'chokidar';
import { DEFAULTS } from '../defaults.js';
import type { Logger } from '../log/logger.js';
import type { HaMountConfig } from '../config/load-config.js';
import { describeMetricsExposure, parseMetricsConfig, type MetricsConfig } from '../metrics/metrics-config.js';
import { createMetrics } from '../metrics/metrics.js';
import { subscribeMetrics } from '../metrics/mount-events.js';
import { startMetricsServer, type MetricsServer } from '../metrics/metrics-server.js';
import { createNotifier, type Notifier } from '../notify/notifier.js';
import { parseNotifyConfig, type NotifyConfig } from '../notify/notify-config.js';
import { createSdNotifier } from '../systemd/sd-notifier.js';
import { formatStatusLine } from '../systemd/status-line.js';
import { createWatchdog } from '../systemd/watchdog.js';
import type { Agent } from './agent.js';
import type { AgentHookFactory, AgentHookSet } from './run-agent.js';

/** How file edits reload the agent (SIGHUP to ourselves by default). */
export interface ReloadWatch {
  /** default: process.kill(process.pid, 'SIGHUP'), so file edits and `systemctl reload` share one path */
  trigger?: () => void;
  /** editors write in bursts (temp file, rename, chmod): one reload per quiet period */
  debounceMs?: number;
}

/** The `notify:` and `metrics:` sections of a config (defaults when there is no config). */
function parseSections(config: HaMountConfig | undefined): { notify: NotifyConfig | undefined; metrics: MetricsConfig } {
  return {
    notify: config ? parseNotifyConfig(config.sections.notify) : undefined,
    metrics: config ? parseMetricsConfig(config.sections.metrics) : { enabled: DEFAULTS.metrics.enabled, host: DEFAULTS.metrics.host, port: DEFAULTS.metrics.port },
  };
}

/**
 * Builds the hook factory of `ha-mount agent`: the config's `notify:` and `metrics:` sections
 * are parsed here, at start (a bad section stops the agent with FILE:LINE) and on every reload
 * (a bad section refuses the reload; a changed one replaces the notifier or moves the endpoint).
 */
export function createAgentHookFactory(reload: ReloadWatch = {}): AgentHookFactory {
  return ({ config, logger, files }) => {
    let sections = parseSections(config);
    let notifier: Notifier | undefined = sections.notify ? createNotifier(sections.notify, { logger, logTransitions: false }) : undefined;
    const metrics = createMetrics();
    const sd = createSdNotifier({ logger });
    const watchdog = createWatchdog(sd, { logger });
    watchdog.start();
    let server: MetricsServer | undefined;
    let watcher: ReloadWatcher | undefined;
    let statusTimer: NodeJS.Timeout | undefined;
    let lastRefusal: string | undefined;
    const summary = (agent: Agent): string => formatStatusLine(agent.status().mounts.map((mount) => mount.state));
    const startServer = async (listen: MetricsConfig): Promise<void> => {
      if (!listen.enabled) return;
      server = await startMetricsServer(metrics, listen).catch((error: unknown) => {
        logger.error({ err: error }, `metrics endpoint not started: ${(error as Error).message}`);
        return undefined;
      });
      if (server) logger.info({ url: server.url }, 'metrics endpoint listening');
      const exposure = server ? describeMetricsExposure(listen) : undefined;
      if (exposure) logger.warn({ url: server?.url }, exposure);
    };
    const closeNotifier = async (old: Notifier | undefined): Promise<void> => {
      const left = await old?.close();
      if (left && (left.unsent > 0 || left.hooksNotRun > 0)) logger.warn(left, 'notifications not delivered');
    };

    const hooks: AgentHookSet = {
      onTransition: (event) => notifier?.notify(event),
      // every step of a supervisor is bounded by a deadline, the mount command's being the longest
      onProgress: (name) => watchdog.heartbeat(name, { nextWithinMs: DEFAULTS.commands.mountTimeoutMs + DEFAULTS.probe.timeoutMs }),
      onEvent: subscribeMetrics(metrics),
      mountInfo: metrics,
      onStarted: async (agent) => {
        await startServer(sections.metrics);
        await sd.ready(summary(agent));
        statusTimer = setInterval(() => void sd.status(summary(agent)), DEFAULTS.agent.statusIntervalMs);
        statusTimer.unref();
        watcher = startReloadWatch(files, reload, logger);
      },
      // both sections are parsed before anything changes: a bad one refuses the whole reload
      applyConfig: async (next) => {
        const parsed = parseSections(next);
        if (JSON.stringify(parsed.notify) !== JSON.stringify(sections.notify)) {
          const old = notifier;
          notifier = parsed.notify ? createNotifier(parsed.notify, { logger, logTransitions: false }) : undefined;
          logger.info({ email: parsed.notify?.email !== undefined }, 'notify: section applied');
          void closeNotifier(old);
        }
        if (JSON.stringify(parsed.metrics) !== JSON.stringify(sections.metrics)) {
          await server?.close();
          server = undefined;
          await startServer(parsed.metrics);
          if (!parsed.metrics.enabled) logger.info('metrics endpoint closed');
        }
        sections = parsed;
      },
      // one alert per distinct broken edit: saving the same mistake again does not mail again
      onReloadFailed: (error) => {
        if (error.message === lastRefusal) return;
        lastRefusal = error.message;
        notifier?.alert('config change refused, running mounts kept', `${error.message}\n\nThe agent keeps the configuration it runs with. Fix the file; it is reloaded on save or on SIGHUP.`);
      },
      onReloaded: async (agent) => {
        lastRefusal = undefined;
        // the SMTP password and CA file are read at load only (a send never touches them): a reload reads them again
        try {
          sections.notify?.email?.smtp.secrets.reload();
        } catch (error) {
          logger.error({ err: error }, `SMTP password or CA file not reloaded, keeping the ones read before: ${(error as Error).message}`);
        }
        await sd.status(summary(agent));
      },
      onStopping: async () => {
        // first, before any await: the SIGHUP handler is gone by now, so a reload still pending
        // from a last-moment edit would end the process with SIGHUP in the middle of stopping
        const watcherClosed = watcher?.close();
        if (statusTimer) clearInterval(statusTimer);
        await sd.stopping();
        watchdog.stop();
        await watcherClosed;
        await server?.close();
        await closeNotifier(notifier);
        sd.close();
      },
    };
    return hooks;
  };
}

/** The running file watcher; `close` also drops a reload still waiting for its quiet period. */
interface ReloadWatcher {
  close(): Promise<void>;
}

/** Watches the files with chokidar; a change (after a quiet period) triggers a reload. */
function startReloadWatch(files: readonly string[], watch_: ReloadWatch, logger: Logger): ReloadWatcher | undefined {
  if (files.length === 0) return undefined;
  const trigger = watch_.trigger ?? (() => process.kill(process.pid, 'SIGHUP'));
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const watcher: FSWatcher = watch([...files], { ignoreInitial: true, awaitWriteFinish: false });
  watcher.on('all', (kind, path) => {
    if (closed) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      if (closed) return;
      logger.info({ file: path, change: kind }, `${path} changed: reloading`);
      trigger();
    }, watch_.debounceMs ?? DEFAULTS.agent.reloadDebounceMs);
  });
  watcher.on('error', (error) => logger.error({ err: error }, 'file watcher failed; SIGHUP still reloads'));
  return {
    close: async () => {
      // a pending reload must not fire once the agent stops: with no SIGHUP handler left, the
      // default action of its SIGHUP would end the process (exit 129) before it stopped cleanly
      closed = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await watcher.close();
    },
  };
}
