/** The audience of Azure OpenAI's tokens. */
export const COGNITIVE_SERVICES = 'https://cognitiveservices.azure.com';

/** Where App Service and Container Apps hand out the managed identity's tokens (they set both variables). */
export interface ManagedIdentitySettings {
  /** IDENTITY_ENDPOINT: the local token service. */
  readonly endpoint: string;
  /** IDENTITY_HEADER: the secret the token service asks for, in X-IDENTITY-HEADER. */
  readonly header: string;
  /** AZURE_CLIENT_ID: a user-assigned identity's client id; unset: the system-assigned identity. */
  readonly clientId?: string | undefined;
}

/** The token service refused or answered something that is not a token. */
export class ManagedIdentityError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'ManagedIdentityError';
  }
}

/** A token is fetched again this long before it expires, so that no request leaves with a token about to lapse. */
const REFRESH_MARGIN_MS = 5 * 60_000;

/**
 * The managed identity's tokens for Azure OpenAI, by the App Service / Container Apps protocol
 * (GET IDENTITY_ENDPOINT?resource=…&api-version=2019-08-01 with the X-IDENTITY-HEADER secret),
 * kept until shortly before they expire; concurrent callers share one request. What `openai`'s
 * AzureOpenAI calls before each request as `azureADTokenProvider`. @azure/identity does the same
 * and more; this is the part the bot needs, without the dependency.
 */
export function managedIdentityTokenProvider(settings: ManagedIdentitySettings, opts: { now?: () => number; timeoutMs?: number } = {}): () => Promise<string> {
  const now = opts.now ?? Date.now;
  let cached: { token: string; refreshAt: number } | undefined;
  let pending: Promise<string> | undefined;
  const fetchToken = async (): Promise<string> => {
    const url = new URL(settings.endpoint);
    url.searchParams.set('resource', COGNITIVE_SERVICES);
    url.searchParams.set('api-version', '2019-08-01');
    if (settings.clientId) url.searchParams.set('client_id', settings.clientId);
    const res = await fetch(url, { headers: { 'X-IDENTITY-HEADER': settings.header }, signal: AbortSignal.timeout(opts.timeoutMs ?? 5000) });
    if (!res.ok) throw new ManagedIdentityError(`the managed identity's token service answered ${res.status}`, res.status);
    const body = (await res.json().catch(() => ({}))) as { access_token?: unknown; expires_on?: unknown };
    const expiresOn = Number(body.expires_on);
    if (typeof body.access_token !== 'string' || !body.access_token || !Number.isFinite(expiresOn)) throw new ManagedIdentityError("the managed identity's token service gave no token");
    cached = { token: body.access_token, refreshAt: expiresOn * 1000 - REFRESH_MARGIN_MS };
    return body.access_token;
  };
  return async () => {
    if (cached && now() < cached.refreshAt) return cached.token;
    pending ??= fetchToken().finally(() => (pending = undefined));
    return pending;
  };
}
