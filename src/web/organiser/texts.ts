import type { ConfirmationStatus, FollowUp, Lang, StakeholderGroup } from '../../http/adminContract';
import type { TabStrings } from './boot';

type Section = TabStrings['organiserTab'];
/** Every key of the tab's strings, dotted: "tabs.digest", "sources.published". */
type Paths<T> = { [K in keyof T & string]: T[K] extends string ? K : `${K}.${Paths<T[K]>}` }[keyof T & string];
export type TextKey = Paths<Section>;
export type Vars = Readonly<Record<string, string | number>>;

/** The tab's strings in the language shown, and dates in the organiser's own locale (en-GB, fr-CA…). */
export class Texts {
  private dates = new Map<string, Intl.DateTimeFormat>();

  constructor(
    private readonly strings: Readonly<Record<Lang, TabStrings>>,
    /** The language shown. */
    public lang: Lang,
    /** The organiser's locale (from Teams or the browser), used for dates when it is of the language shown. */
    private readonly locale: string,
  ) {}

  private get current(): TabStrings {
    return this.strings[this.lang];
  }

  t(key: TextKey, vars: Vars = {}): string {
    let value: unknown = this.current.organiserTab;
    for (const part of key.split('.')) value = (value as Record<string, unknown> | undefined)?.[part];
    const text = typeof value === 'string' ? value : key;
    return text.replace(/\{\{(\w+)\}\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
  }

  group(g: StakeholderGroup): string {
    return this.current.groups[g] ?? g;
  }

  followUp(f: FollowUp): string {
    return capitalise(this.current.followUp[f] ?? f);
  }

  status(s: ConfirmationStatus): string {
    return capitalise(this.current.status[s] ?? s);
  }

  language(l: Lang): string {
    return capitalise(this.current.languages[l] ?? l);
  }

  /** The BCP 47 tag for dates and numbers: the organiser's locale, or the language shown when they differ. */
  get dateLocale(): string {
    return this.locale.toLowerCase().startsWith(this.lang) ? this.locale : this.lang === 'fr' ? 'fr-FR' : 'en-GB';
  }

  date(iso: string): string {
    return this.format(iso, { dateStyle: 'medium' });
  }

  dateTime(iso: string): string {
    return this.format(iso, { dateStyle: 'medium', timeStyle: 'short' });
  }

  private format(iso: string, options: Intl.DateTimeFormatOptions): string {
    const when = new Date(iso);
    if (Number.isNaN(when.getTime())) return iso;
    const key = `${this.dateLocale}|${JSON.stringify(options)}`;
    let f = this.dates.get(key);
    if (!f) this.dates.set(key, (f = new Intl.DateTimeFormat(this.dateLocale, options)));
    return f.format(when);
  }
}

export function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** "fr-CA" → fr; anything else → en. */
export function langOf(locale: string | undefined): Lang {
  return (locale ?? '').toLowerCase().startsWith('fr') ? 'fr' : 'en';
}
