import { SOURCES, type DraftPreview, type SourceName, type SourcesState, type SourceVersionView } from '../../../http/adminContract';
import { byId, el, fillTable, focusOn } from '../dom';
import type { TabContext, View } from '../context';

type Question = DraftPreview['questions'][number];

/** Sources: upload into a draft, see the problems and the golden questions' answers, publish, roll back. */
export class SourcesView implements View {
  private state: SourcesState | undefined;
  private preview: DraftPreview | undefined;
  private readonly name = byId<HTMLSelectElement>('srcName');
  private readonly file = byId<HTMLInputElement>('srcFile');

  constructor(
    private readonly ctx: TabContext,
    /** The live version changed: what other views show may have changed too. */
    private readonly onLiveChange: () => void,
  ) {
    byId<HTMLFormElement>('upload').addEventListener('submit', (e) => {
      e.preventDefault();
      void this.upload();
    });
    byId('srcPreview').addEventListener('click', () => void this.run(() => this.showPreview()));
    byId('srcPublish').addEventListener('click', () => void this.run(() => this.publish()));
    byId('srcDiscard').addEventListener('click', () => void this.run(() => this.discard()));
  }

  relabel(): void {
    const T = this.ctx.texts;
    byId('srcNameLabel').textContent = T.t('sources.source');
    byId('srcFileLabel').textContent = T.t('sources.file');
    byId('srcUpload').textContent = T.t('sources.upload');
    byId('srcPreview').textContent = T.t('sources.preview');
    byId('srcPublish').textContent = T.t('sources.publish');
    byId('srcDiscard').textContent = T.t('sources.discard');
    byId('versionsTitle').textContent = T.t('sources.versions');
    byId('srcProblemsTitle').textContent = T.t('sources.problems');
    byId('pvCaption').textContent = T.t('sources.previewCaption');
    const current = this.name.value;
    this.name.replaceChildren(...SOURCES.map((n) => el('option', T.t(`sources.names.${n}`), { value: n })));
    if (current) this.name.value = current;
    this.render();
  }

  async load(): Promise<void> {
    this.state = await this.ctx.api.sources();
    this.render();
  }

  private async run(action: () => Promise<void>): Promise<void> {
    try {
      await action();
    } catch (e) {
      this.ctx.fail(e);
    }
  }

  private async upload(): Promise<void> {
    const file = this.file.files?.[0];
    if (!file) {
      this.ctx.say(this.ctx.texts.t('sources.chooseFile'));
      focusOn(this.file);
      return;
    }
    await this.run(async () => {
      const r = await this.ctx.api.upload(this.name.value as SourceName, file);
      this.preview = undefined;
      this.ctx.say(this.ctx.texts.t(r.problems.length ? 'sources.uploadedWithProblems' : 'sources.uploaded', { draft: r.draft }));
      await this.load();
      // Where the organiser goes next: the problems to fix, or the preview of what changes.
      focusOn(r.problems.length ? byId('srcProblemsTitle') : byId('srcPreview'));
    });
  }

  private async showPreview(): Promise<void> {
    this.preview = await this.ctx.api.previewDraft();
    this.ctx.say(this.ctx.texts.t('sources.previewSummary', { regressions: this.preview.regressions }));
    this.renderPreview();
  }

  private async publish(): Promise<void> {
    const { live } = await this.ctx.api.publish();
    this.preview = undefined;
    this.ctx.say(this.ctx.texts.t('sources.published', { version: live }));
    await this.load();
    this.onLiveChange();
  }

  private async discard(): Promise<void> {
    await this.ctx.api.discard();
    this.preview = undefined;
    this.ctx.say(this.ctx.texts.t('sources.discarded'));
    await this.load();
  }

  private async rollback(version: number): Promise<void> {
    await this.run(async () => {
      await this.ctx.api.rollback(version);
      this.ctx.say(this.ctx.texts.t('sources.rolledBack', { version }));
      await this.load();
      this.onLiveChange();
      focusOn(byId('versionsTitle'));
    });
  }

  private render(): void {
    const T = this.ctx.texts;
    const s = this.state;
    if (!s) return;
    const changed = (names: readonly SourceName[]) => names.map((n) => T.t(`sources.names.${n}`)).join(', ');
    byId('srcStatus').textContent = [T.t('sources.status', { live: s.live }), s.draft ? T.t('sources.draftStatus', { draft: s.draft.number, changed: changed(s.draft.changed) || '—' }) : T.t('sources.noDraft')].join(' ');
    const problems = s.draft?.problems ?? [];
    byId('srcProblemsBox').hidden = problems.length === 0;
    byId('srcProblems').replaceChildren(...problems.map((p) => el('li', p)));
    byId<HTMLButtonElement>('srcPublish').disabled = !s.draft || problems.length > 0;
    byId<HTMLButtonElement>('srcDiscard').disabled = !s.draft;
    byId<HTMLButtonElement>('srcPreview').disabled = !s.draft;
    fillTable(
      byId('vHead'),
      byId('vBody'),
      [
        { header: T.t('sources.version'), cell: (v: SourceVersionView) => `${v.number}${v.live ? ` (${T.t('sources.live')})` : ''}` },
        { header: T.t('sources.state'), cell: (v) => T.t(`sources.states.${v.status}`) },
        { header: T.t('sources.changedCol'), cell: (v) => changed(v.changed) || '—' },
        { header: T.t('sources.when'), cell: (v) => T.dateTime(v.publishedAt ?? v.createdAt) },
        { header: T.t('sources.actions'), cell: (v) => this.rollbackButton(v) },
      ],
      s.versions,
      T.t('none'),
      (v) => ({ 'data-version': String(v.number) }),
    );
    this.renderPreview();
  }

  private rollbackButton(v: SourceVersionView): Node {
    if (v.status !== 'published' || v.live) return document.createTextNode('');
    const b = el('button', this.ctx.texts.t('sources.rollback', { version: v.number }), { type: 'button' });
    b.addEventListener('click', () => void this.rollback(v.number));
    return b;
  }

  private renderPreview(): void {
    const T = this.ctx.texts;
    const shown = (this.preview?.questions ?? []).filter((q) => q.changed || q.draft.failed.length);
    fillTable(
      byId('pvHead'),
      byId('pvBody'),
      [
        { header: T.t('question'), cell: (q: Question) => q.q },
        { header: T.t('sources.liveAnswer'), cell: (q) => q.live.text },
        { header: T.t('sources.draftAnswer'), cell: (q) => q.draft.text },
        { header: T.t('sources.failing'), cell: (q) => q.draft.failed.join(', ') || '—' },
      ],
      shown,
      this.preview ? T.t('sources.previewSame') : T.t('sources.previewNotYet'),
    );
  }
}
