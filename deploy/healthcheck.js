'use strict';
/**
 * The image's HEALTHCHECK, for both processes the one image runs (slim images have no curl):
 *
 * - the API is healthy when `GET /health` on $PORT answers 200, that is when Temporal, MongoDB, Redis and
 *   SMTP are all up;
 * - the worker, which serves no HTTP API, is healthy when its Prometheus endpoint answers
 *   (`WORKER_METRICS_ADDRESS`, path `/metrics`).
 *
 * The process is told apart by what listens: in the worker's container nothing listens on the API port.
 * Exit code 0 healthy, 1 not; the one line printed is what `docker inspect` shows as the reason.
 */
const TIMEOUT_MS = 5000;

/** `host:port` → the URL to reach it from inside the container; a wildcard host is reached on loopback. */
function localUrl(address, path) {
  const colon = address.lastIndexOf(':');
  const host = address.slice(0, colon);
  const port = address.slice(colon + 1);
  const wildcard = ['', '0.0.0.0', '::', '[::]'].includes(host);
  return `http://${wildcard ? '127.0.0.1' : host}:${port}${path}`;
}

async function statusOf(url) {
  const res = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
  await res.body?.cancel();
  return res.status;
}

const refused = (err) => err instanceof Error && err.cause?.code === 'ECONNREFUSED';

async function check() {
  const api = localUrl(`127.0.0.1:${process.env.PORT || '3000'}`, '/health');
  const metricsAddress = process.env.WORKER_METRICS_ADDRESS;
  let apiStatus;
  try {
    apiStatus = await statusOf(api);
  } catch (err) {
    if (!refused(err) || !metricsAddress) throw err;
  }
  if (apiStatus !== undefined) {
    if (apiStatus !== 200) throw new Error(`API ${api}: ${apiStatus}`);
    return `API ${api}: 200`;
  }
  const metrics = localUrl(metricsAddress, '/metrics');
  const metricsStatus = await statusOf(metrics);
  if (metricsStatus !== 200) throw new Error(`worker ${metrics}: ${metricsStatus}`);
  return `worker ${metrics}: 200`;
}

check().then(
  (line) => {
    console.log(`healthy: ${line}`);
    process.exit(0);
  },
  (err) => {
    const cause = err instanceof Error && err.cause instanceof Error ? ` (${err.cause.message})` : '';
    console.log(`unhealthy: ${err instanceof Error ? err.message : String(err)}${cause}`);
    process.exit(1);
  },
);
