import { LANGS, type Lang } from '../analyzer';
import type { KnowledgeBase } from '../knowledgeBase';
import { fold } from '../text';
import { redactContacts } from '../../privacy/redaction';
import type { Logger } from '../../logger';
import type { Clock } from '../../schedule/time';
import { vectorKey, type EmbeddingRepository, type VectorKey } from './embeddingStore';
import { dot, EMBEDDING_BATCH, type EmbeddingModel } from './embeddings';
import { failureReason } from './failure';

export interface SemanticDeps {
  readonly model: EmbeddingModel;
  readonly repo: EmbeddingRepository;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Longest wait for one request to the embedding service, as for the chat calls. */
  readonly timeoutMs: number;
  /** This instance, as the owner of the runs it starts. */
  readonly owner: string;
  /** Counts a failure of the embedding service ("http-500", "timeout" …). */
  readonly onFailure: (reason: string) => void;
}

/** One text embedded: a passage of the note or a Q&A pair, in one language. */
interface Doc {
  readonly id: string;
  readonly lang: Lang;
  readonly text: string;
}

/** Longest text embedded per passage: embedding models take a few thousand tokens at most. */
const MAX_INPUT_CHARS = 4000;
/** Question vectors kept per instance (oldest out). */
const QUESTION_CACHE = 500;
/** After a failed run or another instance's, how long before the database is read (and, if still needed, a run started) again. */
const RETRY_MS = 30_000;

/**
 * The meaning of the passages, for choosing what a model is shown: every passage and Q&A pair of a
 * version is embedded once (in each language) when the version goes live, stored in the database
 * and shared by every instance; at question time only the question is embedded. Any failure of
 * the embedding service leaves the choice to the lexical retriever alone.
 */
export class SemanticIndex {
  private readonly loaded = new Map<number, Map<VectorKey, Float32Array>>();
  private readonly runs = new Map<number, Promise<void>>();
  private readonly lastAttempt = new Map<number, number>();
  private readonly questions = new Map<string, Float32Array>();
  private readonly docsOf = new WeakMap<KnowledgeBase, Doc[]>();
  private readonly stopping = new AbortController();

  constructor(private readonly deps: SemanticDeps) {}

  get model(): string {
    return this.deps.model.name;
  }

  /** Resolves when no run of this instance is under way. */
  async idle(): Promise<void> {
    while (this.runs.size) await Promise.all(this.runs.values());
  }

  /** Cuts short the runs under way (another instance, or the next start, takes the version up) and starts none. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.idle();
  }

  /** Embeds what the database does not hold yet for this version; never rejects (failures are logged and counted). */
  prepare(version: number, kb: KnowledgeBase): Promise<void> {
    if (this.stopping.signal.aborted) return Promise.resolve();
    let run = this.runs.get(version);
    if (!run) {
      this.lastAttempt.set(version, this.deps.clock.now().getTime());
      run = this.run(version, kb)
        .catch((err: unknown) => this.failed(err, 'could not embed the passages; the context is chosen by words alone'))
        .finally(() => this.runs.delete(version));
      this.runs.set(version, run);
    }
    return run;
  }

  private async run(version: number, kb: KnowledgeBase): Promise<void> {
    const { repo, model, owner } = this.deps;
    const stored = await repo.vectors(version, model.name);
    this.keep(version, stored);
    const missing = this.documents(kb).filter((d) => !stored.has(vectorKey(d.id, d.lang)));
    if (!missing.length) return;
    // Another instance embedding this version: its vectors are read from the database later.
    if (!(await repo.claim(version, model.name, owner, this.deps.clock.now()))) return;
    try {
      for (let i = 0; i < missing.length; i += EMBEDDING_BATCH) {
        const batch = missing.slice(i, i + EMBEDDING_BATCH);
        const vectors = await model.embed(
          batch.map((d) => d.text),
          { signal: AbortSignal.any([AbortSignal.timeout(this.deps.timeoutMs), this.stopping.signal]) },
        );
        await repo.save(version, model.name, batch.map((d, n) => ({ id: d.id, lang: d.lang, vector: vectors[n]! })), this.deps.clock.now());
      }
    } catch (err) {
      await repo.release(version, model.name, owner).catch(() => undefined);
      throw err;
    }
    this.keep(version, await repo.vectors(version, model.name));
    this.deps.logger.info({ version, model: model.name, embedded: missing.length }, 'passages embedded');
  }

