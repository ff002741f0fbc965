import { AdminApi, ApiError } from './api';
import { BOOT_ELEMENT_ID, type OrganiserBoot } from './boot';
import { describeFailure, type TabContext, type View } from './context';
import { byId, focusOn } from './dom';
import { applyTheme, asTheme, objectIdOf, teamsHost, teamsSignInToken, type TeamsHost } from './teams';
import { langOf, Texts } from './texts';
import { ConfirmationsView } from './views/confirmations';
import { DigestView } from './views/digest';
import { FeedbackListView, UnansweredListView } from './views/lists';
import { QuestionsView } from './views/questions';
import { SourcesView } from './views/sources';
import { UsageView } from './views/usage';

const TOKEN_KEY = 'pa-admin-token';
type Tab = 'confirmations' | 'digest' | 'questions' | 'unanswered' | 'feedback' | 'sources' | 'usage';

/**
 * The organisers' tab: sign-in with Teams (inside Teams, when set up) or the admin token, then seven views as ARIA tabs (arrow keys move
 * between them). One status line, announced politely, belongs to the view that is open: it is cleared
 * when another opens. The language follows Teams (or the browser, or ?lang=), with a switch.
 */
class OrganiserTab implements TabContext {
  api = new AdminApi('');
  private current: Tab = 'confirmations';
  private readonly views: Record<Tab, View>;
  private readonly tabs = Array.from(document.querySelectorAll<HTMLButtonElement>('[role=tab]'));

  /** Set while the organiser is signed in through Teams rather than with the admin token. */
  private teamsToken: string | undefined;

  constructor(
    private readonly boot: OrganiserBoot,
    readonly texts: Texts,
    private readonly host: TeamsHost | undefined,
  ) {
    this.views = {
      confirmations: new ConfirmationsView(this),
      digest: new DigestView(this),
      questions: new QuestionsView(this),
      unanswered: new UnansweredListView(this),
      feedback: new FeedbackListView(this),
      sources: new SourcesView(this, () => void this.views.confirmations.load().catch(() => undefined)),
      usage: new UsageView(this),
    };
    this.wire();
  }

  say(message: string): void {
    byId('status').textContent = message;
  }

  fail(error: unknown): void {
    if (error instanceof ApiError && error.code === 'NOT_ORGANISER') return this.signOut(this.texts.t('notOrganiser', { id: objectIdOf(this.teamsToken ?? '') }));
    if (error instanceof ApiError && error.status === 401) return this.signOut(this.teamsToken ? this.texts.t('teamsTokenRefused', { message: error.message }) : this.texts.t('badToken'));
    this.say(describeFailure(this.texts, error));
  }

  private wire(): void {
    byId<HTMLFormElement>('login').addEventListener('submit', (e) => {
      e.preventDefault();
      const token = byId<HTMLInputElement>('token').value.trim();
      if (!token) return focusOn(byId('token'));
      sessionStorage.setItem(TOKEN_KEY, token);
      void this.signIn(token, true);
    });
    byId('signout').addEventListener('click', () => this.signOut());
    byId('lang').addEventListener('click', () => this.switchLanguage());
    for (const tab of this.tabs) {
      tab.addEventListener('click', () => void this.show(tab.dataset['tab'] as Tab));
      tab.addEventListener('keydown', (e) => this.moveBetweenTabs(e, tab));
    }
  }

