import { ApiError, UnreachableError, type AdminApi } from './api';
import type { Texts } from './texts';

/** What every view of the tab is given. */
export interface TabContext {
  readonly api: AdminApi;
  readonly texts: Texts;
  /** Shows (and announces) a message on the status line of the view that is open. */
  say(message: string): void;
  /** Says what went wrong and what to do about it; a refused token signs the organiser out. */
  fail(error: unknown): void;
}

/** One view of the tab (one tab panel). */
export interface View {
  /** Puts the labels of the language shown on the view's fixed parts. */
  relabel(): void;
  /** Fetches what the view shows and draws it. */
  load(): Promise<void>;
}

/** A failure as the organiser should read it: what happened, and what to do. */
export function describeFailure(texts: Texts, error: unknown): string {
  if (error instanceof UnreachableError) return texts.t('errors.unreachable');
  if (!(error instanceof ApiError)) return texts.t('errors.unexpected', { message: error instanceof Error ? error.message : String(error) });
  if (error.status === 401) return texts.t('badToken');
  if (error.status === 429) return texts.t('errors.tooMany');
  if (error.status >= 500) return texts.t('errors.server');
  return texts.t('errors.refused', { message: error.message });
}
