/**
 * Who a rate limit counts a request against: `TRUST_PROXY` (config/trust-proxy.ts) as Express's
 * `trust proxy` reads it, refused at start when it is not a value Express could use safely, and
 * `clientKey` (api/rate-limits.ts), which keys an IPv6 client by its /64.
 */
import express from 'express';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../../config';
import { clientKey } from '../../api/rate-limits';

describe('TRUST_PROXY', () => {
  it.each([
    [undefined, false],
    ['', false],
    ['false', false],
    ['0', false],
    ['1', 1],
    ['2', 2],
    ['loopback', ['loopback']],
    ['10.0.0.0/8, fd00::/8,uniquelocal', ['10.0.0.0/8', 'fd00::/8', 'uniquelocal']],
    ['192.0.2.10', ['192.0.2.10']],
  ])('%j is %j', (value, expected) => {
    expect(loadConfig(value === undefined ? {} : { TRUST_PROXY: value }).trustProxy).toEqual(expected);
  });

  it.each(['true', '10.0.0.0/33', 'loopbak', '1.5', '-1', 'proxy.example.com', '11', ' , '])(
    '%j is refused at start, naming TRUST_PROXY',
    (value) => {
      expect(() => loadConfig({ TRUST_PROXY: value })).toThrow(/^Invalid configuration: TRUST_PROXY: /);
    },
  );
});

describe('clientKey', () => {
  it.each([
    ['192.0.2.7', '192.0.2.7'],
    ['::ffff:192.0.2.7', '192.0.2.7'],
    ['2001:db8:1:2::a', '2001:db8:1:2::/64'],
    ['2001:db8:1:2:ffff:ffff:ffff:ffff', '2001:db8:1:2::/64'],
    ['2001:db8:1:3::a', '2001:db8:1:3::/64'],
    ['::1', '0:0:0:0::/64'],
    [undefined, 'unknown'],
    ['not an address', 'unknown'],
  ])('%s counts as %s', (ip, key) => {
    expect(clientKey({ ip })).toBe(key);
  });
});

/** The key of one request, as a real Express app with `TRUST_PROXY` set sees it from loopback. */
async function keyOf(trustProxy: string, forwardedFor?: string): Promise<string> {
  const app = express()
    .set('trust proxy', loadConfig({ TRUST_PROXY: trustProxy }).trustProxy)
    .get('/', (req, res) => {
      res.send(clientKey(req));
    });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const headers: Record<string, string> = forwardedFor ? { 'x-forwarded-for': forwardedFor } : {};
    return await (await fetch(`http://127.0.0.1:${port}/`, { headers })).text();
  } finally {
    server.close();
  }
}

describe('the client of a request', () => {
  it('without TRUST_PROXY, is the connection’s address, whatever X-Forwarded-For says', async () => {
    expect(await keyOf('', '198.51.100.1')).toBe('127.0.0.1');
  });

  it('with one trusted hop, is the address the proxy appended, not one the client sent before it', async () => {
    expect(await keyOf('1', '203.0.113.9, 198.51.100.1')).toBe('198.51.100.1');
    expect(await keyOf('1', '2001:db8:1:2::a')).toBe('2001:db8:1:2::/64');
  });
});
