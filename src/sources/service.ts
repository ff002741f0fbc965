import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Answer, Answerer } from '../knowledge/answerer';
import type { Lang } from '../knowledge/analyzer';
import { parseNote } from '../knowledge/note';
import { buildSources, GlossarySchema, QaSchema, SourceError, type KnowledgeSources, type QaPair } from '../knowledge/sources';
import { fold } from '../knowledge/text';
import type { Logger } from '../logger';
import { ScheduleSchema } from '../schedule/schedule';
import type { Clock } from '../schedule/time';
import { readUpload, UploadError, type SourceName } from './formats';
import { GoldenSchema, type Golden } from './golden';
import type { LiveKnowledge } from './live';
import type { SourceFiles, SourceVersionRepository } from './versions';

const FILE_OF: Record<SourceName, string> = { 'note-fr': 'note.fr.md', 'note-en': 'note.en.md', schedule: 'schedule.json', qa: 'qa.json', glossary: 'glossary.json', golden: 'golden.json' };

/** The sources shipped in sources/: the first version. */
export function shippedFiles(dir: string): SourceFiles {
  const read = (name: SourceName) => readFileSync(join(dir, FILE_OF[name]), 'utf8');
  return {
    'note-fr': read('note-fr'),
    'note-en': read('note-en'),
    schedule: JSON.parse(read('schedule')) as unknown,
    qa: JSON.parse(read('qa')) as unknown,
    glossary: JSON.parse(read('glossary')) as unknown,
    golden: JSON.parse(read('golden')) as unknown,
  };
}

export function toSources(files: SourceFiles): KnowledgeSources {
  return buildSources({ noteFr: String(files['note-fr']), noteEn: String(files['note-en']), schedule: files.schedule, qa: files.qa, glossary: files.glossary });
}

export interface GoldenResult {
  readonly id: string;
  readonly lang: Lang;
  readonly q: string;
  readonly live: { text: string; failed: string[] };
  readonly draft: { text: string; failed: string[] };
  /** The draft answers differently from the live version. */
  readonly changed: boolean;
}

export interface Preview {
  readonly draft: number;
  readonly live: number;
  readonly changed: SourceName[];
  readonly problems: string[];
  readonly publishable: boolean;
  readonly questions: GoldenResult[];
  /** Checks that pass live and fail in the draft. */
  readonly regressions: number;
}

export class PublishError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
    this.name = 'PublishError';
  }
}

/**
 * Admins change what the bot knows without a redeploy: an upload goes to a draft, the draft is
 * checked against the golden questions beside the live version, then published (or a version rolled
 * back to) in one switch; instances sharing the database follow within seconds.
 */
