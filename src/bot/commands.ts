import { EMAIL } from '../confirmations/confirmation';
import type { ConfirmationDraft } from '../confirmations/service';
import { fold } from '../knowledge/text';

/** What a participant or organiser asks the bot to do, as opposed to a question about the note. */
export type Command =
  | { kind: 'confirm'; draft: ConfirmationDraft }
  | { kind: 'myConfirmations' }
  | { kind: 'cancelConfirmation' }
  | { kind: 'change' }
  | { kind: 'deleteData' }
  | { kind: 'organiserStats' }
  | { kind: 'organiserList' }
  | { kind: 'subscribeDigest' }
  | { kind: 'unsubscribeDigest' }
  | { kind: 'digestNow' }
  | { kind: 'sourcesStatus' }
  /** `fresh`: a new question is to be written ("I'd like to ask the organisers something"), not the last one sent. */
  | { kind: 'askOrganisers'; fresh?: boolean };

/** A message that asks something (how, when, where …) rather than asks the bot to do it. */
const QUESTION = /\?|^(how|who|whom|what|when|where|why|which|can i|do i|should i|is there|comment|qui|a qui|quand|quel|quelle|ou|pourquoi|dois-je|puis-je|est-ce que je dois|faut-il)\b|\b(how|comment)\b/;

