import { app, authentication } from '@microsoft/teams-js';

export type Theme = 'default' | 'dark' | 'contrast';

export interface TeamsHost {
  readonly locale: string | undefined;
  readonly theme: Theme;
}

const asTheme = (t: string | undefined): Theme => (t === 'dark' || t === 'contrast' ? t : 'default');

/**
 * Inside Teams (the page is framed): the organiser's locale and theme from the context, and theme
 * changes as they happen. In a plain browser the page is not framed and Teams JS is not started at
 * all, so nothing waits for a host that is not there.
 */
export async function teamsHost(onTheme: (theme: Theme) => void, waitMs = 3000): Promise<TeamsHost | undefined> {
  if (window.parent === window) return undefined;
  try {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('no Teams host')), waitMs)));
    await Promise.race([app.initialize(), timeout]).finally(() => clearTimeout(timer));
    const context = await app.getContext();
    app.registerOnThemeChangeHandler((t) => onTheme(asTheme(t)));
    app.notifySuccess();
    return { locale: context.app.locale, theme: asTheme(context.app.theme) };
  } catch {
    // Framed by something that is not Teams (or Teams did not answer): the page works as in a browser.
    return undefined;
  }
}

/**
 * A token for the bot's API from Teams sign-in (SSO): Teams signs the organiser in silently, asks
 * consent the first time, and keeps the token fresh, so asking before each call costs nothing.
 */
export function teamsSignInToken(): Promise<string> {
  return authentication.getAuthToken();
}

/** The object id a token names, to tell the organiser which account to have added (the server checks the token). */
export function objectIdOf(token: string): string {
  try {
    const payload = JSON.parse(atob(token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as { oid?: unknown };
    return typeof payload.oid === 'string' ? payload.oid : '?';
  } catch {
    return '?';
  }
}

/** Applies a theme to the page; outside Teams the system's dark mode is followed. */
export function applyTheme(theme: Theme | undefined): void {
  const chosen = theme ?? (window.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'default');
  if (chosen === 'default') delete document.documentElement.dataset['theme'];
  else document.documentElement.dataset['theme'] = chosen;
}

export { asTheme };
