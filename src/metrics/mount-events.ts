import type { MountEvent } from '../supervisor/core-types.js';
import type { HaMountMetrics } from './metrics.js';

/** The part of the metrics a mount's events move. */
export type MountEventMetrics = Pick<HaMountMetrics, 'observeProbe' | 'setState' | 'countRemount' | 'countFailure' | 'countAbort' | 'setServer' | 'setDaemonRss'>;

/** The metrics' one subscriber to every supervisor's events: each event moves one series. */
export function subscribeMetrics(metrics: MountEventMetrics): (mount: string, event: MountEvent) => void {
  return (mount, event) => {
    switch (event.kind) {
      case 'transition':
        return metrics.setState(mount, event.change.to);
      case 'state':
        return metrics.setState(mount, event.state);
      case 'probe':
        return metrics.observeProbe(mount, event.latencyMs);
      case 'daemon-rss':
        return metrics.setDaemonRss(mount, event.bytes);
      case 'server':
        return metrics.setServer(mount, event.server);
      case 'failure':
        return metrics.countFailure(mount, event.cause);
      case 'remount':
        return metrics.countRemount(mount, event.cause);
      case 'abort':
        return metrics.countAbort(mount, event.reason);
    }
  };
}