export class SourceService {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly deps: {
      repo: SourceVersionRepository;
      live: LiveKnowledge;
      makeAnswerer: (sources: KnowledgeSources) => Answerer;
      clock: Clock;
      logger: Logger;
      pollMs: number;
      /** Told of each version that goes live here (loaded, published, rolled back to): e.g. to embed its passages. */
      onLive?: ((sources: KnowledgeSources, version: number) => void) | undefined;
    },
  ) {}

  private goLive(sources: KnowledgeSources, version: number): void {
    this.deps.live.swap(sources, version);
    this.deps.onLive?.(sources, version);
  }

  /** Creates the first version from the shipped files if the database has none, and loads the live one. */
  async init(files: SourceFiles): Promise<void> {
    const shipped = await this.deps.repo.bootstrap(files, this.deps.clock.now());
    if (shipped === 'released') this.deps.logger.info('the shipped sources changed: they are the new live version');
    if (shipped === 'kept') this.deps.logger.warn('the shipped sources changed, but the organisers have published a version of their own since: theirs stays live; upload the shipped files to use them');
    await this.refresh();
  }

  /** Loads the live version if another instance (or this one) changed it. */
  async refresh(): Promise<boolean> {
    const number = await this.deps.repo.liveNumber();
    if (number === undefined || number === this.deps.live.version) return false;
    const version = (await this.deps.repo.byNumber(number))!;
    this.goLive(toSources(version.files), number);
    this.deps.logger.info({ version: number }, 'sources live');
    return true;
  }

  watch(): void {
    this.timer = setInterval(() => {
      this.refresh().catch((err: unknown) => this.deps.logger.error({ err }, 'could not check the live sources; will try again'));
    }, this.deps.pollMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Reads, checks and puts one source into the draft. A file that does not pass is refused; nothing changes. */
  async upload(name: SourceName, bytes: Buffer, contentType: string, filename: string, actor: string): Promise<{ draft: number; changed: SourceName[]; problems: string[] }> {
    const content = await readUpload(name, bytes, contentType, filename);
    checkOne(name, content);
    const draft = await this.deps.repo.saveToDraft(name, content, actor, this.deps.clock.now());
    return { draft: draft.number, changed: draft.changed, problems: draftProblems(draft.files) };
  }

  async preview(): Promise<Preview | undefined> {
    const draft = await this.deps.repo.draft();
    if (!draft) return undefined;
    const problems = draftProblems(draft.files);
    const golden = GoldenSchema.parse(draft.files.golden);
    const liveAnswerer = this.deps.makeAnswerer(this.deps.live.sources);
    const draftAnswerer = problems.length ? undefined : this.deps.makeAnswerer(toSources(draft.files));
    const questions = golden.questions.map((g) => {
      const live = check(liveAnswerer.answer(g.q, { lang: g.lang }), g.facts);
      const d = draftAnswerer ? check(draftAnswerer.answer(g.q, { lang: g.lang }), g.facts) : { text: '', failed: g.facts };
      return { id: g.id, lang: g.lang, q: g.q, live, draft: d, changed: live.text !== d.text };
    });
    const regressions = questions.reduce((n, q) => n + q.draft.failed.filter((f) => !q.live.failed.includes(f)).length, 0);
    return { draft: draft.number, live: this.deps.live.version, changed: draft.changed, problems, publishable: problems.length === 0, questions, regressions };
  }

  async publish(actor: string): Promise<number> {
    const draft = await this.deps.repo.draft();
    if (!draft) throw new PublishError(['there is no draft to publish']);
    const problems = draftProblems(draft.files);
    if (problems.length) throw new PublishError(problems);
    const sources = toSources(draft.files);
    await this.deps.repo.makeLive(draft.number, actor, this.deps.clock.now(), 'published');
    this.goLive(sources, draft.number);
    this.deps.logger.info({ version: draft.number }, 'sources published');
    return draft.number;
  }

  async rollback(number: number, actor: string): Promise<number> {
    const version = await this.deps.repo.byNumber(number);
    if (!version || version.status !== 'published') throw new PublishError([`version ${number} was never published`]);
    const sources = toSources(version.files);
    await this.deps.repo.makeLive(number, actor, this.deps.clock.now(), 'rolled-back');
    this.goLive(sources, number);
    this.deps.logger.info({ version: number }, 'sources rolled back');
    return number;
  }

  /**
   * Adds a Q&A pair to the draft (started from the live version when there is none), replacing a
   * pair of the same id; it goes live only when the draft is previewed and published.
   */
  async addQaPair(pair: QaPair, actor: string): Promise<number> {
    const base = (await this.deps.repo.draft()) ?? (await this.deps.repo.live());
    const qa = QaSchema.parse(base?.files.qa ?? { pairs: [] });
    const content = { ...qa, pairs: [...qa.pairs.filter((p) => p.id !== pair.id), pair] };
    checkOne('qa', content);
    return (await this.deps.repo.saveToDraft('qa', content, actor, this.deps.clock.now())).number;
  }

  /**
   * A participant's words taken out of a Q&A pair of the draft (their data deleted before it was
   * published); a language left without wording is phrased by the pair's answer, as when taught.
   * What is live stays: published versions are the organisers' content. Resolves with whether the draft changed.
   */
  async removeQaPhrasings(pairId: string, phrasings: { readonly en: readonly string[]; readonly fr: readonly string[] }, actor: string): Promise<boolean> {
    const draft = await this.deps.repo.draft();
    const qa = draft ? QaSchema.parse(draft.files.qa ?? { pairs: [] }) : undefined;
    const pair = qa?.pairs.find((p) => p.id === pairId);
    if (!qa || !pair) return false;
    const live = await this.deps.repo.live();
    const published = QaSchema.parse(live?.files.qa ?? { pairs: [] }).pairs.find((p) => p.id === pairId);
    const keep = (lang: 'en' | 'fr') => {
      const left = pair.q[lang].filter((q) => !phrasings[lang].includes(q.trim()) || published?.q[lang].includes(q));
      return left.length ? left : [pair.a[lang]];
    };
    const q = { en: keep('en'), fr: keep('fr') };
    if (q.en.length === pair.q.en.length && q.fr.length === pair.q.fr.length && q.en.every((x, i) => x === pair.q.en[i]) && q.fr.every((x, i) => x === pair.q.fr[i])) return false;
    const content = { ...qa, pairs: qa.pairs.map((p) => (p.id === pairId ? { ...p, q } : p)) };
    checkOne('qa', content);
    await this.deps.repo.saveToDraft('qa', content, actor, this.deps.clock.now());
    return true;
  }

  discard(actor: string): Promise<boolean> {
    return this.deps.repo.discardDraft(actor, this.deps.clock.now());
  }

  async status() {
    const draft = await this.deps.repo.draft();
    return {
      live: this.deps.live.version,
      draft: draft ? { number: draft.number, changed: draft.changed, problems: draftProblems(draft.files), createdBy: draft.createdBy, createdAt: draft.createdAt } : null,
      versions: await this.deps.repo.list(),
    };
  }

  history() {
    return this.deps.repo.events();
  }

  /** One source of the live version (or of version n), as stored. */
  async file(name: SourceName, number?: number): Promise<unknown> {
    const v = number ? await this.deps.repo.byNumber(number) : await this.deps.repo.live();
    return v?.files[name];
  }
}

/** A source on its own: parses, and matches its schema. */
function checkOne(name: SourceName, content: unknown): void {
  const zodProblems = (r: { success: boolean; error?: { issues: Array<{ path: PropertyKey[]; message: string }> } }) =>
    r.success ? [] : (r.error?.issues ?? []).map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`);
  let problems: string[] = [];
  switch (name) {
    case 'note-fr':
    case 'note-en':
      try {
        const note = parseNote(String(content), name === 'note-fr' ? 'fr' : 'en');
        if (!note.passages.length) problems = ['the note has no passage'];
      } catch (e) {
        problems = [(e as Error).message];
      }
      break;
    case 'schedule':
      problems = zodProblems(ScheduleSchema.safeParse(content));
      break;
    case 'qa':
      problems = zodProblems(QaSchema.safeParse(content));
      break;
    case 'glossary':
      problems = zodProblems(GlossarySchema.safeParse(content));
      break;
    case 'golden':
      problems = zodProblems(GoldenSchema.safeParse(content));
      break;
  }
  if (problems.length) throw new UploadError(problems);
}

/** What keeps a draft from going live: the notes not aligned, the schedule disagreeing with the note … */
export function draftProblems(files: SourceFiles): string[] {
  try {
    toSources(files);
  } catch (e) {
    if (e instanceof SourceError) return e.problems.map((p) => `${e.source}: ${p}`);
    return [(e as Error).message];
  }
  const golden = GoldenSchema.safeParse(files.golden);
  return golden.success ? [] : ['golden.json: does not match its schema'];
}

function check(answer: Answer, facts: Golden['questions'][number]['facts']): { text: string; failed: string[] } {
  const text = [answer.text, ...answer.citations.map((c) => c.excerpt)].join('\n');
  const plain = fold(text).replace(/\s+/g, ' ');
  return { text: answer.text, failed: facts.filter((f) => !new RegExp(f).test(plain)) };
}
