import type { Lang, QuestionGroupView } from '../../../http/adminContract';
import type { TabContext, View } from '../context';
import { byId, el, fillTable, focusOn } from '../dom';

/**
 * Participants' questions for the organisers, grouped by meaning, the most asked first; the
 * answer in English and French (both are needed: each participant is answered in their language,
 * and nothing is translated by machine), then "teach the bot" to put it into the sources' draft.
 */
export class QuestionsView implements View {
  private groups: readonly QuestionGroupView[] = [];
  private open: QuestionGroupView | undefined;

  constructor(private readonly ctx: TabContext) {
    byId<HTMLFormElement>('qForm').addEventListener('submit', (e) => {
      e.preventDefault();
      void this.save();
    });
    byId('qTeach').addEventListener('click', () => void this.teach());
  }

  relabel(): void {
    const T = this.ctx.texts;
    byId('qCaption').textContent = T.t('tabs.questions');
    byId('qEnLabel').textContent = T.t('questions.answerIn', { language: T.language('en') });
    byId('qFrLabel').textContent = T.t('questions.answerIn', { language: T.language('fr') });
    byId('qSave').textContent = T.t('questions.save');
    byId('qTeach').textContent = T.t('questions.teach');
    this.render();
    if (this.open) this.showForm(this.open, false);
  }

  async load(): Promise<void> {
    this.groups = (await this.ctx.api.questions()).groups;
    this.render();
  }

  private render(): void {
    const T = this.ctx.texts;
    fillTable(
      byId('qHead'),
      byId('qBody'),
      [
        { header: T.t('question'), cell: (g: QuestionGroupView) => g.questions.map((q) => q.text).join(' · ') },
        { header: T.t('questions.askers'), cell: (g) => String(g.askers) },
        {
          header: T.t('status'),
          cell: (g) => (g.answer ? T.t('questions.answered', { when: T.dateTime(g.answer.answeredAt), sent: g.deliveries.sent, pending: g.deliveries.pending }) : T.t('questions.open')),
        },
        {
          header: T.t('questions.action'),
          cell: (g) => {
            const button = el('button', g.answer ? T.t('questions.edit') : T.t('questions.answer'), { type: 'button' });
            button.addEventListener('click', () => this.showForm(g, true));
            return button;
          },
        },
      ],
      this.groups,
      T.t('questions.none'),
      (g) => ({ 'data-id': g.id }),
    );
  }

  private showForm(g: QuestionGroupView, moveFocus: boolean): void {
    const T = this.ctx.texts;
    this.open = g;
    byId('qForm').hidden = false;
    byId('qFormTitle').textContent = T.t('questions.formTitle', { count: g.askers });
    byId('qFormQuestion').textContent = g.questions.map((q) => `${q.text} (${T.language(q.language)})`).join('\n');
    if (moveFocus) {
      byId<HTMLTextAreaElement>('qEn').value = g.answer?.en ?? '';
      byId<HTMLTextAreaElement>('qFr').value = g.answer?.fr ?? '';
      focusOn(byId('qFormTitle'));
    }
    byId('qTeach').hidden = !g.answer;
  }

  private async save(): Promise<void> {
    const T = this.ctx.texts;
    const g = this.open;
    if (!g) return;
    const answer = { en: byId<HTMLTextAreaElement>('qEn').value.trim(), fr: byId<HTMLTextAreaElement>('qFr').value.trim() };
    // Both languages, written by the organisers: the tab asks for the missing one.
    const missing = (['en', 'fr'] as const).find((l: Lang) => !answer[l]);
    if (missing) {
      this.ctx.say(T.t('questions.missing', { language: T.language(missing) }));
      byId<HTMLTextAreaElement>(missing === 'en' ? 'qEn' : 'qFr').focus();
      return;
    }
    const button = byId<HTMLButtonElement>('qSave');
    button.disabled = true;
    try {
      const saved = await this.ctx.api.answerQuestion(g.id, answer);
      this.ctx.say(T.t('questions.saved', { count: saved.group.askers }));
      await this.load();
      this.showForm(saved.group, false);
    } catch (e) {
      this.ctx.fail(e);
    } finally {
      button.disabled = false;
    }
  }

  private async teach(): Promise<void> {
    const g = this.open;
    if (!g) return;
    try {
      const taught = await this.ctx.api.teachQuestion(g.id);
      this.ctx.say(this.ctx.texts.t('questions.taught', { draft: taught.draft }));
    } catch (e) {
      this.ctx.fail(e);
    }
  }
}
