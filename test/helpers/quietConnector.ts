/**
 * botframework-connector's JwtTokenExtractor writes to console.error each token it refuses (an
 * expired token, a key it does not know) before throwing: the 401 tests expect exactly those
 * refusals, and their stack traces would bury the suite's own findings. Only these two messages,
 * written from that module, are dropped; every other console.error goes through.
 */
const original = console.error.bind(console);

const fromTokenExtractor = (): boolean => /jwtTokenExtractor/.test(new Error().stack ?? '');
const isRefusal = (first: unknown): boolean =>
  (typeof first === 'string' && first.startsWith('Error finding key for token. Available keys:')) || (first instanceof Error && first.name === 'TokenExpiredError');

console.error = (...args: unknown[]): void => {
  if (isRefusal(args[0]) && fromTokenExtractor()) return;
  original(...args);
};
