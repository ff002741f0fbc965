import OpenAI, { AzureOpenAI } from 'openai';

interface Limits {
  /** Longest wait for one answer, retries included, in milliseconds. */
  readonly timeoutMs: number;
  /** Retries after a 429 or a 5xx, with the client's exponential backoff (it honours Retry-After). */
  readonly maxRetries: number;
  /** Tokens per UTC day; 0: no limit. */
  readonly dailyTokenLimit: number;
}

/** Where the model is and how to reach it, from the validated config. */
export type GenerationSettings = Readonly<
  | ({ provider: 'openai'; apiKey: string; baseURL?: string; model: string } & Limits)
  | ({ provider: 'azure'; endpoint: string; deployment: string; apiVersion: string; apiKey: string; model: string } & Limits)
>;

/**
 * The `openai` package's client for the configured service. Settings are passed explicitly, so
 * that variables the package would read by itself (OPENAI_BASE_URL, OPENAI_ORG_ID …) change nothing.
 */
export function createModelClient(settings: GenerationSettings): OpenAI {
  const common = { apiKey: settings.apiKey, maxRetries: settings.maxRetries, timeout: settings.timeoutMs, organization: null, project: null };
  if (settings.provider === 'azure') {
    // The base URL rather than the endpoint: the package would otherwise also read OPENAI_BASE_URL and refuse both.
    return new AzureOpenAI({ ...common, baseURL: `${settings.endpoint.replace(/\/+$/, '')}/openai`, deployment: settings.deployment, apiVersion: settings.apiVersion });
  }
  return new OpenAI({ ...common, ...(settings.baseURL ? { baseURL: settings.baseURL } : { baseURL: 'https://api.openai.com/v1' }) });
}
