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

/** A turn's connector factory whose clients come from the kept ones (one class: a class made per turn would cost more than the factory). */
class KeptConnectors extends ConnectorFactory {
  constructor(
    private readonly connectors: Memo<Promise<ConnectorClient>>,
    private readonly appId: string,
    private readonly inner: ConnectorFactory,
  ) {
    super();
  }

  create(serviceUrl: string, audience?: string): Promise<ConnectorClient> {
    const key = JSON.stringify([this.appId, serviceUrl, audience ?? null]);
    return remember(this.connectors, key, () => this.inner.create(serviceUrl, audience), (k) => this.connectors.delete(k));
  }
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
    return new KeptConnectors(this.connectors, appIdOf(claims), inner);
  }

  createUserTokenClient(claims: ClaimsIdentity): Promise<UserTokenClient> {
    return remember(this.tokenClients, appIdOf(claims), () => this.inner.createUserTokenClient(claims), (k) => this.tokenClients.delete(k));
  }
}
