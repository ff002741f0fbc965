import { existsSync } from 'node:fs';
import { isIP } from 'node:net';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { IANAZone } from 'luxon';
import { cronProblem } from './digests/scheduler';
import type { GenerationSettings } from './knowledge/generation/client';

const emptyToUndefined = (v: unknown): unknown => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optionalString = z.preprocess(emptyToUndefined, z.string().optional());
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Every setting, read once from the environment. Names follow Bot Framework's where it has one. */
const EnvSchema = z.object({
  /** HTTP port of the bot (Bot Framework endpoint, health, web page). */
  PORT: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(65535).default(3978)),
  /** Interface to listen on. */
  HOST: z.preprocess(emptyToUndefined, z.string().default('0.0.0.0')),
  /** Folder of the SQLite database (created if missing). */
  DATA_DIR: z.preprocess(emptyToUndefined, z.string().default('./data')),
  /** PostgreSQL (postgres://user:pass@host:5432/db, optional ?schema=name); unset: SQLite under DATA_DIR. */
  DATABASE_URL: optionalString.refine((v) => v === undefined || /^postgres(ql)?:\/\/[^\s]+$/.test(v), {
    message: 'must be a postgres:// URL (leave it unset to use SQLite under DATA_DIR)',
  }),
  /** Bearer token of the organiser/admin HTTP API; the API is disabled while it is unset. */
  ADMIN_TOKEN: optionalString.refine((v) => v === undefined || v.length >= 16, { message: 'must be at least 16 characters' }),
  /**
   * Teams sign-in (SSO) of the organiser tab: the client id of the Entra ID app registration whose
   * API the tab asks a token for. Unset: no sign-in, the admin token only.
   */
  AAD_APP_CLIENT_ID: optionalString.refine((v) => v === undefined || GUID.test(v), { message: 'must be the app registration\'s client id (a GUID)' }),
  /** The Application ID URI the tab's tokens are issued for; default api://<host of PUBLIC_URL>/<AAD_APP_CLIENT_ID>. */
  AAD_APP_ID_URI: optionalString.refine((v) => v === undefined || /^api:\/\/\S+$/.test(v), { message: 'must be an api:// URI' }),
  /** Tenants whose users may sign in (comma-separated tenant ids); default MicrosoftAppTenantId. */
  AAD_TENANT_IDS: optionalString.refine((v) => v === undefined || v.split(',').every((t) => GUID.test(t.trim())), { message: 'must be comma-separated tenant ids (GUIDs)' }),
  /** Where Entra ID publishes its signing keys; default https://login.microsoftonline.com/<tenant>/discovery/v2.0/keys. */
  AAD_JWKS_URL: optionalString.refine((v) => v === undefined || /^https?:\/\/\S+$/.test(v), { message: 'must be an http(s):// URL' }),
  /** Organisers in chat: comma-separated channel user ids or Teams AAD object ids. */
  ORGANISER_IDS: optionalString,
  /** Admins in chat ("sources status"): comma-separated channel user ids or Teams AAD object ids. */
  ADMIN_IDS: optionalString,
  /** How often an instance checks which version of the sources is live, in seconds. */
  SOURCES_POLL_SECONDS: z.preprocess(emptyToUndefined, z.coerce.number().min(0.1).max(3600).default(5)),
  /** SMTP server of the digests: smtp://user:pass@host:587 or smtps://user:pass@host:465. */
  SMTP_URL: optionalString.refine((v) => v === undefined || /^smtps?:\/\/[^\s]+$/.test(v), { message: 'must be an smtp:// or smtps:// URL' }),
  /** Sender of the digests, e.g. "Participant assistant <assistant@example.org>". */
  MAIL_FROM: optionalString,
  /** Where email digests go: comma-separated addresses. */
  ORGANISER_EMAILS: optionalString.refine((v) => v === undefined || v.split(',').every((a) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(a.trim())), { message: 'must be comma-separated email addresses' }),
  /** When digests are sent: a cron expression (e.g. "0 8 * * 1-5"), evaluated in DIGEST_TIMEZONE. */
  DIGEST_SCHEDULE: optionalString,
  DIGEST_TIMEZONE: z.preprocess(emptyToUndefined, z.string().default('Africa/Nairobi')),
  /** Language of the digests: en, fr or both. */
  DIGEST_LANGUAGE: z.preprocess(emptyToUndefined, z.enum(['en', 'fr', 'both']).default('both')),
  /** Send a digest even when nothing is new. */
  DIGEST_SEND_EMPTY: z.preprocess(emptyToUndefined, z.enum(['true', 'false']).default('false')),
  /** First retry delay of a digest that could not be sent, in seconds (doubled at each failure, at most an hour). */
  DIGEST_RETRY_SECONDS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(3600).default(60)),
  /** Folder of the FAQ sources: note.fr.md, note.en.md, schedule.json, qa.json, glossary.json. */
  SOURCES_DIR: z.preprocess(emptyToUndefined, z.string().default('./sources')),
  /** Address of this bot as participants reach it (links to calendar files, the organiser tab); default http://localhost:PORT. */
  PUBLIC_URL: optionalString.refine((v) => v === undefined || /^https?:\/\/[^\s/]+(\/[^\s]*)?$/.test(v), { message: 'must be an http(s):// URL' }),
  /** Azure Direct Line: the page then uses it instead of the built-in endpoint (the secret stays on the server). */
  DIRECT_LINE_SECRET: optionalString,
  DIRECT_LINE_ENDPOINT: z.preprocess(emptyToUndefined, z.string().url().default('https://directline.botframework.com/v3/directline')),
  /** How long unanswered questions and feedback are kept, in days; older ones are purged (hourly). */
  RETENTION_DAYS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(3650).default(90)),
  /** Longest message the bot reads, in characters. */
  MAX_MESSAGE_LENGTH: z.preprocess(emptyToUndefined, z.coerce.number().int().min(100).max(100000).default(2000)),
  /** Requests per minute from one client address on each of /api/messages, the Direct Line endpoints and /api/admin; 0: no limit. */
  RATE_LIMIT_PER_MINUTE: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(1_000_000).default(600)),
  /** Requests per minute with one bearer token (a Direct Line conversation, the admin token); 0: no limit. */
  RATE_LIMIT_TOKEN_PER_MINUTE: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(1_000_000).default(120)),
  /** Direct Line conversations and tokens created per minute from one client address; 0: no limit. */
  RATE_LIMIT_CREATE_PER_MINUTE: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(1_000_000).default(30)),
  /**
   * Which proxies in front of the bot to believe about the client's address (X-Forwarded-For), as
   * express's "trust proxy": true, a number of hops, or comma-separated addresses, subnets or
   * loopback / linklocal / uniquelocal. Unset: none, the address is the connection's.
   */
  TRUST_PROXY: optionalString.refine((v) => v === undefined || trustProxyValue(v) !== undefined, {
    message: 'must be true, false, a number of hops, or comma-separated addresses, subnets (10.0.0.0/8) or loopback/linklocal/uniquelocal',
  }),
  /** pino level: fatal, error, warn, info, debug, trace or silent. */
  LOG_LEVEL: z.preprocess(emptyToUndefined, z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info')),
  /** Azure Bot registration. Without it the bot accepts unauthenticated activities, like the Emulator. */
  MicrosoftAppId: optionalString,
  MicrosoftAppPassword: optionalString,
  MicrosoftAppType: z.preprocess(emptyToUndefined, z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).default('MultiTenant')),
  MicrosoftAppTenantId: optionalString,
  /** Where Bot Framework channel tokens' signing keys are published; default: the public cloud's. For sovereign clouds and tests. */
  ToBotFromChannelOpenIdMetadataUrl: optionalString.refine((v) => v === undefined || /^https?:\/\/\S+$/.test(v), { message: 'must be an http(s):// URL' }),
  /** Issuer of Bot Framework channel tokens; default https://api.botframework.com. */
  ToBotFromChannelTokenIssuer: optionalString,
  /** Without MicrosoftAppId: comma-separated URL prefixes a reply may be posted to besides loopback (e.g. https://webchat.botframework.com/). */
  ALLOWED_SERVICE_URLS: optionalString.refine((v) => v === undefined || v.split(',').every((u) => /^https?:\/\/[^\s/]+(\/\S*)?$/.test(u.trim())), { message: 'must be comma-separated http(s):// URL prefixes' }),
  /** How long a reply to a channel may take, retries included, in seconds. */
  CONNECTOR_TIMEOUT_SECONDS: z.preprocess(emptyToUndefined, z.coerce.number().min(0.5).max(60).default(5)),
  /**
   * Generative answers (optional, off while neither OPENAI_API_KEY, OPENAI_BASE_URL nor
   * AZURE_OPENAI_ENDPOINT is set): a model phrases answers from the passages the bot found, and
   * a grounding guard shows only what those passages support.
   */
  OPENAI_API_KEY: optionalString,
  /** Any OpenAI-compatible server (Ollama, vLLM, llama.cpp's server), e.g. http://localhost:11434/v1. */
  OPENAI_BASE_URL: optionalString.refine((v) => v === undefined || /^https?:\/\/\S+$/.test(v), { message: 'must be an http(s):// URL' }),
  /** Model name the server knows (not used with Azure, where the deployment names the model). */
  OPENAI_MODEL: z.preprocess(emptyToUndefined, z.string().default('gpt-4o-mini')),
  /** Azure OpenAI resource, e.g. https://my-resource.openai.azure.com/ (with AZURE_OPENAI_DEPLOYMENT and a key). */
  AZURE_OPENAI_ENDPOINT: optionalString.refine((v) => v === undefined || /^https?:\/\/\S+$/.test(v), { message: 'must be an http(s):// URL' }),
  AZURE_OPENAI_DEPLOYMENT: optionalString,
  AZURE_OPENAI_API_VERSION: z.preprocess(emptyToUndefined, z.string().default('2024-10-21')),
  AZURE_OPENAI_API_KEY: optionalString,
  /** Set by App Service and Container Apps when the app has a managed identity: without a key, Azure OpenAI is reached with its tokens. */
  IDENTITY_ENDPOINT: optionalString.refine((v) => v === undefined || /^https?:\/\/\S+$/.test(v), { message: 'must be an http(s):// URL' }),
  IDENTITY_HEADER: optionalString,
  /** A user-assigned managed identity's client id; unset: the system-assigned identity. */
  AZURE_CLIENT_ID: optionalString,
  /** Longest wait for a generated answer, retries included, in seconds; then the extractive answer is shown. */
  OPENAI_TIMEOUT_SECONDS: z.preprocess(emptyToUndefined, z.coerce.number().min(0.1).max(120).default(8)),
  /** Retries (with backoff) after a 429 or 5xx from the model's server. */
  OPENAI_MAX_RETRIES: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(10).default(2)),
  /**
   * An embedding model (e.g. text-embedding-3-small): passages are embedded once per version of the
   * sources and the question's meaning joins its words in choosing what the model is shown. Needs a model.
   */
  OPENAI_EMBEDDING_MODEL: optionalString,
  /** The same on Azure OpenAI: the embedding model's deployment. */
  AZURE_OPENAI_EMBEDDING_DEPLOYMENT: optionalString,
  /** Tokens (prompt and completion) the model may use per UTC day; beyond, extractive answers only. 0: no limit. */
  OPENAI_DAILY_TOKEN_LIMIT: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).default(0)),
});

