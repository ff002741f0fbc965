import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createApp, type App } from '../../src/app';
import { ConfigError } from '../../src/config';
import { createModelClient } from '../../src/knowledge/generation/client';
import { OpenAIEmbeddings } from '../../src/knowledge/generation/embeddings';
import { fixedClock } from '../../src/schedule/time';
import { AFTER, silentLogger, SOURCES_DIR, tempDataDir, testConfig, testStems } from '../helpers/fixtures';
import { describePg, pgSchemaUrl } from '../helpers/postgres';
import { ModelServer, shownTo } from './modelServer';
import { FAITHFUL } from './unfaithful';

/**
 * Embeddings through the real `openai` client against the local server, whose vectors are a hashed
 * bag of words read through a few meanings: "join … online" means what "Webex videoconferencing" says.
 */
const server = new ModelServer();
server.meanings.set('join', 'webex').set('online', 'videoconferenc');
/** Found lexically by the briefing's passages only; its meaning is the platform's passage. */
const JOIN = 'How do I join the briefing online?';
const PLATFORM = ['s3.platform', 'qa.platform'];
let url: string;

beforeAll(async () => {
  url = await server.start();
});
afterAll(() => server.stop());
beforeEach(() => {
  server.seen.splice(0);
  server.embeddingStatus = 200;
  server.embeddingDelayMs = 0;
  server.reply = () => ({ answer: FAITHFUL[0]!.answer });
});

const model = (): Record<string, string> => ({ OPENAI_BASE_URL: `${url}/v1`, OPENAI_API_KEY: 'test-key', OPENAI_MODEL: 'test-model', OPENAI_MAX_RETRIES: '0', OPENAI_EMBEDDING_MODEL: 'test-embedding' });

/** An app over the given storage, its passages embedded (or given up on) before it is handed over. */
async function start(dir: string, env: Record<string, string>): Promise<App> {
  const app = await createApp(testConfig(dir, { ...model(), ...env }), { clock: fixedClock(AFTER), logger: silentLogger, stems: testStems });
  await app.generation!.semantic!.idle();
  return app;
}

/** One text per passage and Q&A pair in each language. */
function documentCount(app: App): number {
  const s = app.knowledge.sources;
  return s.notes.en.passages.length + s.notes.fr.passages.length + 2 * s.qa.length;
}

/** The ids of the sources the model was shown for the last question. */
const lastContext = (): string[] => shownTo(server.completions.at(-1)!).ids;

const storages: Array<[string, () => { env: Record<string, string>; cleanup: () => Promise<void> }]> = [['SQLite', () => ({ env: {}, cleanup: async () => undefined })]];

function storageTests(describeIt: jest.Describe, name: string, storage: () => { env: Record<string, string>; cleanup: () => Promise<void> }): void {
  describeIt(`embeddings on ${name}`, () => {
    let data: ReturnType<typeof tempDataDir>;
    let db: { env: Record<string, string>; cleanup: () => Promise<void> };
    beforeEach(() => {
      data = tempDataDir();
      db = storage();
    });
    afterEach(async () => {
      await db.cleanup();
      data.cleanup();
    });

    test('when the bot starts, then every passage is embedded once, in batches of at most 64; a restart on the same database asks for none', async () => {
      const first = await start(data.dir, db.env);
      const count = documentCount(first);
      expect(server.embeddedTexts).toHaveLength(count);
      expect(server.embeddings.length).toBe(Math.ceil(count / 64));
      expect(server.embeddings.every((r) => (r.body.input as string[]).length <= 64 && r.body.model === 'test-embedding')).toBe(true);
      await first.stop();

      server.seen.splice(0);
      const again = await start(data.dir, db.env);
      expect(server.embeddings).toHaveLength(0);
      // The stored vectors serve at once: only the question is embedded, and only once.
      await again.generation!.answerer.answer(JOIN, { lang: 'en' });
      await again.generation!.answerer.answer(`  ${JOIN.toUpperCase()} `, { lang: 'en' });
      expect(server.embeddedTexts).toEqual([JOIN]);
      await again.stop();
    });

    test('when the bot stops while it embeds, then the next start embeds the version at once', async () => {
      server.embeddingDelayMs = 2000;
      const stopped = await createApp(testConfig(data.dir, { ...model(), ...db.env }), { clock: fixedClock(AFTER), logger: silentLogger, stems: testStems });
      for (let i = 0; i < 100 && !server.embeddings.length; i++) await new Promise((r) => setTimeout(r, 20));
      await stopped.stop();

      server.embeddingDelayMs = 0;
      server.seen.splice(0);
      const next = await start(data.dir, db.env);
      expect(server.embeddedTexts).toHaveLength(documentCount(next));
      await next.stop();
    });

    test('when a changed source is published, then the new version is embedded; rolling back embeds nothing', async () => {
      const app = await start(data.dir, db.env);
      const count = documentCount(app);
      const qa = JSON.parse(readFileSync(join(SOURCES_DIR, 'qa.json'), 'utf8')) as { pairs: Array<{ id: string; a: { en: string } }> };
      qa.pairs[0]!.a.en = qa.pairs[0]!.a.en.replace('To register,', 'To register for a session,');
      server.seen.splice(0);
      await app.sources.upload('qa', Buffer.from(JSON.stringify(qa)), 'application/json', 'qa.json', 'admin');
      const version = await app.sources.publish('admin');
      await app.generation!.semantic!.idle();
      expect(version).toBe(2);
      expect(server.embeddedTexts).toHaveLength(count);
      expect(server.embeddedTexts.some((t) => t.includes('To register for a session,'))).toBe(true);

      server.seen.splice(0);
      await app.sources.rollback(1, 'admin');
      await app.generation!.semantic!.idle();
      expect(server.embeddings).toHaveLength(0);
      await app.stop();
    });

    test('when a question says in other words what a passage says, then that passage is in what the model is shown; when the embedding service fails, the answer still comes from words alone', async () => {
      const app = await start(data.dir, db.env);
      const answer = await app.generation!.answerer.answer(JOIN, { lang: 'en' });
      expect(answer.text).not.toBe('');
      expect(lastContext().filter((id) => PLATFORM.includes(id)).length).toBeGreaterThan(0);

      server.embeddingStatus = 500;
      const other = 'How can I join the briefing online?';
      const fallback = await app.generation!.answerer.answer(other, { lang: 'en' });
      expect(fallback.kind).not.toBe('abstain');
      expect(fallback.text).not.toBe('');
      expect(lastContext().filter((id) => PLATFORM.includes(id))).toEqual([]);
      // Counted for the organisers with the failed calls (written in the background: waited for, within bounds).
      let days = await app.generation!.usage.days();
      for (let i = 0; i < 100 && days[0]?.reasons['embedding-http-500'] === undefined; i++) {
        await new Promise((r) => setTimeout(r, 50));
        days = await app.generation!.usage.days();
      }
      expect(days[0]!.reasons['embedding-http-500']).toBe(1);
      await app.stop();
    });
  });
}

