import { APIError } from 'openai';

/** Why a call to the model's service gave nothing: "http-429", "timeout", "unreadable", "error". */
export function failureReason(err: unknown): string {
  if (err instanceof APIError && err.status) return `http-${err.status}`;
  if (err instanceof Error && /abort|timeout|timed out/i.test(`${err.name} ${err.message}`)) return 'timeout';
  if (err instanceof Error && err.name === 'UnreadableOutputError') return 'unreadable';
  return 'error';
}
