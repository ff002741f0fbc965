import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { SignJWT, exportJWK, generateKeyPair, type JWTPayload, type KeyLike } from 'jose';
import { AuthenticationConstants, ServiceClientCredentialsFactory, type ServiceClientCredentials } from 'botframework-connector';

/**
 * A Bot Framework channel on loopback, as far as authentication goes: it publishes an OpenID
 * configuration and signing keys (JWKS with the channels each key is endorsed for), and signs the
 * activities it sends with the token a real channel would attach. A second, unpublished key forges.
 */
export class ChannelIssuer {
  readonly appId = `app-${randomUUID()}`;
  readonly issuer = AuthenticationConstants.ToBotFromChannelTokenIssuer;
  private server: Server | undefined;
  private keys: { kid: string; privateKey: KeyLike; jwk: Record<string, unknown> } | undefined;
  private forger: { kid: string; privateKey: KeyLike } | undefined;
  url = '';

  async start(): Promise<void> {
    const pair = await generateKeyPair('RS256');
    const kid = `key-${randomUUID()}`;
    this.keys = { kid, privateKey: pair.privateKey, jwk: { ...(await exportJWK(pair.publicKey)), kid, use: 'sig', alg: 'RS256', endorsements: ['msteams', 'webchat', 'directline'] } };
    // Same key id, another key: what an attacker who read the JWKS could sign with.
    this.forger = { kid, privateKey: (await generateKeyPair('RS256')).privateKey };
    this.server = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      if (req.url === '/.well-known/openidconfiguration') res.end(JSON.stringify({ issuer: this.issuer, jwks_uri: `${this.url}/keys`, id_token_signing_alg_values_supported: ['RS256'] }));
      else if (req.url === '/keys') res.end(JSON.stringify({ keys: [this.keys!.jwk] }));
      else res.writeHead(404).end('{}');
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The settings that make the bot trust this channel. */
  env(): Record<string, string> {
    return { MicrosoftAppId: this.appId, MicrosoftAppPassword: 'not-used-outbound-is-faked', ToBotFromChannelOpenIdMetadataUrl: `${this.url}/.well-known/openidconfiguration` };
  }

  /** The Authorization header a channel sends with an activity to the bot. */
  async sign(serviceUrl: string, opts: { forge?: boolean; audience?: string; issuer?: string; expiresIn?: string } = {}): Promise<string> {
    const key = opts.forge ? this.forger! : this.keys!;
    const jwt = await new SignJWT({ serviceurl: serviceUrl })
      .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' })
      .setIssuer(opts.issuer ?? this.issuer)
      .setAudience(opts.audience ?? this.appId)
      .setIssuedAt()
      .setNotBefore('-1m')
      .setExpirationTime(opts.expiresIn ?? '10m')
      .sign(key.privateKey);
    return `Bearer ${jwt}`;
  }

  /** Credentials for the bot's replies: a fixed token instead of one from Azure AD, which tests cannot reach. */
  credentials(): ServiceClientCredentialsFactory {
    const appId = this.appId;
    return new (class extends ServiceClientCredentialsFactory {
      isValidAppId(id: string): Promise<boolean> {
        return Promise.resolve(id === appId);
      }
      isAuthenticationDisabled(): Promise<boolean> {
        return Promise.resolve(false);
      }
      createCredentials(): Promise<ServiceClientCredentials> {
        return Promise.resolve({
          signRequest: (request: { headers: { set(name: string, value: string): void } }) => {
            request.headers.set('authorization', 'Bearer outbound-test-token');
            return Promise.resolve(request);
          },
        } as unknown as ServiceClientCredentials);
      }
    })();
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => this.server?.close(() => r()) ?? r());
  }
}

/**
 * Entra ID on loopback, as far as the organiser tab's Teams sign-in goes: it publishes a key set and
 * signs the tokens Teams would give the tab (v2 by default), for one tenant and one app registration.
 * Claims can be overridden to make every kind of wrong token; a second, unpublished key forges.
 */
export class EntraIssuer {
  readonly tenantId = randomUUID();
  readonly clientId = randomUUID();
  readonly host = 'assistant.example.org';
  private server: Server | undefined;
  private key: { kid: string; privateKey: KeyLike; jwk: Record<string, unknown> } | undefined;
  private forger: KeyLike | undefined;
  url = '';

  get applicationIdUri(): string {
    return `api://${this.host}/${this.clientId}`;
  }

  async start(): Promise<void> {
    const pair = await generateKeyPair('RS256');
    const kid = `key-${randomUUID()}`;
    this.key = { kid, privateKey: pair.privateKey, jwk: { ...(await exportJWK(pair.publicKey)), kid, use: 'sig', alg: 'RS256' } };
    this.forger = (await generateKeyPair('RS256')).privateKey;
    this.server = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      if (req.url === '/discovery/v2.0/keys') res.end(JSON.stringify({ keys: [this.key!.jwk] }));
      else res.writeHead(404).end('{}');
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The settings that turn Teams sign-in on against this issuer. */
  env(): Record<string, string> {
    return { AAD_APP_CLIENT_ID: this.clientId, AAD_TENANT_IDS: this.tenantId, AAD_JWKS_URL: `${this.url}/discovery/v2.0/keys`, PUBLIC_URL: `https://${this.host}` };
  }

  /** A token for the tab: `oid` signed in; `claims` override (iss, aud, tid…); `expiresIn` may be in the past ("-2h"). */
  async token(oid: string, opts: { claims?: JWTPayload; expiresIn?: string; forge?: boolean } = {}): Promise<string> {
    const { iss, aud, ...claims } = opts.claims ?? {};
    return new SignJWT({ tid: this.tenantId, oid, scp: 'access_as_user', ver: '2.0', ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: this.key!.kid, typ: 'JWT' })
      .setIssuer(iss ?? `https://login.microsoftonline.com/${this.tenantId}/v2.0`)
      .setAudience(aud ?? this.applicationIdUri)
      .setIssuedAt()
      .setNotBefore('-1m')
      .setExpirationTime(opts.expiresIn ?? '1h')
      .sign(opts.forge ? this.forger! : this.key!.privateKey);
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => this.server?.close(() => r()) ?? r());
  }
}
