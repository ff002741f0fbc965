import type { FeedbackView, UnansweredView } from '../../../http/adminContract';
import { byId, fillTable } from '../dom';
import type { TabContext, View } from '../context';

/** The questions the sources could not answer, newest first. */
export class UnansweredListView implements View {
  private questions: readonly UnansweredView[] = [];

  constructor(private readonly ctx: TabContext) {}

  relabel(): void {
    byId('uCaption').textContent = this.ctx.texts.t('tabs.unanswered');
    this.render();
  }

  async load(): Promise<void> {
    this.questions = (await this.ctx.api.unanswered()).questions.slice().reverse();
    this.render();
  }

  private render(): void {
    const T = this.ctx.texts;
    fillTable(
      byId('uHead'),
      byId('uBody'),
      [
        { header: T.t('question'), cell: (q: UnansweredView) => q.text },
        { header: T.t('language'), cell: (q) => T.language(q.language) },
        { header: T.t('asked'), cell: (q) => T.dateTime(q.askedAt) },
      ],
      this.questions,
      T.t('none'),
    );
  }
}

/** What participants said of the answers (👍/👎, a comment), with the question. */
export class FeedbackListView implements View {
  private feedback: readonly FeedbackView[] = [];

  constructor(private readonly ctx: TabContext) {}

  relabel(): void {
    byId('fbCaption').textContent = this.ctx.texts.t('tabs.feedback');
    this.render();
  }

  async load(): Promise<void> {
    this.feedback = (await this.ctx.api.feedback()).feedback;
    this.render();
  }

  private render(): void {
    const T = this.ctx.texts;
    fillTable(
      byId('fbHead'),
      byId('fbBody'),
      [
        { header: T.t('reactionColumn'), cell: (f: FeedbackView) => T.t(`reaction.${f.reaction}`) },
        { header: T.t('question'), cell: (f) => f.question ?? '—' },
        { header: T.t('comment'), cell: (f) => f.comment ?? '' },
        { header: T.t('asked'), cell: (f) => T.dateTime(f.at) },
      ],
      this.feedback,
      T.t('none'),
    );
  }
}