export type Config = Readonly<{
  port: number;
  host: string;
  dataDir: string;
  publicUrl: string;
  directLineAzure?: Readonly<{ secret: string; endpoint: string }>;
  databaseUrl?: string;
  adminToken?: string;
  /** Teams sign-in of the organiser tab, when AAD_APP_CLIENT_ID is set. */
  teamsSignIn?: TeamsSignIn;
  organiserIds: readonly string[];
  adminIds: readonly string[];
  sourcesPollSeconds: number;
  digest: Readonly<{
    smtpUrl?: string;
    mailFrom: string;
    organiserEmails: readonly string[];
    schedule?: string;
    timezone: string;
    languages: ReadonlyArray<'en' | 'fr'>;
    sendEmpty: boolean;
    retrySeconds: number;
  }>;
  sourcesDir: string;
  localesDir: string;
  maxMessageLength: number;
  retentionDays: number;
  /** Requests per minute: per client address, per bearer token, and conversations created per address (0: no limit). */
  rateLimits: Readonly<{ perMinute: number; tokenPerMinute: number; createPerMinute: number }>;
  /** express's "trust proxy": whom to believe about the client's address; false: nobody. */
  trustProxy: boolean | number | string;
  logLevel: z.infer<typeof EnvSchema>['LOG_LEVEL'];
  botAuth: Readonly<{ appId?: string; appPassword?: string; appType: string; tenantId?: string; channelOpenIdMetadataUrl?: string; channelTokenIssuer?: string }>;
  /** Without an app id, the only places replies may be posted besides loopback (URL prefixes). */
  allowedServiceUrls: readonly string[];
  connectorTimeoutMs: number;
  /** The model that phrases answers, when one is configured; absent: extractive answers only. */
  generation?: GenerationSettings;
}>;

