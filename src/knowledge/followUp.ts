import type { QuestionContext } from './answer';
import type { FrameWord, QuestionFrame } from './frame';
import type { Need } from './intent';
import type { KnowledgeBase } from './knowledgeBase';
import { fold } from './text';
import type { ScheduledEvent } from '../schedule/schedule';

const FOLLOW_UP_START = /^(?:(?:ok|okay|alors|so|d'accord|bon)\s*,?\s+)?(and|et|also|aussi|what about|how about|et pour|et si|same|meme|pareil)\b/;
const DEICTIC = /\b(it|that|this|this one|that one|then|there|ca|cela|celle-ci|celui-ci|la-bas|cette seance|cet evenement)\b/;
const OTHER = /\b(other|another|autre)\b/;

/** Needs that say how a question is asked, not what it asks for. */
const SOFT: ReadonlySet<Need> = new Set<Need>(['yesno', 'how', 'who']);

/** Nouns that only say "an event": "and the consultation?" names no topic of its own. */
const EVENT_NOUNS = new Set(['consultation', 'consultations', 'session', 'sessions', 'seance', 'seances', 'meeting', 'meetings', 'reunion', 'reunions', 'event', 'events', 'evenement', 'evenements', 'one']);

/**
 * A fragment that leans on the question before it ("and for Africa?", "what time?", "and in
 * Kinshasa?", "et la consultation sous-régionale ?", "and the other one?") asks the previous
 * question again with what it changes: another subject keeps the previous needs, another need
 * keeps the previous subject.
 */
export function followUp(kb: KnowledgeBase, frame: QuestionFrame, ctx: QuestionContext, frameOf: (q: string) => QuestionFrame): QuestionFrame {
  const prev = ctx.previous;
  if (!prev) return frame;
  const f = fold(frame.text).trim();
  const eventWord = (w: FrameWord): boolean => EVENT_NOUNS.has(w.word) || w.concepts.some((c) => kb.sources.schedule.events.some((e) => e.concepts.includes(c)));
  // "and in Kinshasa?": a place alone names the zone to give the previous answer in.
  const placeWord = (w: FrameWord): boolean => !!frame.place && kb.gazetteer.words.has(w.word);
  const topical = frame.words.some((w) => w.role === 'topic' && !eventWord(w) && !placeWord(w));
  const short = frame.words.filter((w) => w.role !== 'ask').length <= 3;
  if (!FOLLOW_UP_START.test(f) && !DEICTIC.test(f) && !short) return frame;
  const previous = prev.question ? frameOf(prev.question) : undefined;
  const prevEvents = prev.eventIds.length ? kb.eventsById(prev.eventIds) : (previous?.match.events ?? []);
  const prevNeeds = new Set<Need>([...(previous?.needs ?? []), ...((prev.needs ?? []) as Need[])]);
  const ownNeeds = [...frame.needs].filter((n) => !SOFT.has(n));
  const named = frame.match.events.length > 0;

  if (OTHER.test(f) && !named && prevEvents.length) {
    const others = siblings(kb, prevEvents);
    if (others.length) return { ...frame, match: { events: others, selective: true }, needs: ownNeeds.length ? frame.needs : withSoft(prevNeeds, frame.needs) };
  }
  const subjectless = !named && !frame.regions.length && !frame.groups.length && !topical;
  if (subjectless && (ownNeeds.length || frame.place || DEICTIC.test(f)) && prevEvents.length) {
    const words = frame.words.map((w) => (w.role === 'topic' && placeWord(w) ? { ...w, role: 'place' as const } : w));
    return { ...frame, words, match: { events: prevEvents, selective: true }, needs: ownNeeds.length ? frame.needs : withSoft(prevNeeds, frame.needs) };
  }
  if ((named || frame.regions.length || frame.groups.length || frame.place) && !ownNeeds.length && !topical && (previous || prevNeeds.size)) {
    return {
      ...frame,
      needs: withSoft(prevNeeds, frame.needs),
      concepts: new Set([...(previous?.concepts ?? []), ...frame.concepts]),
      groups: frame.groups.length ? frame.groups : (previous?.groups ?? []),
      regions: frame.regions.length ? frame.regions : named ? [] : (previous?.regions ?? []),
      match: named || frame.regions.length ? frame.match : { events: prevEvents, selective: true },
      words: [...frame.words, ...(previous?.words ?? []).filter((w) => w.role === 'topic' && !eventWord(w))],
    };
  }
  return frame;
}

function withSoft(needs: ReadonlySet<Need>, own: ReadonlySet<Need>): Set<Need> {
  return new Set<Need>([...needs, ...[...own].filter((n) => SOFT.has(n))]);
}

/** The events of the same kind and region as the given ones, not those: "the other one". */
function siblings(kb: KnowledgeBase, events: readonly ScheduledEvent[]): ScheduledEvent[] {
  return kb.sources.schedule.events.filter((s) => !events.includes(s) && events.some((e) => e.kind === s.kind && e.region === s.region));
}
