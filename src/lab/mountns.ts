import { writeFileSync } from 'node:fs';
import type { LabContext } from './context.js';
import { mountNamespaceFile } from './context.js';
import { runChecked } from './lab-error.js';
import type { PlannedHost } from './plan.js';

/**
 * Makes the folder that holds persistent mount namespaces a private bind mount of itself:
 * the kernel refuses to bind a mount namespace file onto a shared mount.
 */
export async function prepareNamespaceFolder(ctx: LabContext): Promise<void> {
  const folder = ctx.plan.nsDir;
  await runChecked({ file: 'mount', args: ['--bind', folder, folder] }, `bind-mounting ${folder} onto itself`);
  await runChecked({ file: 'mount', args: ['--make-private', folder] }, `making ${folder} a private mount`);
}

/**
 * Creates a host's own mount namespace, kept alive by a bind mount on a file (so glusterd can
 * be restarted into it and the gluster CLI can enter it while glusterd is down), and binds the
 * host's folders over the paths glusterd keeps its state, sockets and logs in.
 */
export async function createHostMountNamespace(ctx: LabContext, host: PlannedHost, binds: Array<{ source: string; target: string }>): Promise<string> {
  const file = mountNamespaceFile(ctx.plan, host);
  ctx.store.update((state) => {
    if (!state.mountNamespaceFiles.includes(file)) state.mountNamespaceFiles.push(file);
  });
  writeFileSync(file, '');
  await runChecked({ file: 'unshare', args: [`--mount=${file}`, '--propagation', 'private', 'true'] }, `creating the mount namespace of ${host.name}`);
  for (const bind of binds) {
    await runChecked(
      { file: 'nsenter', args: [`--mount=${file}`, '--', 'mount', '--bind', bind.source, bind.target] },
      `bind-mounting ${bind.source} on ${bind.target} in ${host.name}'s mount namespace`,
    );
  }
  return file;
}