/** What an Entra ID token of the organiser tab must say to be believed. */
export type TeamsSignIn = Readonly<{
  clientId: string;
  /** The Application ID URI (api://host/client-id). */
  applicationIdUri: string;
  tenantIds: readonly string[];
  jwksUrl: string;
}>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid settings:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Validates the environment into a frozen config; throws ConfigError naming each bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, root: string = process.cwd()): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  const e = parsed.data;
  if (e.MicrosoftAppId && !e.MicrosoftAppPassword && e.MicrosoftAppType !== 'UserAssignedMSI') {
    throw new ConfigError(['MicrosoftAppPassword: required when MicrosoftAppId is set (unless MicrosoftAppType is UserAssignedMSI)']);
  }
  if (!IANAZone.isValidZone(e.DIGEST_TIMEZONE)) throw new ConfigError([`DIGEST_TIMEZONE: "${e.DIGEST_TIMEZONE}" is not an IANA time zone (e.g. Africa/Nairobi)`]);
  if (e.DIGEST_SCHEDULE) {
    const problem = cronProblem(e.DIGEST_SCHEDULE, e.DIGEST_TIMEZONE);
    if (problem) throw new ConfigError([`DIGEST_SCHEDULE: not a cron expression (${problem})`]);
  }
  if (e.SMTP_URL && !e.ORGANISER_EMAILS) throw new ConfigError(['ORGANISER_EMAILS: required when SMTP_URL is set (where should digests go?)']);
  if (e.MicrosoftAppType === 'SingleTenant' && e.MicrosoftAppId && !e.MicrosoftAppTenantId) {
    throw new ConfigError(['MicrosoftAppTenantId: required when MicrosoftAppType is SingleTenant']);
  }
  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    dataDir: resolve(root, e.DATA_DIR),
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, ''),
    ...(e.DIRECT_LINE_SECRET ? { directLineAzure: Object.freeze({ secret: e.DIRECT_LINE_SECRET, endpoint: e.DIRECT_LINE_ENDPOINT }) } : {}),
    ...(e.DATABASE_URL ? { databaseUrl: e.DATABASE_URL } : {}),
    ...(e.ADMIN_TOKEN ? { adminToken: e.ADMIN_TOKEN } : {}),
    ...teamsSignIn(e),
    organiserIds: Object.freeze((e.ORGANISER_IDS ?? '').split(',').map((s) => s.trim()).filter(Boolean)),
    adminIds: Object.freeze((e.ADMIN_IDS ?? '').split(',').map((s) => s.trim()).filter(Boolean)),
    sourcesPollSeconds: e.SOURCES_POLL_SECONDS,
    digest: Object.freeze({
      ...(e.SMTP_URL ? { smtpUrl: e.SMTP_URL } : {}),
      mailFrom: e.MAIL_FROM ?? 'Participant assistant <no-reply@localhost>',
      organiserEmails: Object.freeze((e.ORGANISER_EMAILS ?? '').split(',').map((s) => s.trim()).filter(Boolean)),
      ...(e.DIGEST_SCHEDULE ? { schedule: e.DIGEST_SCHEDULE } : {}),
      timezone: e.DIGEST_TIMEZONE,
      languages: Object.freeze(e.DIGEST_LANGUAGE === 'both' ? (['en', 'fr'] as const) : ([e.DIGEST_LANGUAGE] as const)),
      sendEmpty: e.DIGEST_SEND_EMPTY === 'true',
      retrySeconds: e.DIGEST_RETRY_SECONDS,
    }),
    sourcesDir: resolve(root, e.SOURCES_DIR),
    localesDir: localesFolder(),
    maxMessageLength: e.MAX_MESSAGE_LENGTH,
    retentionDays: e.RETENTION_DAYS,
    rateLimits: Object.freeze({ perMinute: e.RATE_LIMIT_PER_MINUTE, tokenPerMinute: e.RATE_LIMIT_TOKEN_PER_MINUTE, createPerMinute: e.RATE_LIMIT_CREATE_PER_MINUTE }),
    trustProxy: e.TRUST_PROXY === undefined ? false : trustProxyValue(e.TRUST_PROXY)!,
    logLevel: e.LOG_LEVEL,
    botAuth: Object.freeze({
      ...(e.MicrosoftAppId ? { appId: e.MicrosoftAppId } : {}),
      ...(e.MicrosoftAppPassword ? { appPassword: e.MicrosoftAppPassword } : {}),
      appType: e.MicrosoftAppType,
      ...(e.MicrosoftAppTenantId ? { tenantId: e.MicrosoftAppTenantId } : {}),
      ...(e.ToBotFromChannelOpenIdMetadataUrl ? { channelOpenIdMetadataUrl: e.ToBotFromChannelOpenIdMetadataUrl } : {}),
      ...(e.ToBotFromChannelTokenIssuer ? { channelTokenIssuer: e.ToBotFromChannelTokenIssuer } : {}),
    }),
    allowedServiceUrls: Object.freeze((e.ALLOWED_SERVICE_URLS ?? '').split(',').map((s) => s.trim()).filter(Boolean)),
    connectorTimeoutMs: Math.round(e.CONNECTOR_TIMEOUT_SECONDS * 1000),
    ...generationSettings(e),
  });
}

