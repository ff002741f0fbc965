import { escapeMarkdown } from '../bot/markdown';
import { onlyFor, type ChannelTrust } from '../bot/identity';
import { commandRoute, type Route } from '../bot/turn';
import type { Translate } from '../vocabulary';
import type { SourceService } from './service';

export interface SourceTurnDeps {
  readonly sources?: SourceService | undefined;
  readonly t: Translate;
  readonly trust: ChannelTrust;
  readonly adminIds: readonly string[];
}

/** Admins in Teams: which version of the sources is live, and what the draft would change. */
export function sourceRoutes(d: SourceTurnDeps): Route[] {
  return [
    commandRoute(
      'sourcesStatus',
      onlyFor(d.trust, d.sources ? d.adminIds : [], 'sources.adminOnly', async (turn) => {
        const { lang } = turn;
        const status = await d.sources!.status();
        const live = status.versions.find((v) => v.live);
        const lines = [d.t(lang, 'sources.live', { version: status.live, at: live?.publishedAt ?? '—', by: live?.publishedBy ?? '—' })];
        if (status.draft) {
          lines.push(d.t(lang, 'sources.draft', { version: status.draft.number, changed: status.draft.changed.join(', ') || '—', by: status.draft.createdBy }));
          lines.push(status.draft.problems.length ? `${d.t(lang, 'sources.problems')}\n${status.draft.problems.map((p) => `- ${escapeMarkdown(p)}`).join('\n')}` : d.t(lang, 'sources.ready'));
        } else lines.push(d.t(lang, 'sources.noDraft'));
        await turn.reply(lines.join('\n\n'));
      }),
    ),
  ];
}
