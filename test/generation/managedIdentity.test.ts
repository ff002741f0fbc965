import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig, ConfigError, redactedConfig } from '../../src/config';
import { createModelClient } from '../../src/knowledge/generation/client';
import { COGNITIVE_SERVICES, managedIdentityTokenProvider } from '../../src/knowledge/generation/managedIdentity';
import { ChatCompletionsModel } from '../../src/knowledge/generation/model';
import { ROOT } from '../helpers/fixtures';
import { ModelServer } from './modelServer';
import { FAITHFUL } from './unfaithful';

const SECRET = 'identity-header-secret';

/** A loopback stand-in for App Service's token service: it checks the secret header and counts the tokens it hands out. */
class IdentityEndpoint {
  readonly requests: URL[] = [];
  private server: Server | undefined;
  /** Seconds each new token lives. */
  lifetimeSeconds = 3600;
  now = () => Date.now();

  async start(): Promise<string> {
    this.server = createServer((req: IncomingMessage, res) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      this.requests.push(url);
      if (req.headers['x-identity-header'] !== SECRET) return void res.writeHead(401).end();
      const n = this.requests.length;
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({ access_token: `mi-token-${n}`, expires_on: String(Math.floor(this.now() / 1000) + this.lifetimeSeconds), resource: url.searchParams.get('resource'), token_type: 'Bearer' }),
      );
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/msi/token`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => this.server?.close(() => r()) ?? r());
  }
}

const identity = new IdentityEndpoint();
const model = new ModelServer();
let identityUrl: string;
let modelUrl: string;

beforeAll(async () => {
  identityUrl = await identity.start();
  modelUrl = await model.start();
});
afterAll(async () => {
  await identity.stop();
  await model.stop();
});
beforeEach(() => {
  identity.requests.splice(0);
  model.seen.splice(0);
  identity.lifetimeSeconds = 3600;
});

const env = (over: Record<string, string> = {}) => ({ AZURE_OPENAI_ENDPOINT: `${modelUrl}/`, AZURE_OPENAI_DEPLOYMENT: 'answers-gpt4o', IDENTITY_ENDPOINT: identityUrl, IDENTITY_HEADER: SECRET, LOG_LEVEL: 'silent', ...over });

describe('Azure OpenAI through the managed identity', () => {
  test('when no key is set and the platform offers a managed identity, then each request carries its token as Bearer, fetched once for Cognitive Services', async () => {
    const config = loadConfig(env(), ROOT);
    expect(config.generation).toMatchObject({ provider: 'azure', managedIdentity: { endpoint: identityUrl } });
    expect(JSON.stringify(redactedConfig(config))).not.toContain(SECRET);
    model.reply = () => ({ answer: FAITHFUL[0]!.answer });
    const answers = new ChatCompletionsModel(createModelClient(config.generation!), config.generation!.model);
    for (let i = 0; i < 2; i++) await answers.generate([{ role: 'user', content: 'When is the briefing?' }], { signal: AbortSignal.timeout(5000) });

    expect(model.completions).toHaveLength(2);
    for (const req of model.completions) {
      expect(req.headers.authorization).toBe('Bearer mi-token-1');
      expect(req.headers['api-key']).toBeUndefined();
    }
    expect(identity.requests).toHaveLength(1);
    expect(identity.requests[0]!.searchParams.get('resource')).toBe(COGNITIVE_SERVICES);
    expect(identity.requests[0]!.searchParams.get('api-version')).toBe('2019-08-01');
  });

  test('when a user-assigned identity is named, then its client id is asked for', async () => {
    const token = managedIdentityTokenProvider({ endpoint: identityUrl, header: SECRET, clientId: 'client-123' });
    expect(await token()).toBe('mi-token-1');
    expect(identity.requests[0]!.searchParams.get('client_id')).toBe('client-123');
  });

  test('when the token is close to expiry, then a new one is fetched; until then the same one is used', async () => {
    let now = Date.now();
    identity.now = () => now;
    const token = managedIdentityTokenProvider({ endpoint: identityUrl, header: SECRET }, { now: () => now });
    expect(await token()).toBe('mi-token-1');
    now += 50 * 60_000;
    expect(await token()).toBe('mi-token-1');
    now += 6 * 60_000;
    expect(await token()).toBe('mi-token-2');
    identity.now = () => Date.now();
  });

  test('when the identity header is wrong, then no token is given and the call fails with the status', async () => {
    const token = managedIdentityTokenProvider({ endpoint: identityUrl, header: 'wrong' });
    await expect(token()).rejects.toMatchObject({ name: 'ManagedIdentityError', status: 401 });
  });

  test('when neither a key nor a managed identity is available, then the config names the missing key', () => {
    expect(() => loadConfig(env({ IDENTITY_ENDPOINT: '', IDENTITY_HEADER: '' }), ROOT)).toThrow(ConfigError);
    expect(() => loadConfig(env({ IDENTITY_ENDPOINT: '', IDENTITY_HEADER: '' }), ROOT)).toThrow(/AZURE_OPENAI_API_KEY/);
  });
});
