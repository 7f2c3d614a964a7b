/**
 * The codec's check of a sign-on access token (api/sign-on-tokens.ts) while the identity provider cannot
 * be reached: 503 SIGN_ON_UNAVAILABLE, a failure to retry, not a 401 that reads as a bad token, and the
 * discovery is tried again by the next request. (Its verdicts on tokens: codec-auth.integration.test.ts.)
 */
import { signOnTokenVerifier } from '../../api/sign-on-tokens';
import { freePort } from '../../stack/ports';

it('answers 503 SIGN_ON_UNAVAILABLE, each time, while the issuer’s discovery document cannot be had', async () => {
  const issuer = `http://127.0.0.1:${await freePort()}`;
  const verify = signOnTokenVerifier({ issuer, audience: 'codec', algorithms: ['RS256'] });
  for (let attempt = 0; attempt < 2; attempt++) {
    await expect(verify('a.b.c')).rejects.toMatchObject({ status: 503, code: 'SIGN_ON_UNAVAILABLE' });
  }
});
