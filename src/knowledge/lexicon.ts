import { fold } from './text';

/**
 * Words that say how something is asked, not what about: "is it possible", "could you explain",
 * "où puis-je obtenir". A source need not contain them to answer; every other word of a question
 * must be found in the source that answers it. General English and French, folded.
 */
export const ASK_WORDS: ReadonlySet<string> = new Set(
  (
    // English: asking, modality, getting and sending, taking part
    'about regarding concerning information info informations detail details question questions ask asking asked answer ' +
    'say says said mean means meaning explain explained describe tell told know knowing idea clue ' +
    'exist exists existing available availability possible possibility possibly able allowed permitted option options way ways manner ' +
    'planned plan plans foreseen expected envisaged considered intended supposed going gonna wanna gotta ' +
    'get gets getting got obtain receive received receiving send sends sending sent give given provide provided share shared ' +
    'find found look looking check see seen learn hear heard ' +
    'attend attending attendance participate participating join joining take part involved concerned eligible welcome ' +
    'still already yet anymore later earlier exact exactly precise precisely specific specifically particular ' +
    'correct right true sure certain confirm confirmed ' +
    'someone person people me myself we us our ourselves guys folks ' +
    'help helps helping hello hi thanks thank please pls plz ok okay well so hmm ' +
    'kind type types sort sorts work works working ' +
    'discuss discussed discusses discussion discussions debated addressed covered tackled treated mentioned ' +
    'missed miss late forgot now next then afterwards missing excluded contain contains containing include includes included ' +
    'meant designed aimed targeted run runs running move moved moving switch switched change changed shifted transferred turned ' +
    // French: asking, modality, getting and sending, taking part
    'propos concernant sujet informations renseignement renseignements precision precisions detail details question questions demande demander ' +
    'dire dit signifie veut expliquer explique decrire savoir sais sait connaitre idee ' +
    'existe existent exister disponible disponibles possible possibilite possibilites moyen moyens facon manieres maniere autorise autorisee autorises permis ' +
    'destine destinee destines destinees prevu prevue prevus prevues envisage envisagee envisages envisagees considere consideree cense censee ' +
    'obtenir obtiens obtient recevoir recois recevrai recevra recevrons recevez recu recue recus envoyer envoie envoyes envoye envoyee envoient envoi ' +
    'donner donne donnee donnes fournir fourni fournie partager partage partagee ' +
    'trouver trouve voir vu regarder verifier apprendre entendre ' +
    'assister participer participe participent participera rejoindre prendre part implique impliques concerne concernes concernee concernees eligible ' +
    'encore deja toujours plus tard exacte exactement precis precise precisement particulier ' +
    'correct vrai sur certain ' +
    'quelqu personne personnes nous moi-meme gens ' +
    'aide aider aidez svp stp merci bonjour salut ok bon bien alors ' +
    'genre type types sorte sortes ' +
    'aborde abordee abordees abordes traite traitee traitees traites discute discutee discutees discutes evoque evoquee evoquees mentionne mentionnee ' +
    'rate ratee manque manquee oublie retard ensuite puis maintenant fera feront ferait aura auront ' +
    'passe passees passes deplace deplacee deplacees deplaces transfere transferee transferees change changee changees ' +
    'manquant manquante manquants manquantes absent absente absents absentes exclu exclue exclus contient contiennent contenir inclut incluent comprend comprennent'
  ).split(/\s+/),
);

/** Language names, both languages, with whether each is an official language of the United Nations. */
export interface LanguageName {
  readonly id: string;
  readonly un: boolean;
  readonly names: { readonly en: string; readonly fr: string };
  readonly forms: readonly string[];
}

export const LANGUAGE_NAMES: readonly LanguageName[] = [
  { id: 'en', un: true, names: { en: 'English', fr: 'anglais' }, forms: ['english', 'anglais', 'anglaise'] },
  { id: 'fr', un: true, names: { en: 'French', fr: 'français' }, forms: ['french', 'francais', 'francaise'] },
  { id: 'es', un: true, names: { en: 'Spanish', fr: 'espagnol' }, forms: ['spanish', 'espagnol', 'espagnole', 'castillan'] },
  { id: 'ru', un: true, names: { en: 'Russian', fr: 'russe' }, forms: ['russian', 'russe'] },
  { id: 'ar', un: true, names: { en: 'Arabic', fr: 'arabe' }, forms: ['arabic', 'arabe'] },
  { id: 'zh', un: true, names: { en: 'Chinese', fr: 'chinois' }, forms: ['chinese', 'chinois', 'mandarin'] },
  { id: 'pt', un: false, names: { en: 'Portuguese', fr: 'portugais' }, forms: ['portuguese', 'portugais', 'portugaise'] },
  { id: 'sw', un: false, names: { en: 'Swahili', fr: 'swahili' }, forms: ['swahili', 'kiswahili'] },
  { id: 'de', un: false, names: { en: 'German', fr: 'allemand' }, forms: ['german', 'allemand', 'allemande'] },
  { id: 'it', un: false, names: { en: 'Italian', fr: 'italien' }, forms: ['italian', 'italien', 'italienne'] },
  { id: 'am', un: false, names: { en: 'Amharic', fr: 'amharique' }, forms: ['amharic', 'amharique'] },
  { id: 'ha', un: false, names: { en: 'Hausa', fr: 'haoussa' }, forms: ['hausa', 'haoussa'] },
  { id: 'wo', un: false, names: { en: 'Wolof', fr: 'wolof' }, forms: ['wolof'] },
];

const BY_FORM = new Map(LANGUAGE_NAMES.flatMap((l) => l.forms.map((f) => [f, l] as const)));

/** The languages a text names, in order, once each. */
export function languagesNamed(text: string): LanguageName[] {
  const found: LanguageName[] = [];
  for (const w of fold(text).split(/[^a-z]+/)) {
    const l = BY_FORM.get(w);
    if (l && !found.includes(l)) found.push(l);
  }
  return found;
}

export function languageWords(): Set<string> {
  return new Set(BY_FORM.keys());
}
