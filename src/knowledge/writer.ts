import type { Lang } from './analyzer';
import type { Answer, Citation, Translate } from './answer';
import type { KnowledgeBase } from './knowledgeBase';
import type { ScheduledEvent } from '../schedule/schedule';

/** What every kind of answer shares: citations, the organisers' addresses, refusals, event answers. */
export class AnswerWriter {
  constructor(
    readonly kb: KnowledgeBase,
    readonly t: Translate,
  ) {}

  cite(passageId: string, lang: Lang): Citation {
    const passage = this.kb.passage(passageId, lang)!;
    return {
      passageId,
      sectionId: passage.sectionId,
      label: this.t(lang, 'citation.label', { section: this.kb.sectionLabel(passage.sectionId, lang) }),
      excerpt: passage.text,
      lang,
    };
  }

  /** "The organisers can help: … and …": every refusal and every partial answer ends with it. */
  organisers(lang: Lang): string {
    const [first, second] = this.kb.sources.schedule.organisers;
    return this.t(lang, 'answer.organisers', { first: first!, second: second ?? first! });
  }

  /** Says the note does not answer (with what it does not give, when known) and gives the organisers. */
  abstain(lang: Lang, reason: 'unknown-words' | 'no-match', lead?: string): Answer {
    const [first, second] = this.kb.sources.schedule.organisers;
    return {
      kind: 'abstain',
      lang,
      text: lead ? `${lead} ${this.organisers(lang)}` : this.t(lang, 'answer.abstain', { first: first!, second: second ?? first! }),
      citations: [],
      suggestions: [this.t(lang, 'suggest.dates'), this.t(lang, 'suggest.register')],
      eventIds: [],
      reason,
    };
  }

  /** An answer about events, citing each event's own line for a date, its details otherwise. */
  eventAnswer(events: ScheduledEvent[], lang: Lang, text: string, cited: 'date' | 'details' | string[], partial = false): Answer {
    const ids = Array.isArray(cited)
      ? cited
      : dedupe(events.map((e) => (cited === 'date' ? e.passages[0]! : (e.passages.find((p) => p.endsWith('.details')) ?? e.passages[0]!))));
    const suggestions = events.some((e) => e.confirmationNeeded) ? [this.t(lang, 'suggest.confirm'), this.t(lang, 'suggest.otherDates')] : [this.t(lang, 'suggest.otherDates')];
    return {
      kind: 'schedule',
      lang,
      text: partial ? `${text} ${this.organisers(lang)}` : text,
      citations: ids.map((id) => this.cite(id, lang)),
      suggestions,
      eventIds: events.map((e) => e.id),
      sectionId: events[0]?.section ?? '',
      ...(partial ? { partial: true, reason: 'partial' as const } : {}),
    };
  }
}

export function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export function dedupe<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}

/** Events that share the same text, once each text: "A / B: …" rather than the same line twice. */
export function groupByText(events: ScheduledEvent[], text: (e: ScheduledEvent) => string): Array<[ScheduledEvent[], string]> {
  const groups = new Map<string, ScheduledEvent[]>();
  for (const e of events) groups.set(text(e), [...(groups.get(text(e)) ?? []), e]);
  return [...groups].map(([t, es]) => [es, t]);
}

export function names(events: ScheduledEvent[], lang: Lang): string {
  return events.map((e) => capitalise(e.short[lang])).join(' / ');
}
