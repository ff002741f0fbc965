import { TurnContext } from 'botbuilder';
import { onlyFor, type ChannelTrust } from '../bot/identity';
import { commandRoute, type Route } from '../bot/turn';
import type { Translate } from '../vocabulary';
import type { DigestService } from './service';

export interface DigestTurnDeps {
  readonly digests?: DigestService | undefined;
  readonly t: Translate;
  readonly trust: ChannelTrust;
  readonly organiserIds: readonly string[];
}

/** Organisers in Teams: subscribe a conversation to the digests, unsubscribe it, send one now. */
export function digestRoutes(d: DigestTurnDeps): Route[] {
  const organisers = d.digests ? d.organiserIds : [];
  const key = (context: TurnContext) => `${context.activity.channelId}:${context.activity.conversation.id}`;
  return [
    commandRoute(
      'subscribeDigest',
      onlyFor(d.trust, organisers, 'organiser.only', async (turn) => {
        const reference = TurnContext.getConversationReference(turn.context.activity) as unknown as Record<string, unknown>;
        const from = turn.context.activity.from;
        await d.digests!.subscribe(key(turn.context), reference, turn.lang, from.aadObjectId ?? from.id);
        await turn.reply(d.t(turn.lang, 'digest.subscribed'));
      }),
    ),
    commandRoute(
      'unsubscribeDigest',
      onlyFor(d.trust, organisers, 'organiser.only', async (turn) => {
        const removed = await d.digests!.unsubscribe(key(turn.context));
        await turn.reply(d.t(turn.lang, removed ? 'digest.unsubscribed' : 'digest.notSubscribed'));
      }),
    ),
    commandRoute(
      'digestNow',
      onlyFor(d.trust, organisers, 'organiser.only', async (turn) => {
        const { lang } = turn;
        const run = await d.digests!.run('manual');
        const lines = run.results.map((r) =>
          d.t(lang, `digest.result.${r.status}`, {
            destination: r.destination.startsWith('teams:') ? 'Teams' : 'email',
            confirmations: 'confirmations' in r ? r.confirmations : 0,
            questions: 'questions' in r ? r.questions : 0,
          }),
        );
        await turn.reply(run.status === 'done' ? lines.join('\n') || d.t(lang, 'digest.result.nothing-new') : d.t(lang, `digest.run.${run.status}`));
      }),
    ),
  ];
}