  /**
   * Cosine similarity of the question with each passage and Q&A pair (the better of its two
   * languages), or undefined when the vectors are not there or the service fails: words alone then.
   */
  async similarities(question: string, version: number, kb: KnowledgeBase): Promise<ReadonlyMap<string, number> | undefined> {
    const vectors = this.loaded.get(version);
    if (!vectors || vectors.size < this.documents(kb).length) this.catchUp(version, kb);
    if (!vectors?.size) return undefined;
    let q: Float32Array;
    try {
      q = await this.questionVector(question);
    } catch (err) {
      this.failed(err, 'could not embed the question; the context is chosen by words alone');
      return undefined;
    }
    const out = new Map<string, number>();
    for (const d of this.documents(kb)) {
      const v = vectors.get(vectorKey(d.id, d.lang));
      if (v) out.set(d.id, Math.max(out.get(d.id) ?? -1, dot(q, v)));
    }
    return out;
  }

  /** Vectors missing (a run failed, or another instance is embedding): read the database again, now and then. */
  private catchUp(version: number, kb: KnowledgeBase): void {
    if (this.runs.has(version)) return;
    const last = this.lastAttempt.get(version);
    if (last !== undefined && this.deps.clock.now().getTime() - last < RETRY_MS) return;
    void this.prepare(version, kb);
  }

  private async questionVector(question: string): Promise<Float32Array> {
    // What is embedded is what the model would be shown: contact details redacted.
    const text = redactContacts(question);
    const key = fold(text).replace(/[^\p{L}\p{N}@.]+/gu, ' ').trim();
    const cached = this.questions.get(key);
    if (cached) return cached;
    const [vector] = await this.deps.model.embed([text], { signal: AbortSignal.timeout(this.deps.timeoutMs) });
    if (!vector) throw new Error('the embedding service returned no vector');
    if (this.questions.size >= QUESTION_CACHE) this.questions.delete(this.questions.keys().next().value!);
    this.questions.set(key, vector);
    return vector;
  }

  /** Keeps the vectors of the two latest versions read (a turn may still be on the previous one). */
  private keep(version: number, vectors: Map<VectorKey, Float32Array>): void {
    this.loaded.delete(version);
    this.loaded.set(version, vectors);
    while (this.loaded.size > 2) this.loaded.delete(this.loaded.keys().next().value!);
  }

  private failed(err: unknown, message: string): void {
    if (this.stopping.signal.aborted) return;
    const reason = failureReason(err);
    this.deps.logger.warn({ event: 'embedding-failed', reason }, message);
    this.deps.onFailure(reason);
  }

  /** The texts of a version, as the retriever indexes them: a passage with its section, a pair with its questions. */
  private documents(kb: KnowledgeBase): Doc[] {
    let docs = this.docsOf.get(kb);
    if (!docs) {
      docs = LANGS.flatMap((lang) => [
        ...kb.sources.notes[lang].passages.map((p) => ({ id: p.id, lang, text: `${kb.sectionLabel(p.sectionId, lang)}\n${p.text}` })),
        ...kb.sources.qa.map((pair) => ({ id: pair.id, lang, text: `${pair.q[lang].join('\n')}\n${pair.a[lang]}` })),
      ]).map((d) => ({ ...d, text: d.text.slice(0, MAX_INPUT_CHARS) }));
      this.docsOf.set(kb, docs);
    }
    return docs;
  }
}
