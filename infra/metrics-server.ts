import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';

/**
 * Serves a prom-client registry at `GET /metrics` on a listener of its own (`host:port`), apart from the
 * public port, so that the metrics are reached only where that address is: loopback, or a pod's
 * network for Prometheus.
 */
export function serveMetrics(registry: Registry, address: string): Promise<Server> {
  const colon = address.lastIndexOf(':');
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (err: Error) => res.writeHead(500).end(err.message),
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(Number(address.slice(colon + 1)), address.slice(0, colon), () => resolve(server));
  });
}
