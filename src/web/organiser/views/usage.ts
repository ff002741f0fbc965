import type { UsageDayView, UsageResponse } from '../../../http/adminContract';
import { byId, fillTable } from '../dom';
import type { TabContext, View } from '../context';

/** The model's use per UTC day: questions sent, tokens, and what became of the answers. */
export class UsageView implements View {
  private usage: UsageResponse['generation'] = { enabled: false, days: [] };

  constructor(private readonly ctx: TabContext) {}

  relabel(): void {
    byId('usageCaption').textContent = this.ctx.texts.t('usage.caption');
    this.render();
  }

  async load(): Promise<void> {
    this.usage = (await this.ctx.api.usage()).generation;
    this.render();
  }

  private render(): void {
    const T = this.ctx.texts;
    byId('usageNote').textContent = T.t(this.usage.enabled ? 'usage.on' : 'usage.off');
    const numbers = new Intl.NumberFormat(T.dateLocale);
    const n = (value: number | undefined) => numbers.format(value ?? 0);
    fillTable(
      byId('usageHead'),
      byId('usageBody'),
      [
        // Noon UTC: the day reads the same in every zone.
        { header: T.t('usage.day'), cell: (d: UsageDayView) => T.date(`${d.day}T12:00:00Z`) },
        { header: T.t('usage.requests'), cell: (d) => n(d.requests) },
        { header: T.t('usage.prompt'), cell: (d) => n(d.promptTokens) },
        { header: T.t('usage.completion'), cell: (d) => n(d.completionTokens) },
        { header: T.t('usage.total'), cell: (d) => n(d.promptTokens + d.completionTokens) },
        { header: T.t('usage.shown'), cell: (d) => n(d.outcomes['shown']) },
        { header: T.t('usage.blocked'), cell: (d) => n(d.outcomes['blocked']) },
      ],
      this.usage.days,
      T.t('none'),
    );
  }
}
