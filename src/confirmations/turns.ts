import type { TurnContext } from 'botbuilder';
import type { ConfirmationOptions } from '../../dialogs/confirmationDialog';
import { DialogIds } from '../../dialogs/ids';
import { confirmationList } from '../../dialogs/messages';
import { escapeMarkdown } from '../bot/markdown';
import { organiserListTarget } from '../bot/commands';
import { onlyFor, type ChannelTrust } from '../bot/identity';
import { commandRoute, type Route, type Turn } from '../bot/turn';
import type { AnswerSource } from '../knowledge/answerer';
import type { Lang, Translate } from '../vocabulary';
import type { Confirmation, ParticipantKey } from './confirmation';
import type { ConfirmationService } from './service';

export interface ConfirmationTurnDeps {
  readonly confirmations: ConfirmationService;
  readonly answerer: Pick<AnswerSource, 'eventsNamedIn'>;
  readonly t: Translate;
}

/** The participant as the channel names them: whose confirmations these are. */
function participant(context: TurnContext): ParticipantKey {
  const a = context.activity;
  return { channelId: a.channelId, userId: a.from.id, ...(a.from.aadObjectId ? { aadObjectId: a.from.aadObjectId } : {}) };
}

/** A participant's own requests: confirm, change, cancel, see what is held, delete it. */
export function confirmationRoutes(d: ConfirmationTurnDeps): Route[] {
  const begin = async (turn: Turn, id: string, options: object) => {
    await (await turn.dialogContext()).beginDialog(id, options);
  };
  return [
    commandRoute('confirm', async (turn) => {
      const named = d.answerer.eventsNamedIn(turn.question).filter((e) => e.confirmationNeeded);
      const draft = { ...(turn.command?.kind === 'confirm' ? turn.command.draft : {}), ...(named.length === 1 ? { eventId: named[0]!.id } : {}) };
      await begin(turn, DialogIds.confirmation, { draft, lang: turn.lang } satisfies ConfirmationOptions);
    }),
    commandRoute('change', async (turn) => {
      const active = (await d.confirmations.forParticipant(participant(turn.context))).filter((c) => c.status === 'confirmed');
      if (!active.length) return turn.reply(d.t(turn.lang, 'change.none'));
      const named = d.answerer.eventsNamedIn(turn.question).map((e) => e.id);
      const target = active.find((c) => named.includes(c.eventId)) ?? active[active.length - 1]!;
      const draft = { eventId: target.eventId, name: target.name, organisation: target.organisation, email: target.email, group: target.group, country: target.country, sessionLanguage: target.sessionLanguage, consent: true };
      await begin(turn, DialogIds.confirmation, { draft, lang: turn.lang } satisfies ConfirmationOptions);
    }),
    commandRoute('cancelConfirmation', (turn) => begin(turn, DialogIds.cancellation, { lang: turn.lang })),
    commandRoute('deleteData', (turn) => begin(turn, DialogIds.deleteData, { lang: turn.lang })),
    commandRoute('myConfirmations', async (turn) => {
      const { lang, profile } = turn;
      const list = await d.confirmations.forParticipant(participant(turn.context));
      const held = [
        list.length ? `${d.t(lang, 'mine.list')}\n\n${confirmationList(d.t, d.confirmations, lang, list)}` : d.t(lang, 'mine.none'),
        d.t(lang, 'mine.profile', {
          language: profile.language ? d.t(lang, `languages.${profile.language}`) : d.t(lang, 'mine.notSetLanguage'),
          timezone: profile.timezone ?? d.t(lang, 'mine.notSet'),
        }),
        d.t(lang, 'mine.howToDelete'),
      ];
      await turn.reply(held.join('\n\n'));
    }),
  ];
}

/** Organisers in chat: counts per event, and the list of one event. */
export function organiserRoutes(d: ConfirmationTurnDeps & { readonly trust: ChannelTrust; readonly organiserIds: readonly string[] }): Route[] {
  return [
    commandRoute(
      ['organiserStats', 'organiserList'],
      onlyFor(d.trust, d.organiserIds, 'organiser.only', async (turn) => {
        const list = turn.command?.kind === 'organiserList';
        const events = list ? d.answerer.eventsNamedIn(organiserListTarget(turn.question)).map((e) => e.id) : [];
        await turn.reply(organiserSummary(d, await d.confirmations.list(), turn.lang, events, list));
      }),
    ),
  ];
}

/** Counts per event (and the list, for one event), for organisers in chat. */
function organiserSummary(d: ConfirmationTurnDeps, all: Confirmation[], lang: Lang, eventIds: string[], withNames: boolean): string {
  const shown = eventIds.length ? all.filter((c) => eventIds.includes(c.eventId)) : all;
  const byEvent = new Map<string, Confirmation[]>();
  for (const c of shown) byEvent.set(c.eventId, [...(byEvent.get(c.eventId) ?? []), c]);
  if (!byEvent.size) return d.t(lang, 'organiser.empty');
  const parts = [d.t(lang, 'organiser.heading', { count: shown.filter((c) => c.status === 'confirmed').length })];
  for (const [eventId, list] of byEvent) {
    const event = d.confirmations.event(eventId);
    const confirmed = list.filter((c) => c.status === 'confirmed');
    parts.push(
      d.t(lang, 'organiser.event', {
        event: event ? d.confirmations.describeEvent(event, lang) : eventId,
        confirmed: confirmed.length,
        cancelled: list.length - confirmed.length,
        waiting: confirmed.filter((c) => c.followUp === 'new').length,
      }),
    );
    if (withNames) parts.push(confirmed.map((c) => `- ${escapeMarkdown(c.name)} — ${escapeMarkdown(c.organisation)} — ${escapeMarkdown(c.country)} — ${c.reference} — ${d.t(lang, `followUp.${c.followUp}`)}`).join('\n'));
  }
  return parts.join('\n\n');
}
