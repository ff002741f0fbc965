import { randomUUID } from 'node:crypto';
import type { Activity } from 'botbuilder';

/** Posts an activity to the bot's /api/messages as a channel would; defaults fill what a test leaves out. */
export function postActivity(base: string, activity: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${base}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ type: 'message', id: randomUUID(), channelId: 'webchat', serviceUrl: 'http://127.0.0.1:9/', recipient: { id: 'bot' }, ...activity }),
  });
}

/** Sends a message in expectReplies mode and returns the bot's replies. */
export async function exchange(base: string, text: string, opts: { from: string; conversation: string } & Record<string, unknown>): Promise<Array<Partial<Activity>>> {
  const { from, conversation, ...extra } = opts;
  const res = await postActivity(base, { text, deliveryMode: 'expectReplies', from: { id: from }, conversation: { id: conversation }, ...extra });
  return ((await res.json()) as { activities?: Array<Partial<Activity>> }).activities ?? [];
}

/** A participant in one conversation: each call says something and resolves with the replies' text. */
export function participant(base: string, userId = `user-${randomUUID()}`): (text: string) => Promise<string> {
  const conversation = `conv-${randomUUID()}`;
  return async (text) => (await exchange(base, text, { from: userId, conversation })).map((a) => a.text ?? '').join('\n');
}
