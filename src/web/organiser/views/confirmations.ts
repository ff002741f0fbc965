import { FOLLOW_UP_STEPS, STATUSES, type ConfirmationQuery, type ConfirmationStatus, type ConfirmationView, type EventView, type FollowUp } from '../../../http/adminContract';
import { byId, el, fillTable, type Column } from '../dom';
import type { TabContext, View } from '../context';

/** Confirmations: filters (event, status, follow-up), search, the follow-up of each, the CSV export. */
export class ConfirmationsView implements View {
  private confirmations: ConfirmationView[] = [];
  /** Until the first list arrives the table stays empty and busy: "no confirmation yet" would be untrue. */
  private loaded = false;
  private events: readonly EventView[] = [];
  private readonly fEvent = byId<HTMLSelectElement>('fEvent');
  private readonly fStatus = byId<HTMLSelectElement>('fStatus');
  private readonly fFollow = byId<HTMLSelectElement>('fFollow');
  private readonly search = byId<HTMLInputElement>('search');

  constructor(private readonly ctx: TabContext) {
    for (const select of [this.fEvent, this.fStatus, this.fFollow]) select.addEventListener('change', () => void this.loadList().catch((e: unknown) => ctx.fail(e)));
    this.search.addEventListener('input', () => this.render());
    byId('export').addEventListener('click', () => void this.exportCsv());
  }

  relabel(): void {
    const T = this.ctx.texts;
    byId('fEventLabel').textContent = T.t('event');
    byId('fStatusLabel').textContent = T.t('status');
    byId('fFollowLabel').textContent = T.t('followUp');
    byId('searchLabel').textContent = T.t('search');
    byId('export').textContent = T.t('export');
    byId('cCaption').textContent = T.t('tabs.confirmations');
    this.fillFilters();
    this.render();
  }

  async load(): Promise<void> {
    // The events come from the live sources each time: a schedule published since shows at once.
    const [events] = await Promise.all([this.ctx.api.events(), this.loadList(false)]);
    this.events = events.events;
    this.fillFilters();
    this.render();
  }

  private async loadList(render = true): Promise<void> {
    const list = await this.ctx.api.confirmations(this.filters());
    // A follow-up saved while this list was on its way is newer than the list's copy: it stays.
    const mine = new Map(this.confirmations.map((c) => [c.id, c]));
    this.confirmations = list.confirmations.map((c) => {
      const kept = mine.get(c.id);
      return kept && kept.updatedAt > c.updatedAt ? kept : c;
    });
    this.loaded = true;
    if (render) this.render();
  }

  private filters(): ConfirmationQuery {
    return {
      ...(this.fEvent.value ? { event: this.fEvent.value } : {}),
      ...(this.fStatus.value ? { status: this.fStatus.value as ConfirmationStatus } : {}),
      ...(this.fFollow.value ? { followUp: this.fFollow.value as FollowUp } : {}),
    };
  }

  private fillFilters(): void {
    const T = this.ctx.texts;
    const fill = (select: HTMLSelectElement, all: string, options: ReadonlyArray<readonly [string, string]>) => {
      const current = select.value;
      select.replaceChildren(el('option', all, { value: '' }), ...options.map(([value, label]) => el('option', label, { value })));
      select.value = options.some(([v]) => v === current) ? current : '';
    };
    const shown = this.events.filter((e) => e.confirmationNeeded || this.confirmations.some((c) => c.eventId === e.id));
    fill(this.fEvent, T.t('allEvents'), shown.map((e) => [e.id, e.label[T.lang]] as const));
    fill(this.fStatus, T.t('allStatuses'), STATUSES.map((s) => [s, T.status(s)] as const));
    fill(this.fFollow, T.t('allFollowUps'), FOLLOW_UP_STEPS.map((f) => [f, T.followUp(f)] as const));
  }

  private eventLabel(id: string): string {
    return this.events.find((e) => e.id === id)?.label[this.ctx.texts.lang] ?? id;
  }

  private render(): void {
    const T = this.ctx.texts;
    byId('cBody').closest('table')?.setAttribute('aria-busy', String(!this.loaded));
    if (!this.loaded) {
      byId('cBody').replaceChildren();
      return;
    }
    const q = this.search.value.trim().toLowerCase();
    const shown = this.confirmations.filter((c) => !q || [c.reference, c.name, c.organisation, c.email, c.country].join(' ').toLowerCase().includes(q));
    byId('count').textContent = T.t('count', { count: shown.length });
    const columns: Array<Column<ConfirmationView>> = [
      { header: T.t('columns.reference'), cell: (c) => c.reference },
      { header: T.t('columns.participant'), cell: (c) => participant(c) },
      { header: T.t('columns.group'), cell: (c) => T.group(c.group) },
      { header: T.t('columns.country'), cell: (c) => c.country },
      { header: T.t('event'), cell: (c) => this.eventLabel(c.eventId) },
      { header: T.t('columns.created'), cell: (c) => T.date(c.createdAt) },
      { header: T.t('status'), cell: (c) => T.status(c.status) },
      { header: T.t('followUp'), cell: (c) => this.followUpControl(c) },
    ];
    const empty = this.confirmations.length ? T.t('noMatch') : T.t('noConfirmation');
    fillTable(byId('cHead'), byId('cBody'), columns, shown, empty, (c) => ({ 'data-id': c.id }));
  }

  private followUpControl(c: ConfirmationView): HTMLSelectElement {
    const T = this.ctx.texts;
    const select = el('select', null, { 'aria-label': T.t('followUpOf', { reference: c.reference, name: c.name }), 'data-reference': c.reference });
    for (const f of FOLLOW_UP_STEPS) select.appendChild(el('option', T.followUp(f), { value: f }));
    select.value = c.followUp;
    select.addEventListener('change', () => void this.saveFollowUp(c, select));
    return select;
  }

  private async saveFollowUp(c: ConfirmationView, select: HTMLSelectElement): Promise<void> {
    const wanted = select.value as FollowUp;
    try {
      const { confirmation } = await this.ctx.api.setFollowUp(c.id, wanted);
      this.confirmations = this.confirmations.map((x) => (x.id === c.id ? confirmation : x));
      // The table was filled again while saving: its control shows the list's value, not the saved one.
      if (!select.isConnected) this.render();
      this.ctx.say(this.ctx.texts.t('saved'));
    } catch (e) {
      select.value = c.followUp;
      this.ctx.fail(e);
    }
  }

  private async exportCsv(): Promise<void> {
    const T = this.ctx.texts;
    try {
      const blob = await this.ctx.api.confirmationsCsv({ lang: T.lang, ...this.filters() });
      const url = URL.createObjectURL(blob);
      const a = el('a', null, { href: url, download: 'confirmations.csv', hidden: '' });
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      this.ctx.say(T.t('exported', { count: this.confirmations.length }));
    } catch (e) {
      this.ctx.fail(e);
    }
  }
}

/** The participant's name, then their organisation and email beneath: three facts in one narrow column. */
function participant(c: ConfirmationView): Node {
  const box = document.createDocumentFragment();
  box.append(el('span', c.name), el('span', c.organisation, { class: 'sub' }), el('span', c.email, { class: 'sub' }));
  return box;
}