/** Teams sign-in when a client id is set: which tenants, which audience, whose keys. */
function teamsSignIn(e: z.infer<typeof EnvSchema>): { teamsSignIn?: TeamsSignIn } {
  const clientId = e.AAD_APP_CLIENT_ID?.toLowerCase();
  if (!clientId) return {};
  const tenantIds = (e.AAD_TENANT_IDS ?? e.MicrosoftAppTenantId ?? '').split(',').map((t) => t.trim().toLowerCase()).filter(Boolean);
  if (!tenantIds.length) throw new ConfigError(['AAD_TENANT_IDS: required when AAD_APP_CLIENT_ID is set (whose users may sign in?), or set MicrosoftAppTenantId']);
  if (!tenantIds.every((t) => GUID.test(t))) throw new ConfigError(['MicrosoftAppTenantId: must be a tenant id (a GUID) to serve as AAD_TENANT_IDS']);
  const host = new URL(e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).host;
  // One tenant: its own key set; several: the common one (Entra ID signs every tenant's tokens with the same keys).
  const keysOf = tenantIds.length === 1 ? tenantIds[0]! : 'common';
  return {
    teamsSignIn: Object.freeze({
      clientId,
      applicationIdUri: e.AAD_APP_ID_URI ?? `api://${host}/${clientId}`,
      tenantIds: Object.freeze(tenantIds),
      jwksUrl: e.AAD_JWKS_URL ?? `https://login.microsoftonline.com/${keysOf}/discovery/v2.0/keys`,
    }),
  };
}