for (const [name, storage] of storages) storageTests(describe, name, storage);
storageTests(describePg, 'PostgreSQL', () => {
  const pg = pgSchemaUrl();
  return { env: { DATABASE_URL: pg.url }, cleanup: pg.drop };
});

describe('embedding settings', () => {
  test('when an embedding model is set without a model, then the bot does not start and names the variable', () => {
    expect(() => testConfig('/tmp/unused', { OPENAI_EMBEDDING_MODEL: 'text-embedding-3-small' })).toThrow(ConfigError);
    expect(() => testConfig('/tmp/unused', { OPENAI_EMBEDDING_MODEL: 'text-embedding-3-small' })).toThrow(/OPENAI_EMBEDDING_MODEL/);
  });

  test('when Azure OpenAI has an embedding deployment, then passages go to that deployment with the resource’s key', async () => {
    const config = testConfig('/tmp/unused', { AZURE_OPENAI_ENDPOINT: url, AZURE_OPENAI_DEPLOYMENT: 'chat', AZURE_OPENAI_API_KEY: 'azure-key', AZURE_OPENAI_EMBEDDING_DEPLOYMENT: 'embed' });
    const settings = config.generation!;
    expect(settings.embeddingModel).toBe('embed');
    const vectors = await new OpenAIEmbeddings(createModelClient(settings, 'embed'), 'embed').embed(['The meetings will use Webex videoconferencing.'], { signal: AbortSignal.timeout(5000) });
    expect(vectors).toHaveLength(1);
    expect(server.embeddings[0]!.path).toMatch(/^\/openai\/deployments\/embed\/embeddings\?api-version=/);
    expect(server.embeddings[0]!.headers['api-key']).toBe('azure-key');
  });
});

describePg('two instances on one PostgreSQL database', () => {
  test('when two instances start together, then each passage is embedded once between them', async () => {
    const pg = pgSchemaUrl();
    const a = tempDataDir();
    const b = tempDataDir();
    // The second starts while the first is still embedding (the service is slow).
    server.embeddingDelayMs = 1500;
    const config = (dir: string) => testConfig(dir, { ...model(), DATABASE_URL: pg.url });
    const one = await createApp(config(a.dir), { clock: fixedClock(AFTER), logger: silentLogger, stems: testStems });
    const two = await createApp(config(b.dir), { clock: fixedClock(AFTER), logger: silentLogger, stems: testStems });
    await Promise.all([one.generation!.semantic!.idle(), two.generation!.semantic!.idle()]);
    expect(server.embeddedTexts).toHaveLength(documentCount(one));
    await one.stop();
    await two.stop();
    await pg.drop();
    a.cleanup();
    b.cleanup();
  });
});
