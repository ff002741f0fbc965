/**
 * Personal data that must not outlive the turn that carried it: email addresses and phone numbers
 * in free text (unanswered questions, log lines) are replaced with a placeholder before the text
 * is stored or written.
 */

export const EMAIL_PLACEHOLDER = '[email]';
export const PHONE_PLACEHOLDER = '[phone]';

// Wider than the confirmation's EMAIL check on purpose: anything shaped like an address goes.
// The parts are bounded as in RFC 5321 (64 before the "@", 253 after), so that a long run of
// characters without an "@" is not read again from each of its characters (200,000 took a minute).
const EMAIL_LIKE = /[^\s@<>()[\]\\,;:"']{1,64}@[^\s@<>()[\]\\,;:"']{1,253}\.[\p{L}]{2,}/gu;
// A run of at least 7 digits with the separators people type in phone numbers; not inside a word
// or an identifier (UUIDs, references), so that ids in log lines stay readable.
const PHONE_LIKE = /(?<![\p{L}\p{N}_/-])(?:\+|00)?\(?\d[\d\s().-]{5,}\d(?![\p{L}\p{N}_-])/gu;
const DATE_LIKE = /^(\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[./-]\d{1,2}[./-]\d{2,4})$/;
const YEARS = /^((19|20)\d\d)([\s./-]+(19|20)\d\d)*$/;

function isPhone(candidate: string): boolean {
  const digits = candidate.replace(/\D/g, '');
  if (digits.length < 7 || digits.length > 16) return false;
  const trimmed = candidate.trim();
  // Dates ("2020-07-23", "23.07.2020") and runs of years ("2019-2020") are not phone numbers.
  return !DATE_LIKE.test(trimmed) && !YEARS.test(trimmed);
}

/** The text with email addresses and phone numbers replaced by placeholders. */
export function redactContacts(text: string): string {
  // Most texts have no "@" or no digit: they are not searched for what they cannot hold.
  const withoutEmails = text.includes('@') ? text.replace(EMAIL_LIKE, EMAIL_PLACEHOLDER) : text;
  return /\d/.test(withoutEmails) ? withoutEmails.replace(PHONE_LIKE, (m) => (isPhone(m) ? PHONE_PLACEHOLDER : m)) : withoutEmails;
}

/** True when nothing but placeholders, punctuation and white space is left: a contact detail alone. */
export function onlyContacts(redacted: string): boolean {
  return !/[\p{L}\p{N}]/u.test(redacted.replaceAll(EMAIL_PLACEHOLDER, '').replaceAll(PHONE_PLACEHOLDER, ''));
}