/** The model's settings when one is configured: Azure OpenAI first, else OpenAI or a compatible server. */
function generationSettings(e: z.infer<typeof EnvSchema>): { generation?: GenerationSettings } {
  const limits = { timeoutMs: Math.round(e.OPENAI_TIMEOUT_SECONDS * 1000), maxRetries: e.OPENAI_MAX_RETRIES, dailyTokenLimit: e.OPENAI_DAILY_TOKEN_LIMIT };
  if (!e.AZURE_OPENAI_ENDPOINT && !e.OPENAI_API_KEY && !e.OPENAI_BASE_URL) {
    if (e.OPENAI_EMBEDDING_MODEL || e.AZURE_OPENAI_EMBEDDING_DEPLOYMENT) {
      throw new ConfigError([`${e.OPENAI_EMBEDDING_MODEL ? 'OPENAI_EMBEDDING_MODEL' : 'AZURE_OPENAI_EMBEDDING_DEPLOYMENT'}: embeddings serve generative answers; set a model too (OPENAI_API_KEY, OPENAI_BASE_URL or AZURE_OPENAI_ENDPOINT)`]);
    }
    return {};
  }
  if (e.AZURE_OPENAI_ENDPOINT) {
    if (!e.AZURE_OPENAI_DEPLOYMENT) throw new ConfigError(['AZURE_OPENAI_DEPLOYMENT: required when AZURE_OPENAI_ENDPOINT is set (the deployment names the model)']);
    const apiKey = e.AZURE_OPENAI_API_KEY ?? e.OPENAI_API_KEY;
    const embeddingModel = e.AZURE_OPENAI_EMBEDDING_DEPLOYMENT ?? e.OPENAI_EMBEDDING_MODEL;
    const azure = { provider: 'azure' as const, endpoint: e.AZURE_OPENAI_ENDPOINT, deployment: e.AZURE_OPENAI_DEPLOYMENT, apiVersion: e.AZURE_OPENAI_API_VERSION, model: e.AZURE_OPENAI_DEPLOYMENT, ...limits, embeddingModel };
    if (apiKey) return { generation: Object.freeze({ ...azure, apiKey }) };
    // No key: the managed identity of the App Service or Container App, whose platform sets both variables.
    if (!e.IDENTITY_ENDPOINT || !e.IDENTITY_HEADER) {
      throw new ConfigError(['AZURE_OPENAI_API_KEY: required when AZURE_OPENAI_ENDPOINT is set, unless the bot runs with a managed identity (IDENTITY_ENDPOINT and IDENTITY_HEADER)']);
    }
    return { generation: Object.freeze({ ...azure, managedIdentity: { endpoint: e.IDENTITY_ENDPOINT, header: e.IDENTITY_HEADER, clientId: e.AZURE_CLIENT_ID } }) };
  }
  // Local servers ask for no key, but the client sends one: any placeholder does.
  return { generation: Object.freeze({ provider: 'openai', apiKey: e.OPENAI_API_KEY ?? 'not-needed', ...(e.OPENAI_BASE_URL ? { baseURL: e.OPENAI_BASE_URL } : {}), model: e.OPENAI_MODEL, ...limits, embeddingModel: e.OPENAI_EMBEDDING_MODEL }) };
}