/** Greetings and politeness before the request: "Hi, please …", "Bonjour, svp …". */
const PREAMBLE = /^((hi|hello|hey|dear|bonjour|bonsoir|salut|please|pls|kindly|svp|stp|s'il vous plait|merci|ok|okay)[\s,!.]+)+/;

/**
 * Only an explicit confirmation starts the confirmation dialog: "I confirm", "I'd like to confirm
 * my participation", "Confirm my participation" (the button), "je confirme", "je souhaite confirmer
 * ma participation". Wishing to register or take part is answered with how to do it.
 */
const CONFIRM = /^(i (hereby )?confirm|confirm( my)?\b|i('d| would)? (like|want|wish|need) to confirm|let me confirm|please confirm my|je confirme|je (veux|voudrais|souhaite|souhaiterais|aimerais|vais) confirmer|confirmer ma (participation|presence)|je souhaite confirmer)\b/;

/** The button offered after a refusal ("Ask the organisers"), or words that say the same: the question just asked goes. */
const ASK_BUTTON = /^(ask the organi[sz]ers|ask (the )?organi[sz]ers (this|my question)|poser la question aux organisateurs|demander aux organisateurs|poser ma question aux organisateurs|(send|ask) (this|my|the) question to (the )?organi[sz]ers|(envoyer|transmettre|poser) (cette|ma) question aux organisateurs)\s*[.!]*$/;

/**
 * Asking to write to the organisers: "I'd like to ask the organisers something", "can I send a
 * question to the organizers?", "je voudrais poser une question aux organisateurs", "question pour
 * les organisateurs". (How to reach them, "how do I contact the organisers?", is answered from the note.)
 */
const ASK_ORGANISERS = new RegExp(
  [
    "^((i('d| would)? (like|want|wish|need) to|can i|could i|may i|let me) )?(ask|send|put|write) ((a|one) (question|query) |something )?(to )?(the )?organi[sz]ers( (something|a question|directly))?( please)?\\s*[.!?]*$",
    '^(i have )?(a )?question for the organi[sz]ers\\s*[.!?]*$',
    "^((je (veux|voudrais|souhaite|souhaiterais|aimerais)|(est-ce que |est ce que )?je peux|puis-je) )?(poser|envoyer|transmettre|adresser) une question (aux|directement aux) organisateurs( directement)?\\s*[.!?]*$",
    "^(j'ai une )?question pour les organisateurs\\s*[.!?]*$",
    '^(je (veux|voudrais) )?demander (quelque chose )?aux organisateurs\\s*[.!?]*$',
    // "How do I ask the organisers a question?": shown by doing it. ("How do I write to them?" gets their addresses.)
    '^how (can|do|could|should) i ask (a question (to|of) )?(the )?organi[sz]ers( a question| something)?\\s*[.!?]*$',
    "^comment (puis-je |je peux |peut-on |faire pour )?(poser|adresser) une question aux organisateurs\\s*[.!?]*$",
  ].join('|'),
);

const RULES: Array<[Command['kind'], RegExp]> = [
  ['askOrganisers', ASK_BUTTON],
  ['sourcesStatus', /^(sources? status|status of the sources|etat des sources|statut des sources)[?.!]*$/],
  ['unsubscribeDigest', /^(please )?(unsubscribe|stop (the )?digests?|se desabonner|desabonner|desabonnement|arreter les resumes)\b/],
  ['subscribeDigest', /^(please )?(subscribe( to (the )?digests?)?|s'abonner( aux resumes)?|abonnement aux resumes|abonner ce canal)\b/],
  ['digestNow', /^(send (the )?)?digest( now)?[.!]*$|^(envoyer le )?resume( maintenant)?[.!]*$|^resume maintenant\b/],
  ['deleteData', /\b(delete|erase|remove|forget|wipe)\b.*\b(my|me)\b.*\b(data|details|information|everything)\b|\bforget (about )?me\b|\b(supprime[rz]?|effacer|efface[rz]?|oublie[rz]?)\b.*\b(mes|moi)\b.*\b(donnees|informations|coordonnees)\b|\boubliez-moi\b|\bsupprimer mes donnees\b/],
  ['cancelConfirmation', /\b(cancel|withdraw|revoke)\b.*\b(my )?(confirmation|participation|registration|attendance)\b|\bi (can no longer|cannot|can't|won't be able to) (attend|come|participate)\b|\b(annuler|annule[rz]?|retirer)\b.*\b(ma |mon )?(confirmation|participation|inscription)\b|\bje ne (peux|pourrai) (plus )?pas (venir|participer)\b/],
  ['change', /\b(change|modify|update|correct|edit|fix)\b.*\b(my )?(confirmation|details|email|e-mail|name|organi[sz]ation|country|registration)\b|\b(modifier|changer|corriger|mettre a jour)\b.*\b(ma |mon |mes )?(confirmation|coordonnees|e-mail|email|adresse|nom|organisation|pays|inscription|informations)\b/],
  ['myConfirmations', /\bwhat (have|did) i confirm(ed)?\b|\bmy (confirmations?|registrations?|data)\b|\bwhat (data|information|details) do you (hold|have|keep|store)\b|\bqu'?(est-ce que j'ai|ai-je) confirme\b|\bmes (confirmations?|inscriptions?|donnees)\b|\bquelles (donnees|informations) (avez-vous|gardez-vous|conservez-vous)\b/],
  ['confirm', CONFIRM],
  ['organiserStats', /^(stats|statistics|statistiques|confirmation stats|statistiques des confirmations|tableau de bord|dashboard)\b/],
  ['organiserList', /^(confirmations|list (of )?confirmations|liste des confirmations|who (has )?confirmed|qui a confirme)\b/],
];

/** A command, if the message is one; questions ("how do I confirm?", "I can't attend: is there another way?") are left to the answerer. */
export function detectCommand(text: string): Command | undefined {
  const f = fold(text).replace(/[’']/g, "'").trim().replace(PREAMBLE, '');
  if (ASK_ORGANISERS.test(f) && !ASK_BUTTON.test(f)) return { kind: 'askOrganisers', fresh: true };
  for (const [kind, re] of RULES) {
    if (!re.test(f)) continue;
    // "How do I confirm my participation?" asks how; "I'd like to confirm" asks to do it.
    if ((kind === 'confirm' || kind === 'cancelConfirmation' || kind === 'change') && QUESTION.test(f) && !/^(please |can you |could you |pouvez-vous |peux-tu )?(cancel|annule)/.test(f)) return undefined;
    if (kind === 'confirm') return { kind, draft: draftFrom(text) };
    return { kind } as Command;
  }
  return undefined;
}

/** Fields a participant already gave in the sentence that starts a confirmation. */
export function draftFrom(text: string): ConfirmationDraft {
  const draft: ConfirmationDraft = {};
  const email = text.match(/[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[A-Za-z]{2,}/)?.[0]?.replace(/[.]+$/, '');
  if (email && EMAIL.test(email)) draft.email = email.toLowerCase();
  const name = /(?:my name is|i am|i'm|this is|je m'appelle|je m’appelle|je suis|mon nom est|moi c'est)\s+((?:[A-ZÀ-Ý][\p{L}'’-]+)(?:\s+[A-ZÀ-Ý][\p{L}'’-]+){0,3})/u.exec(text);
  if (name) draft.name = name[1]!;
  return draft;
}

/** "confirmations for 23 July" → the text after "for"/"pour", to find the events it names. */
export function organiserListTarget(text: string): string {
  return fold(text).replace(/^.*?\b(for|pour|du|of)\b/, '').trim();
}
