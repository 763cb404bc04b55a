import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { Logger } from '../log/logger.js';
import type { TransitionEvent } from '../types.js';

/** One desktop notification. */
export interface DesktopMessage {
  title: string;
  message: string;
  urgency: 'low' | 'normal' | 'critical';
}

/** Shows a notification; rejects when the desktop refused it. */
export type ShowDesktop = (message: DesktopMessage) => Promise<void>;

/** What the desktop channel needs from outside. */
export interface DesktopChannelDeps {
  logger: Logger;
  env?: NodeJS.ProcessEnv;
  /** defaults to looking in PATH */
  hasCommand?: (name: string) => boolean;
  /** defaults to node-notifier */
  show?: ShowDesktop;
}

/** Transitions in, desktop pop-ups out (or nothing, quietly, on a machine with no desktop). */
export interface DesktopChannel {
  add(event: TransitionEvent): void;
  /** false when off, when there is no desktop, or after the desktop refused a notification */
  readonly active: boolean;
}

/** Says why this machine cannot show desktop notifications, or undefined when it can. Pure apart from the PATH lookup. */
export function findMissingDesktop(env: NodeJS.ProcessEnv, hasCommand: (name: string) => boolean): string | undefined {
  if (!env.DISPLAY && !env.WAYLAND_DISPLAY && !env.DBUS_SESSION_BUS_ADDRESS) {
    return 'no desktop session (DISPLAY, WAYLAND_DISPLAY and DBUS_SESSION_BUS_ADDRESS are unset)';
  }
  if (!hasCommand('notify-send')) return 'notify-send is not installed (apt-get install libnotify-bin)';
  return undefined;
}

/** True when `name` is an executable file in one of PATH's folders. */
export function hasCommandInPath(name: string, env: NodeJS.ProcessEnv = process.env): boolean {
  return (env.PATH ?? '').split(delimiter).some((folder) => {
    if (folder === '') return false;
    try {
      accessSync(join(folder, name), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** Shows a notification with node-notifier (notify-send on Linux); loaded only when used. */
export const showWithNodeNotifier: ShowDesktop = async (message) => {
  const { default: notifier } = await import('node-notifier');
  await new Promise<void>((resolve, reject) => {
    notifier.notify({ title: message.title, message: message.message, urgency: message.urgency, wait: false }, (error) =>
      error ? reject(error) : resolve(),
    );
  });
};

/** Title and text of the pop-up for one transition. Pure. */
export function formatDesktopMessage(event: TransitionEvent): DesktopMessage {
  const details = [event.reason, event.action, event.outageMs === undefined ? undefined : `outage ${Math.round(event.outageMs / 100) / 10} s`]
    .filter((part) => part !== undefined && part !== '')
    .join('; ');
  const urgency = event.to === 'failed' || event.to === 'hung' ? 'critical' : event.to === 'healthy' ? 'low' : 'normal';
  return { title: `ha-mount: ${event.mount} is ${event.to}`, message: `${event.mountpoint}: ${event.from} -> ${event.to}${details ? ` (${details})` : ''}`, urgency };
}

/** Creates the desktop channel. Off, or no desktop: it logs once (when on) and stays quiet. */
export function createDesktopChannel(enabled: boolean, deps: DesktopChannelDeps): DesktopChannel {
  const { logger } = deps;
  const env = deps.env ?? process.env;
  const show = deps.show ?? showWithNodeNotifier;
  let active = enabled;
  if (enabled) {
    const missing = findMissingDesktop(env, deps.hasCommand ?? ((name) => hasCommandInPath(name, env)));
    if (missing) {
      active = false;
      logger.info({ desktop: false }, `desktop notifications are on (notify.desktop) but off on this machine: ${missing}`);
    }
  }
  return {
    get active() {
      return active;
    },
    add(event) {
      if (!active) return;
      show(formatDesktopMessage(event)).catch((error: unknown) => {
        if (!active) return;
        active = false;
        logger.warn({ desktop: false, err: String(error) }, `desktop notification failed, desktop notifications are off until restart: ${String(error)}`);
      });
    },
  };
}
