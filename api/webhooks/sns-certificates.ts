import { X509Certificate, type KeyObject } from 'node:crypto';
import { WebhookRefusal } from './types';

/** Where Amazon SNS keeps its signing certificates and its subscription links; nowhere else is trusted. */
const SNS_CERTIFICATE =
  /^https:\/\/sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\/SimpleNotificationService-[A-Za-z0-9]+\.pem$/;
const SNS_HOST = /^https:\/\/sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\//;

/** The certificates fetched so far, by URL: SNS signs with a handful of them, for months each. */
const MAX_CACHED = 100;

export interface SnsHosts {
  /** `off` (tests only; production refuses it): any URL is taken, so a test can serve its own certificate. */
  hostCheck: 'on' | 'off';
}

/** Whether `url` is an address of Amazon SNS itself (its certificates, its SubscribeURL). */
export function isSnsUrl(url: string, { hostCheck }: SnsHosts, what: 'certificate' | 'link'): boolean {
  if (hostCheck === 'off') return /^https?:\/\//.test(url);
  return (what === 'certificate' ? SNS_CERTIFICATE : SNS_HOST).test(url);
}

/** The signing keys of SNS certificates, each fetched once (only from SNS's own host), then cached. */
export function snsCertificates(hosts: SnsHosts, fetchText = fetchPem) {
  const cache = new Map<string, Promise<KeyObject>>();
  return async function signingKey(url: string): Promise<KeyObject> {
    if (!isSnsUrl(url, hosts, 'certificate'))
      throw new WebhookRefusal('signature', 'SigningCertURL is not an Amazon SNS certificate address.');
    let key = cache.get(url);
    if (!key) {
      key = fetchText(url).then((pem) => new X509Certificate(pem).publicKey);
      if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
      cache.set(url, key);
      // A failed fetch is not kept: the next post tries again.
      key.catch(() => cache.delete(url));
    }
    try {
      return await key;
    } catch {
      throw new WebhookRefusal('sns-unavailable', 'The SNS signing certificate could not be fetched.');
    }
  };
}

async function fetchPem(url: string): Promise<string> {
  const res = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(5_000) });
  if (!res.ok) throw new Error(`${url} answered ${res.status}`);
  return res.text();
}
