import type { TurnContext } from 'botbuilder';
import { ChoiceFactory, ChoicePrompt, type FoundChoice, type PromptOptions, type PromptRecognizerResult, type PromptValidator } from 'botbuilder-dialogs';

const ORDINALS: Record<string, number> = {
  first: 1, second: 2, third: 3, fourth: 4, fifth: 5, sixth: 6, seventh: 7, eighth: 8, ninth: 9, tenth: 10,
  premier: 1, premiere: 1, deuxieme: 2, seconde: 2, troisieme: 3, quatrieme: 4, cinquieme: 5, sixieme: 6, septieme: 7, huitieme: 8, neuvieme: 9, dixieme: 10,
};
const NUMBER_WORDS: Record<string, number> = { one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, un: 1, une: 1, deux: 2, trois: 3, quatre: 4, cinq: 5, sept: 7, huit: 8, neuf: 9, dix: 10 };
/** Words that may surround a position: "the second one", "option 2", "le numéro 3", "la deuxième". */
const FILLER = new Set(['the', 'one', 'option', 'choice', 'number', 'no', 'n', 'please', 'le', 'la', 'l', 'numero', 'choix', 'celle', 'celui', 'merci', 'svp']);

/**
 * The position of a choice in a short answer ("2", "n° 2", "the second", "le deuxième", "2nd", "3e",
 * "last"), 0-based; undefined when the answer is not just a position. A small pattern, not botbuilder's
 * number recognisers, which spend seconds on some French words (hyphenated ones).
 */
export function choiceIndex(text: string, count: number): number | undefined {
  const words = text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .slice(0, 60)
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  if (!words.length || words.length > 4) return undefined;
  let position: number | undefined;
  for (const word of words) {
    if (FILLER.has(word)) continue;
    const ordinal = /^(\d{1,2})(st|nd|rd|th|e|er|re|eme|ere)?$/.exec(word);
    const n = ordinal ? Number(ordinal[1]) : ORDINALS[word] ?? NUMBER_WORDS[word] ?? (['last', 'dernier', 'derniere'].includes(word) ? count : undefined);
    if (n === undefined || position !== undefined) return undefined;
    position = n;
  }
  return position !== undefined && position >= 1 && position <= count ? position - 1 : undefined;
}

/** A ChoicePrompt that recognises choices by their words, and positions with `choiceIndex`. */
export class TextChoicePrompt extends ChoicePrompt {
  constructor(dialogId: string, validator?: PromptValidator<FoundChoice>) {
    super(dialogId, validator);
    this.recognizerOptions = { recognizeNumbers: false, recognizeOrdinals: false };
  }

  protected override async onRecognize(context: TurnContext, state: Record<string, unknown>, options: PromptOptions): Promise<PromptRecognizerResult<FoundChoice>> {
    const result = await super.onRecognize(context, state, options);
    if (result.succeeded) return result;
    const choices = ChoiceFactory.toChoices(options.choices ?? []);
    const index = choiceIndex(context.activity.text ?? '', choices.length);
    if (index === undefined) return result;
    return { succeeded: true, value: { value: choices[index]!.value, index, score: 1, synonym: context.activity.text ?? '' } };
  }
}
