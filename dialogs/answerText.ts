/**
 * A typed answer to a prompt (name, organisation, email, country), made fit to keep: what can be
 * normalised is (white space, invisible marks, Unicode composition), what cannot is refused with a
 * reason, before it reaches the dialog state or the ledger. A control character that got through
 * would fail later, at the save (the ledger refuses it; PostgreSQL cannot store a NUL at all),
 * and the participant would lose every answer given so far.
 */

// C0 and C1 control characters other than white space, and the bidirectional overrides and
// isolates that reorder what organisers see ("Trojan source" names).
// eslint-disable-next-line no-control-regex
const REFUSED = /[\u0000-\u0008\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
// Half of a surrogate pair on its own: not text; PostgreSQL refuses it in the dialog state.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
// Invisible characters with no meaning in a name or an address: dropped.
const INVISIBLE = /[\u200b\u2060\ufeff\u00ad]/g;

export type AnswerProblem = 'control';

/** The answer normalised (NFC, one space between words), or the reason it is refused. */
export function normaliseAnswer(raw: string): { value: string; problem?: undefined } | { value?: undefined; problem: AnswerProblem } {
  if (REFUSED.test(raw) || LONE_SURROGATE.test(raw)) return { problem: 'control' };
  return { value: raw.normalize('NFC').replace(INVISIBLE, '').replace(/\s+/g, ' ').trim() };
}
