import OpenAI, { AzureOpenAI } from 'openai';
import { managedIdentityTokenProvider, type ManagedIdentitySettings } from './managedIdentity';

interface Limits {
  /** Longest wait for one answer, retries included, in milliseconds. */
  readonly timeoutMs: number;
  /** Retries after a 429 or a 5xx, with the client's exponential backoff (it honours Retry-After). */
  readonly maxRetries: number;
  /** Tokens per UTC day; 0: no limit. */
  readonly dailyTokenLimit: number;
  /** The embedding model (Azure: its deployment); unset: the context is chosen by words alone. */
  readonly embeddingModel?: string | undefined;
}

/** A key, or the managed identity of the App Service or Container App the bot runs in. */
type AzureCredential = { apiKey: string; managedIdentity?: undefined } | { apiKey?: undefined; managedIdentity: ManagedIdentitySettings };

/** Where the model is and how to reach it, from the validated config. */
export type GenerationSettings = Readonly<
  | ({ provider: 'openai'; apiKey: string; baseURL?: string; model: string } & Limits)
  | ({ provider: 'azure'; endpoint: string; deployment: string; apiVersion: string; model: string } & Limits & AzureCredential)
>;

/**
 * The `openai` package's client for the configured service. Settings are passed explicitly, so
 * that variables the package would read by itself (OPENAI_BASE_URL, OPENAI_ORG_ID …) change nothing.
 * `deployment`: on Azure, another deployment than the chat model's (the embedding model's).
 */
export function createModelClient(settings: GenerationSettings, deployment?: string): OpenAI {
  const common = { maxRetries: settings.maxRetries, timeout: settings.timeoutMs, organization: null, project: null };
  if (settings.provider === 'azure') {
    // The base URL rather than the endpoint: the package would otherwise also read OPENAI_BASE_URL and refuse both.
    const credential = settings.managedIdentity ? { azureADTokenProvider: managedIdentityTokenProvider(settings.managedIdentity) } : { apiKey: settings.apiKey };
    return new AzureOpenAI({ ...common, ...credential, baseURL: `${settings.endpoint.replace(/\/+$/, '')}/openai`, deployment: deployment ?? settings.deployment, apiVersion: settings.apiVersion });
  }
  return new OpenAI({ ...common, apiKey: settings.apiKey, ...(settings.baseURL ? { baseURL: settings.baseURL } : { baseURL: 'https://api.openai.com/v1' }) });
}
