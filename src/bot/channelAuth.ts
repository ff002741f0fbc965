import { CallerIdConstants, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import { AuthenticationConstants, type ConnectorClientOptions, type ServiceClientCredentialsFactory } from 'botframework-connector';
import type { Config } from '../config';

/**
 * How requests from channels are authenticated and how replies reach them. Bot Framework's public
 * cloud by default; the channel's token issuer and signing keys can be pointed elsewhere (a sovereign
 * cloud, a test issuer on loopback). Every call to a channel's connector, retries included, is cut
 * off after `connectorTimeoutMs`, so that a channel that does not answer cannot hold a turn.
 */
export function channelAuthentication(config: Config, credentials?: ServiceClientCredentialsFactory): ConfigurationBotFrameworkAuthentication {
  const { botAuth } = config;
  const custom = botAuth.channelOpenIdMetadataUrl || botAuth.channelTokenIssuer;
  return new ConfigurationBotFrameworkAuthentication(
    {
      MicrosoftAppId: botAuth.appId ?? '',
      MicrosoftAppPassword: botAuth.appPassword ?? '',
      MicrosoftAppType: botAuth.appType,
      MicrosoftAppTenantId: botAuth.tenantId ?? '',
      // botbuilder takes either none or all of the endpoint settings: the public cloud's for the rest.
      ...(custom
        ? {
            ValidateAuthority: true,
            ToChannelFromBotLoginUrl: AuthenticationConstants.ToChannelFromBotLoginUrl,
            ToChannelFromBotOAuthScope: AuthenticationConstants.ToChannelFromBotOAuthScope,
            ToBotFromChannelTokenIssuer: channelIssuer(config),
            OAuthUrl: AuthenticationConstants.OAuthUrl,
            ToBotFromChannelOpenIdMetadataUrl: botAuth.channelOpenIdMetadataUrl ?? AuthenticationConstants.ToBotFromChannelOpenIdMetadataUrl,
            ToBotFromEmulatorOpenIdMetadataUrl: AuthenticationConstants.ToBotFromEmulatorOpenIdMetadataUrl,
            CallerId: CallerIdConstants.PublicAzureChannel,
          }
        : {}),
    },
    credentials,
    undefined,
    undefined,
    connectorOptions(config.connectorTimeoutMs),
  );
}

/** The issuer whose tokens make a Teams request trusted. */
export function channelIssuer(config: Config): string {
  return config.botAuth.channelTokenIssuer ?? AuthenticationConstants.ToBotFromChannelTokenIssuer;
}

type PolicyFactories = NonNullable<ConnectorClientOptions['requestPolicyFactories']>;
type RequestPolicy = { sendRequest(request: { timeout?: number; abortSignal?: AbortSignal }): Promise<unknown> };

/** A deadline on each connector call: it applies to all of botbuilder's retries of that call. */
function connectorOptions(timeoutMs: number): ConnectorClientOptions {
  const deadline = {
    create: (next: RequestPolicy) => ({
      sendRequest: (request: { timeout?: number; abortSignal?: AbortSignal }) => {
        const timer = AbortSignal.timeout(timeoutMs);
        request.abortSignal = request.abortSignal ? AbortSignal.any([request.abortSignal, timer]) : timer;
        request.timeout = timeoutMs;
        return next.sendRequest(request);
      },
    }),
  };
  return { requestPolicyFactories: [deadline] as unknown as PolicyFactories };
}
