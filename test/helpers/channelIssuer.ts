import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { SignJWT, exportJWK, generateKeyPair, type KeyLike } from 'jose';
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
