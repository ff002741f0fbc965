/**
 * Plain text of a message: markup and control characters removed, white space collapsed.
 *
 * Channels send HTML (Teams) or text with stray markup (pasted from a page). The removal is done
 * by hand-written scanners rather than backtracking regular expressions so that its cost stays
 * linear in the length of any input: a message made of thousands of unclosed `<style` openers
 * used to take seconds of the event loop, during which no other request was served.
 *
 * Same result as, in this order: `<script …>…</script>` and `<style …>…</style>` blocks replaced
 * by a space; any other tag of at most 500 characters between `<` and `>` replaced by a space;
 * `&nbsp;`, `&lt;`, `&gt;`, `&amp;` decoded; control and zero-width characters removed; runs of
 * white space collapsed to one space; the ends trimmed.
 */
export function cleanText(text: string): string {
  return decodeAndCollapse(stripTags(stripBlocks(text)));
}

/** How many times longer than the longest message (MAX_MESSAGE_LENGTH) its raw text may be: Teams sends HTML. */
export const MARKUP_SLACK = 4;

/** Longest tag removed as markup: a `<` with no `>` within this many characters is text (“a < b”). */
const MAX_TAG_LENGTH = 500;
const BLOCK_NAMES = ['script', 'style'] as const;
const NONE = -1;

/** The first occurrence of `>` at or after a position, remembered so that repeated questions cost nothing. */
class NextChar {
  private from = 0;
  private at = NONE;
  private searched = false;
  constructor(
    private readonly text: string,
    private readonly char: string,
  ) {}

  after(position: number): number {
    // The answer found last time still holds when it lies after the position asked about; and
    // "none after p" means none after any later position either.
    if (this.searched && position >= this.from && (this.at === NONE || this.at >= position)) return this.at;
    this.from = position;
    this.at = this.text.indexOf(this.char, position);
    this.searched = true;
    return this.at;
  }
}

/** The first `</name\s*>` (name in any case) at or after a position, remembered in the same way. */
class NextCloser {
  private from = 0;
  private at: { start: number; end: number } | undefined;
  private searched = false;
  constructor(
    private readonly text: string,
    private readonly name: string,
  ) {}

  after(position: number): { start: number; end: number } | undefined {
    if (this.searched && position >= this.from && (this.at === undefined || this.at.start >= position)) return this.at;
    this.from = position;
    this.searched = true;
    this.at = undefined;
    // Each `</` is looked at by one search only: the next search starts after the closer found.
    for (let i = this.text.indexOf('</', position); i !== NONE; i = this.text.indexOf('</', i + 2)) {
      if (!startsWithIgnoringCase(this.text, this.name, i + 2)) continue;
      let j = i + 2 + this.name.length;
      while (j < this.text.length && isSpace(this.text[j]!)) j++;
      if (this.text[j] === '>') {
        this.at = { start: i, end: j + 1 };
        break;
      }
    }
    return this.at;
  }
}

/** Removes `<script …>…</script>` and `<style …>…</style>` blocks; an unclosed opener stays (its tag goes later). */
function stripBlocks(text: string): string {
  const nextGt = new NextChar(text, '>');
  const closers = new Map(BLOCK_NAMES.map((name) => [name, new NextCloser(text, name)]));
  let out = '';
  let copied = 0;
  for (let i = text.indexOf('<'); i !== NONE; ) {
    const name = BLOCK_NAMES.find((n) => startsWithIgnoringCase(text, n, i + 1) && !isWordChar(text[i + 1 + n.length]));
    const openEnd = name ? nextGt.after(i + 1 + name.length) : NONE;
    if (name && openEnd === NONE) break; // no `>` left: no later opener can be closed either
    const closer = name ? closers.get(name)!.after(openEnd + 1) : undefined;
    if (!closer) {
      i = text.indexOf('<', i + 1);
      continue;
    }
    out += `${text.slice(copied, i)} `;
    copied = closer.end;
    i = text.indexOf('<', closer.end);
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/** Replaces each tag (`<` then at most MAX_TAG_LENGTH characters other than `>`, then `>`) by a space. */
function stripTags(text: string): string {
  const nextGt = new NextChar(text, '>');
  let out = '';
  let copied = 0;
  for (let i = text.indexOf('<'); i !== NONE; ) {
    const end = nextGt.after(i + 1);
    if (end === NONE) break;
    if (end - i - 1 > MAX_TAG_LENGTH) {
      i = text.indexOf('<', i + 1);
      continue;
    }
    out += `${text.slice(copied, i)} `;
    copied = end + 1;
    i = text.indexOf('<', copied);
  }
  return copied === 0 ? text : out + text.slice(copied);
}

const ENTITIES: Readonly<Record<string, string>> = { nbsp: ' ', lt: '<', gt: '>', amp: '&' };

// Each of these regular expressions looks at one character, or a fixed word, at a time: linear.
function decodeAndCollapse(text: string): string {
  return text
    .replace(/&(nbsp|lt|gt|amp);/g, (_m, name: string) => ENTITIES[name]!)
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f\u200b-\u200d\ufeff]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Whether `text` has the lower-case ASCII word `word` at `at`, in any case (as a regular expression's `i` flag). */
function startsWithIgnoringCase(text: string, word: string, at: number): boolean {
  if (at + word.length > text.length) return false;
  for (let k = 0; k < word.length; k++) {
    const c = text.charCodeAt(at + k);
    if ((c >= 65 && c <= 90 ? c + 32 : c) !== word.charCodeAt(k)) return false;
  }
  return true;
}

function isWordChar(c: string | undefined): boolean {
  return c !== undefined && /\w/.test(c);
}

function isSpace(c: string): boolean {
  return /\s/.test(c);
}
