/** Text folding shared by indexing and querying: accents, case, typographic quotes and dashes. */
export function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[\u2018\u2019\u02bc`´]/g, "'")
    .replace(/[\u00a0\u202f]/g, ' ')
    .replace(/[\u2010-\u2015]/g, '-')
    .replace(/œ/g, 'oe')
    .replace(/æ/g, 'ae')
    .toLowerCase();
}

/**
 * Splits folded text into word tokens. Elided French articles (l', d', qu' …) are split off so
 * that "l'Afrique" yields "l'" and "afrique"; hyphenated words are kept whole and also split.
 */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  const raw = fold(text).match(/[a-z0-9]+(?:[-'./][a-z0-9]+)*'?/g) ?? [];
  for (const token of raw) {
    const elision = /^(l|d|qu|j|n|s|c|m|t|jusqu|lorsqu|puisqu)'(.+)$/.exec(token);
    if (elision) {
      out.push(`${elision[1]}'`);
      pushWord(out, elision[2]!);
    } else {
      pushWord(out, token.replace(/'$/, ''));
    }
  }
  return out;
}

/**
 * Fixed French compounds whose parts are not words of the sentence: "vis-à-vis" does not speak of a
 * "vis" (a screw, and the stem of "visa"), "peut-être" not of being able.
 */
const FROZEN: ReadonlySet<string> = new Set(['vis-a-vis', 'peut-etre', 'au-dela', 'au-dessus', 'au-dessous', 'c-est-a-dire', 'est-a-dire', 'a-peu-pres']);

function pushWord(out: string[], word: string): void {
  if (FROZEN.has(word)) {
    out.push(word);
  } else if (/^[a-z]+(-[a-z]+)+$/.test(word)) {
    out.push(word, ...word.split('-'));
  } else if (/^[a-z]+\.\d|^\d+[./]\d+$/.test(word)) {
    out.push(word);
  } else {
    out.push(...word.split(/[.']/).filter(Boolean));
  }
}

/** Optimal string alignment distance (Levenshtein with adjacent transpositions), bounded. */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev2: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2]! + 1);
      cur.push(v);
      rowMin = Math.min(rowMin, v);
    }
    if (rowMin > max) return max + 1;
    prev2 = prev;
    prev = cur;
  }
  return prev[b.length]!;
}
