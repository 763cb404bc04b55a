/**
 * Runs `onSignal` on SIGINT/SIGTERM. When no other listener handles the signal, it is raised
 * again afterwards so the process ends the way the user asked (this module never calls exit);
 * a second signal during `onSignal` is raised at once.
 * Returns a function that removes the handlers.
 */
export function onTerminationSignal(onSignal: (signal: NodeJS.Signals) => Promise<void>): () => void {
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];
  let running = false;
  const handler = (signal: NodeJS.Signals): void => {
    if (running) {
      // a second Ctrl-C: the user does not want to wait for the cleanup
      remove();
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
      return;
    }
    running = true;
    void onSignal(signal)
      .catch(() => undefined)
      .finally(() => {
        remove();
        // someone else listens: they decide what happens; else the default action ends us
        if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
      });
  };
  const remove = (): void => {
    for (const signal of signals) process.removeListener(signal, handler);
  };
  for (const signal of signals) process.on(signal, handler);
  return remove;
}