  /** Arrow keys, Home and End move between the tabs and open the one reached (ARIA tabs pattern). */
  private moveBetweenTabs(e: KeyboardEvent, from: HTMLButtonElement): void {
    const i = this.tabs.indexOf(from);
    const next = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: this.tabs.length - 1 }[e.key];
    if (next === undefined) return;
    e.preventDefault();
    const to = this.tabs[(next + this.tabs.length) % this.tabs.length]!;
    to.focus();
    void this.show(to.dataset['tab'] as Tab);
  }

  start(): void {
    this.relabel();
    if (!this.boot.adminEnabled) return this.notice('apiDisabled');
    if (this.boot.teamsSignIn && !this.boot.tokenSignIn && !this.host) return this.notice('teamsOnly');
    const token = sessionStorage.getItem(TOKEN_KEY);
    if (token) void this.signIn(token, false);
    else if (this.boot.teamsSignIn && this.host) void this.signInWithTeams();
    else this.signOut();
  }

  /** Instead of the sign-in form: why the tab cannot open here, and what to do. */
  private notice(key: 'apiDisabled' | 'teamsOnly'): void {
    const notice = byId('disabled');
    notice.dataset['text'] = key;
    notice.textContent = this.texts.t(key);
    notice.hidden = false;
    byId('login').hidden = true;
  }

  /** Inside Teams with sign-in set up: the organiser's Teams account opens the tab, no token to type. */
  private async signInWithTeams(): Promise<void> {
    this.say(this.texts.t('teamsSigningIn'));
    try {
      this.teamsToken = await teamsSignInToken();
    } catch (e) {
      return this.signOut(this.texts.t('teamsSignInFailed', { message: e instanceof Error ? e.message : String(e) }));
    }
    const fresh = async () => (this.teamsToken = await teamsSignInToken());
    await this.open(new AdminApi(fresh), false);
    // Signed in by Teams: there is nothing to sign out of here.
    byId('signout').hidden = true;
  }

  private signIn(token: string, moveFocus: boolean): Promise<void> {
    this.teamsToken = undefined;
    return this.open(new AdminApi(token), moveFocus);
  }

  private async open(api: AdminApi, moveFocus: boolean): Promise<void> {
    this.api = api;
    byId('login').hidden = true;
    byId('app').hidden = false;
    byId('signout').hidden = false;
    byId('loginError').textContent = '';
    await this.show('confirmations');
    // After signing in, the organiser lands on the open view's tab (unless the token was refused).
    if (moveFocus && !byId('app').hidden) this.tabs.find((t) => t.dataset['tab'] === this.current)?.focus();
  }

  private signOut(message = ''): void {
    sessionStorage.removeItem(TOKEN_KEY);
    this.teamsToken = undefined;
    this.api = new AdminApi('');
    byId('app').hidden = true;
    byId('login').hidden = false;
    byId('signout').hidden = true;
    this.say('');
    byId('loginError').textContent = message;
    const input = byId<HTMLInputElement>('token');
    if (message) input.select();
    if (message || document.activeElement === document.body || document.activeElement === byId('signout')) input.focus();
  }

  private async show(tab: Tab): Promise<void> {
    if (tab !== this.current) this.say('');
    this.current = tab;
    for (const t of this.tabs) {
      const selected = t.dataset['tab'] === tab;
      t.setAttribute('aria-selected', String(selected));
      t.tabIndex = selected ? 0 : -1;
    }
    for (const panel of Array.from(document.querySelectorAll<HTMLElement>('[role=tabpanel]'))) panel.hidden = panel.dataset['panel'] !== tab;
    try {
      await this.views[tab].load();
    } catch (e) {
      this.fail(e);
    }
  }

  private switchLanguage(): void {
    this.texts.lang = this.texts.lang === 'en' ? 'fr' : 'en';
    // A message stays in the language it was written in: it goes rather than mix two languages.
    this.say('');
    this.relabel();
    if (!byId('app').hidden) void this.show(this.current);
  }

  /** Every fixed label in the language shown, and the page's own language for screen readers. */
  private relabel(): void {
    const T = this.texts;
    document.documentElement.lang = T.lang;
    document.title = T.t('title');
    byId('title').textContent = T.t('title');
    const lang = byId('lang');
    lang.textContent = T.t('switchShort');
    // The name starts with the visible text ("FR"), then says it in full for screen readers.
    lang.setAttribute('aria-label', `${T.t('switchShort')} — ${T.t('switchLabel')}`);
    byId('signout').textContent = T.t('signOut');
    const notice = byId('disabled');
    notice.textContent = T.t(notice.dataset['text'] === 'teamsOnly' ? 'teamsOnly' : 'apiDisabled');
    byId('tokenPrompt').textContent = T.t('tokenPrompt');
    byId('tokenLabel').textContent = T.t('tokenLabel');
    byId('signin').textContent = T.t('signIn');
    byId('views').setAttribute('aria-label', T.t('views'));
    for (const tab of this.tabs) tab.textContent = T.t(`tabs.${tab.dataset['tab'] as Tab}`);
    for (const view of Object.values(this.views)) view.relabel();
  }
}

async function main(): Promise<void> {
  const boot = JSON.parse(byId(BOOT_ELEMENT_ID).textContent ?? '{}') as OrganiserBoot;
  const params = new URLSearchParams(location.search);
  // Before Teams answers: a theme and language given in the address (Teams fills {theme} and {locale}
  // in the tab's URL), else the browser's.
  applyTheme(params.has('theme') ? asTheme(params.get('theme') ?? undefined) : undefined);
  const host = await teamsHost((theme) => applyTheme(theme));
  if (host) applyTheme(host.theme);
  const locale = host?.locale ?? params.get('locale') ?? params.get('lang') ?? navigator.language ?? 'en';
  new OrganiserTab(boot, new Texts(boot.strings, langOf(locale), locale), host).start();
}

void main();