/** The project's locales/: beside src/ when run from TypeScript, two levels up from the build (dist/src/). */
function localesFolder(): string {
  const candidates = [resolve(__dirname, '..', 'locales'), resolve(__dirname, '..', '..', 'locales')];
  return candidates.find((dir) => existsSync(join(dir, 'en', 'translation.json')) && existsSync(join(dir, 'fr', 'translation.json'))) ?? candidates[0]!;
}

/** TRUST_PROXY as express takes it, or undefined when it is none of the forms express understands. */
function trustProxyValue(raw: string): boolean | number | string | undefined {
  const v = raw.trim().toLowerCase();
  if (v === 'true' || v === 'false') return v === 'true';
  if (/^\d+$/.test(v)) return Number(v);
  const parts = v.split(',').map((p) => p.trim());
  const valid = (p: string) => ['loopback', 'linklocal', 'uniquelocal'].includes(p) || (isIP(p.split('/')[0]!) !== 0 && /^[^/]+(\/\d{1,3})?$/.test(p));
  return parts.every(valid) ? parts.join(',') : undefined;
}

/** The config as it may be logged: secrets redacted. */
export function redactedConfig(config: Config): Record<string, unknown> {
  return {
    ...config,
    ...(config.databaseUrl ? { databaseUrl: config.databaseUrl.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:[redacted]@') } : {}),
    ...(config.adminToken ? { adminToken: '[redacted]' } : {}),
    ...(config.directLineAzure ? { directLineAzure: { ...config.directLineAzure, secret: '[redacted]' } } : {}),
    digest: { ...config.digest, ...(config.digest.smtpUrl ? { smtpUrl: config.digest.smtpUrl.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:[redacted]@') } : {}) },
    botAuth: { ...config.botAuth, ...(config.botAuth.appPassword ? { appPassword: '[redacted]' } : {}) },
    ...(config.generation ? { generation: redactedGeneration(config.generation) } : {}),
  };
}

function redactedGeneration(g: GenerationSettings): Record<string, unknown> {
  if (g.provider === 'azure' && g.managedIdentity) return { ...g, managedIdentity: { ...g.managedIdentity, header: '[redacted]' } };
  return { ...g, apiKey: '[redacted]' };
}
