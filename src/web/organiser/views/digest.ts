import type { DigestDestinationResult, DigestRunResult } from '../../../http/adminContract';
import { byId } from '../dom';
import type { TabContext, View } from '../context';
import type { Texts } from '../texts';

/** The next digest as organisers will receive it, and "send it now" with what was sent where. */
export class DigestView implements View {
  private readonly preview = byId<HTMLIFrameElement>('preview');

  constructor(private readonly ctx: TabContext) {
    byId('sendNow').addEventListener('click', () => void this.sendNow());
  }

  relabel(): void {
    const T = this.ctx.texts;
    byId('previewTitle').textContent = T.t('preview');
    byId('sendNow').textContent = T.t('sendNow');
    this.preview.title = T.t('preview');
  }

  async load(): Promise<void> {
    // HTML the server escaped, shown in a sandbox that runs no script.
    this.preview.srcdoc = await this.ctx.api.digestPreview(this.ctx.texts.lang);
  }

  private async sendNow(): Promise<void> {
    const button = byId<HTMLButtonElement>('sendNow');
    button.disabled = true;
    try {
      this.ctx.say(describeRun(this.ctx.texts, await this.ctx.api.sendDigest()));
      await this.load();
    } catch (e) {
      this.ctx.fail(e);
    } finally {
      button.disabled = false;
    }
  }
}

/** What a digest run did, in words: where it went, or why it went nowhere and which settings to set. */
export function describeRun(T: Texts, run: DigestRunResult): string {
  switch (run.status) {
    case 'no-destination':
      return T.t('digest.noDestination');
    case 'busy':
      return T.t('digest.busy');
    case 'already-ran':
      return T.t('digest.alreadyRan');
    case 'done':
      return run.results.map((r) => describeResult(T, r)).join(' ') || T.t('digest.nothingNew', { destination: T.t('digest.everywhere') });
  }
}

function describeResult(T: Texts, r: DigestDestinationResult): string {
  const destination = r.destination.startsWith('teams:') ? T.t('digest.teams') : T.t('digest.email');
  switch (r.status) {
    case 'sent':
      return T.t('digest.sent', { destination, confirmations: r.confirmations, cancellations: r.cancellations, questions: r.questions });
    case 'failed':
      return T.t('digest.failed', { destination, error: r.error, when: T.dateTime(r.nextAttemptAt) });
    case 'nothing-new':
      return T.t('digest.nothingNew', { destination });
    case 'not-due':
      return T.t('digest.notDue', { destination, when: T.dateTime(r.nextAttemptAt) });
  }
}
