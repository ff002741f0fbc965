import type enLocale from '../../../locales/en/translation.json';
import type { Lang } from '../../http/adminContract';

/** The tab's strings in one language: its own section of locales/, and the names it shares with the bot. */
export interface TabStrings {
  readonly organiserTab: (typeof enLocale)['organiserTab'];
  readonly groups: (typeof enLocale)['groups'];
  readonly followUp: (typeof enLocale)['followUp'];
  readonly status: (typeof enLocale)['status'];
  readonly languages: (typeof enLocale)['languages'];
}

/** What the page gives its script, as JSON in <script id="boot" type="application/json">. */
export interface OrganiserBoot {
  readonly strings: Readonly<Record<Lang, TabStrings>>;
  /** False while ADMIN_TOKEN is unset: the tab says so instead of asking for a token. */
  readonly adminEnabled: boolean;
  /** True when AAD_APP_CLIENT_ID is set: inside Teams the tab signs the organiser in with Teams. */
  readonly teamsSignIn: boolean;
  /** True when ADMIN_TOKEN is set: the tab may ask for it (outside Teams, or when Teams sign-in fails). */
  readonly tokenSignIn: boolean;
}

export const BOOT_ELEMENT_ID = 'boot';
/** Where the page loads its script from (served by the app, see src/http/organiserPage.ts). */
export const ORGANISER_SCRIPT_PATH = '/organiser/app.js';
