import ipaddr from 'ipaddr.js';

/**
 * Which proxies' `X-Forwarded-For` the API believes, in the form Express's `trust proxy` takes: none
 * (`false`), the number of proxy hops in front of the API, or the addresses and ranges of the proxies.
 */
export type TrustProxy = false | number | string[];

/** Express's names for ranges (proxy-addr). */
const NAMED_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

const isAddressOrRange = (item: string) =>
  NAMED_RANGES.has(item) || ipaddr.IPv4.isValidFourPartDecimal(item) || ipaddr.IPv6.isValid(item) || isCidr(item);

function isCidr(item: string): boolean {
  try {
    ipaddr.parseCIDR(item);
    return true;
  } catch {
    return false;
  }
}

/**
 * `TRUST_PROXY`: unset, empty or `false` trusts no proxy; a whole number is a hop count (`1`: the one
 * proxy in front, e.g. the ingress); otherwise a comma-separated list of addresses, CIDR ranges and the
 * names `loopback`, `linklocal`, `uniquelocal`. `true` (every hop, so any client could choose its own
 * address) is refused. Returns the value for Express, or why the text is refused.
 */
export function parseTrustProxy(text: string): { value: TrustProxy } | { problem: string } {
  const spec = text.trim();
  if (spec === '' || spec === 'false') return { value: false };
  if (/^\d+$/.test(spec)) {
    const hops = Number(spec);
    return hops <= 10 ? { value: hops === 0 ? false : hops } : { problem: 'a hop count must be 0–10' };
  }
  if (spec === 'true')
    return { problem: 'true would let any client choose its own address; give a hop count or the proxies’ CIDRs' };
  const items = spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = items.filter((item) => !isAddressOrRange(item));
  if (items.length === 0 || bad.length > 0)
    return {
      problem: `must be false, a hop count, or a comma-separated list of addresses, CIDRs, loopback, linklocal, uniquelocal (not ${bad.map((b) => JSON.stringify(b)).join(', ')})`,
    };
  return { value: items };
}
