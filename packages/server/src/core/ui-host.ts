// Which published ports share the web UI's host name. Browsers send a host name's cookies to every port of it,
// so an app a compartment publishes on the address the UI listens on (or on every address; or anywhere, when
// the UI listens on every address) receives the session cookie of whoever is logged in to the UI. `serve`
// warns about it and `doctor --listen` reports it. Pure; the ports come from published-ports.ts.

export interface PublishedPort {
  compartment: string;
  /** The unit that publishes it: `web.container`, `app.pod`, `site.kube`. */
  unit: string;
  /** The PublishPort value as written: `127.0.0.1:8080:80`. */
  value: string;
  /** The host address; undefined: every address. */
  address?: string;
  /** The host port or range; undefined: one podman picks. */
  hostPort?: string;
}

const EVERY_ADDRESS = new Set(['', '0.0.0.0', '::', '[::]']);
const isLoopback = (a: string) => a === 'localhost' || a === '::1' || /^127\.\d+\.\d+\.\d+$/.test(a);

/** The published ports a browser reaches under the same host name as the UI listening on `host`. */
export function portsSharingHost(host: string, ports: readonly PublishedPort[]): PublishedPort[] {
  const ui = host.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  return ports.filter((p) => {
    if (EVERY_ADDRESS.has(ui) || p.address === undefined) return true;
    const a = p.address.toLowerCase();
    // 127.0.0.1, ::1 and localhost are all `localhost` to a browser.
    return a === ui || (isLoopback(a) && isLoopback(ui));
  });
}

/** The finding in words: one sentence naming the compartments and their ports, and what to do. */
export function describeSharedHost(
  listen: { host: string; port: number },
  shared: readonly PublishedPort[],
): { message: string; fix: string } {
  const byCompartment = new Map<string, string[]>();
  for (const p of shared) {
    const list = byCompartment.get(p.compartment) ?? [];
    list.push(`${p.value} in ${p.unit}`);
    byCompartment.set(p.compartment, list);
  }
  const where = [...byCompartment].map(([c, ports]) => `${c} (${ports.join(', ')})`).join('; ');
  const ui = `${listen.host.includes(':') ? `[${listen.host}]` : listen.host}:${listen.port}`;
  return {
    message:
      `The web UI (${ui}) shares its host name with ports that compartments publish: ${where}. Browsers send ` +
      'a host name’s cookies to every port of it, so these apps receive the session cookie of whoever is ' +
      'logged in to the UI.',
    fix:
      'Serve the UI on a host name of its own: --listen on an address no compartment publishes on, or a ' +
      'reverse proxy with a name only for the UI; or publish the apps on another address.',
  };
}
