import type { TurnContext } from 'botbuilder';
import type { ConversationMemory } from '../bot/state';
import type { Clock } from '../schedule/time';
import type { FeedbackRepository } from './repository';

export interface FeedbackTurnDeps {
  readonly feedback?: FeedbackRepository | undefined;
  readonly clock: Clock;
  /** The conversation's memory: which question an answer key was about. */
  readonly memory: (context: TurnContext) => Promise<ConversationMemory>;
}

type Reaction = 'like' | 'dislike';

/** A thumbs up or down from Web Chat: an event naming the answer's key in its action. */
export function webChatFeedback(context: TurnContext): { key: string | undefined; reaction: Reaction } | undefined {
  if (context.activity.name !== 'webchat:activity-status/feedback') return undefined;
  const action = (context.activity.entities ?? [])[0] as { '@type'?: string; '@id'?: string } | undefined;
  return { key: action?.['@id']?.replace(/:(like|dislike)$/, ''), reaction: action?.['@type'] === 'DislikeAction' ? 'dislike' : 'like' };
}

/** A thumbs up or down from Teams: a message/submitAction invoke about the message replied to. */
export function teamsFeedback(context: TurnContext): { key: string | undefined; reaction: Reaction; comment: string | undefined } | undefined {
  const value = context.activity.value as { actionName?: string; actionValue?: { reaction?: string; feedback?: string } } | undefined;
  if (context.activity.name !== 'message/submitAction' || value?.actionName !== 'feedback') return undefined;
  let comment: string | undefined;
  try {
    comment = (JSON.parse(value.actionValue?.feedback ?? '{}') as { feedbackText?: string }).feedbackText;
  } catch {
    comment = undefined;
  }
  return { key: context.activity.replyToId, reaction: value.actionValue?.reaction === 'dislike' ? 'dislike' : 'like', comment };
}

/**
 * Keeps a vote for the organisers, with the question it was about (no identity). Only a vote on an
 * answer this conversation was given counts (its last 20): a key made up by a client, which could
 * push genuine votes out of the bounded table, is not kept.
 */
export async function recordFeedback(d: FeedbackTurnDeps, context: TurnContext, vote: { key: string | undefined; reaction: Reaction; comment?: string | undefined }): Promise<boolean> {
  if (!vote.key || !d.feedback) return false;
  const memory = await d.memory(context);
  const answer = memory.answers?.find((a) => a.keys.includes(vote.key!));
  if (!answer) return false;
  await d.feedback.record({ answerKey: vote.key, reaction: vote.reaction, comment: vote.comment, question: answer.question, answerKind: answer.kind, language: answer.lang, channelId: context.activity.channelId, now: d.clock.now() });
  return true;
}
