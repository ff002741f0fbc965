import type { Activity } from 'botbuilder';
import {
  BotFrameworkAuthentication,
  ConnectorFactory,
  type AuthenticateRequestResult,
  type BotFrameworkClient,
  type ClaimsIdentity,
  type ConnectorClient,
  type UserTokenClient,
} from 'botframework-connector';
import { Memo } from '../memo';

/** Whom a token was issued to (botbuilder reads the app id from these: audience, else appid); empty without authentication. */
function appIdOf(claims: ClaimsIdentity): string {
  return JSON.stringify([claims.getClaimValue('aud'), claims.getClaimValue('appid')]);
}

/** Remembers a promise; a rejected one is forgotten, so that the next turn tries again. */
function remember<T>(memo: Memo<Promise<T>>, key: string, make: () => Promise<T>, forget: (key: string) => void): Promise<T> {
  return memo.get(key, () => {
    const made = make();
    made.catch(() => forget(key));
    return made;
  });
}

/**
 * botbuilder's authentication, with the clients it builds for each turn kept: CloudAdapter makes a
 * connector client and a user-token client on every turn (expectReplies ones too), and building one
 * (its credentials, its request pipeline) cost more than the rest of an echo turn. A client holds no
 * turn's data: the same one serves every turn of a channel endpoint and app id, as BotFrameworkAdapter
 * kept them. Bounded: an unauthenticated client chooses its serviceUrl.
 */
export class ClientCachingAuthentication extends BotFrameworkAuthentication {
  private readonly connectors = new Memo<Promise<ConnectorClient>>(200);
  private readonly tokenClients = new Memo<Promise<UserTokenClient>>(20);

  constructor(private readonly inner: BotFrameworkAuthentication) {
    super();
  }

  async authenticateRequest(activity: Activity, authHeader: string): Promise<AuthenticateRequestResult> {
    return this.keptClients(await this.inner.authenticateRequest(activity, authHeader));
  }

  async authenticateStreamingRequest(authHeader: string, channelIdHeader: string): Promise<AuthenticateRequestResult> {
    return this.keptClients(await this.inner.authenticateStreamingRequest(authHeader, channelIdHeader));
  }

  /** CloudAdapter takes a turn's connector client from the factory the authentication result carries. */
  private keptClients(result: AuthenticateRequestResult): AuthenticateRequestResult {
    return result.connectorFactory ? { ...result, connectorFactory: this.keptConnectors(result.claimsIdentity, result.connectorFactory) } : result;
  }

  override authenticateChannelRequest(authHeader: string): Promise<ClaimsIdentity> {
    return this.inner.authenticateChannelRequest(authHeader);
  }

  override getOriginatingAudience(): string {
    return this.inner.getOriginatingAudience();
  }

  override createBotFrameworkClient(): BotFrameworkClient {
    return this.inner.createBotFrameworkClient();
  }

  createConnectorFactory(claims: ClaimsIdentity): ConnectorFactory {
    return this.keptConnectors(claims, this.inner.createConnectorFactory(claims));
  }

  private keptConnectors(claims: ClaimsIdentity, inner: ConnectorFactory): ConnectorFactory {
    const appId = appIdOf(claims);
    const connectors = this.connectors;
    return new (class extends ConnectorFactory {
      create(serviceUrl: string, audience?: string): Promise<ConnectorClient> {
        const key = JSON.stringify([appId, serviceUrl, audience ?? null]);
        return remember(connectors, key, () => inner.create(serviceUrl, audience), (k) => connectors.delete(k));
      }
    })();
  }

  createUserTokenClient(claims: ClaimsIdentity): Promise<UserTokenClient> {
    return remember(this.tokenClients, appIdOf(claims), () => this.inner.createUserTokenClient(claims), (k) => this.tokenClients.delete(k));
  }
}
