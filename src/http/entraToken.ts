import { createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { TeamsSignIn } from '../config';
import { TokenRefused, type SignedInUser, type TokenVerifier } from './adminAuth';

const CLOCK_TOLERANCE_SECONDS = 60;

/**
 * Checks the tokens Teams gives the organiser tab (authentication.getAuthToken): signed by a key of
 * Entra ID's key set, issued by an allowed tenant (v1 or v2 issuer), for this app (client id or
 * Application ID URI), not expired, and carrying an object id.
 */
export class EntraTokenVerifier implements TokenVerifier {
  private readonly keys: JWTVerifyGetKey;
  private readonly issuers: string[];

  constructor(
    private readonly settings: TeamsSignIn,
    keys?: JWTVerifyGetKey,
  ) {
    this.keys = keys ?? createRemoteJWKSet(new URL(settings.jwksUrl), { timeoutDuration: 5000, cooldownDuration: 30_000 });
    this.issuers = settings.tenantIds.flatMap((t) => [`https://sts.windows.net/${t}/`, `https://login.microsoftonline.com/${t}/v2.0`]);
  }

  async verify(token: string): Promise<SignedInUser> {
    let payload;
    try {
      ({ payload } = await jwtVerify(token, this.keys, {
        issuer: this.issuers,
        audience: [this.settings.clientId, this.settings.applicationIdUri],
        algorithms: ['RS256'],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        requiredClaims: ['exp', 'tid', 'oid'],
      }));
    } catch (e) {
      const unavailable = e instanceof errors.JWKSTimeout || !(e instanceof errors.JOSEError) || e.code === 'ERR_JOSE_GENERIC';
      throw new TokenRefused(unavailable ? 'the signing keys of Entra ID could not be fetched' : refusal(e), unavailable, { cause: e });
    }
    const tid = String(payload['tid']).toLowerCase();
    // The issuer names the tenant too, but the claim is what Entra ID documents as the user's tenant.
    if (!this.settings.tenantIds.includes(tid)) throw new TokenRefused('the token comes from a tenant that is not allowed (AAD_TENANT_IDS)');
    const oid = payload['oid'];
    if (typeof oid !== 'string' || !oid) throw new TokenRefused('the token has no object id (oid)');
    return { oid: oid.toLowerCase(), tid };
  }
}

/** The reason jose gives, said for people. */
function refusal(e: unknown): string {
  if (e instanceof errors.JWTExpired) return 'the token has expired';
  if (e instanceof errors.JWTClaimValidationFailed) {
    if (e.claim === 'aud') return 'the token is not for this app (audience: AAD_APP_CLIENT_ID or AAD_APP_ID_URI)';
    if (e.claim === 'iss') return 'the token was not issued by an allowed Entra ID tenant';
    return `the token's "${e.claim}" claim is not acceptable`;
  }
  if (e instanceof errors.JWSSignatureVerificationFailed || e instanceof errors.JWKSNoMatchingKey) return 'the token is not signed by a key Entra ID publishes';
  return 'the token is not a valid signed token';
}
