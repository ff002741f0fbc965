import type { Choice } from 'botbuilder-dialogs';
import type { Lang } from '../src/knowledge/analyzer';
import type { Translate } from '../src/knowledge/answerer';

/** Yes and no as choices that understand both languages, whatever the dialog's language. */
export function yesNoChoices(t: Translate, lang: Lang): Choice[] {
  return [
    { value: 'yes', action: { type: 'imBack', title: t(lang, 'common.yes'), value: t(lang, 'common.yes') }, synonyms: ['yes', 'y', 'yeah', 'yep', 'sure', 'ok', 'okay', 'correct', 'right', 'oui', 'o', 'ouais', "d'accord", 'daccord', 'exact', 'exactement', 'bien sur', 'volontiers', t(lang, 'common.yes')] },
    { value: 'no', action: { type: 'imBack', title: t(lang, 'common.no'), value: t(lang, 'common.no') }, synonyms: ['no', 'n', 'nope', 'not', 'non', 'pas du tout', t(lang, 'common.no')] },
  ];
}

/** Words that leave any dialog at once, in either language. */
export const CANCEL_WORDS = /^\s*(cancel|stop|quit|exit|abort|never ?mind|annuler|annule|arr[eê]te[rz]?|stop+|quitter|laisse[rz]? tomber|abandonner)\s*[.!]*\s*$/i;
