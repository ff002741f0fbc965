import type { Answer, AnswerSource, Answerer, Citation, QuestionContext } from '../knowledge/answerer';
import type { Lang } from '../knowledge/analyzer';
import type { KnowledgeSources } from '../knowledge/sources';
import type { ScheduledEvent } from '../schedule/schedule';

/**
 * The knowledge the bot answers from, swapped whole when a version of the sources goes live: each
 * call reads the current version once, so no turn ever sees half a version.
 */
export class LiveKnowledge implements AnswerSource {
  private loaded: { answerer: Answerer; sources: KnowledgeSources; version: number } | undefined;

  /** Empty until the first swap: the version to load comes from the database. */
  constructor(private readonly make: (sources: KnowledgeSources) => Answerer) {}

  private get state(): { answerer: Answerer; sources: KnowledgeSources; version: number } {
    if (!this.loaded) throw new Error('no version of the sources is loaded yet');
    return this.loaded;
  }

  /** Builds the new version's index first, then switches in one assignment. */
  swap(sources: KnowledgeSources, version: number): void {
    const answerer = this.make(sources);
    this.loaded = { answerer, sources, version };
  }

  get version(): number {
    return this.loaded?.version ?? 0;
  }

  get sources(): KnowledgeSources {
    return this.state.sources;
  }

  answer(question: string, ctx: QuestionContext): Answer {
    return this.state.answerer.answer(question, ctx);
  }

  eventsNamedIn(text: string): ScheduledEvent[] {
    return this.state.answerer.eventsNamedIn(text);
  }

  eventsById(ids: readonly string[]): ScheduledEvent[] {
    return this.state.answerer.eventsById(ids);
  }

  cite(passageId: string, lang: Lang): Citation {
    return this.state.answerer.cite(passageId, lang);
  }
}
