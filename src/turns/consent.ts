import type { Said } from '../bot/index.ts';
import type { Conversation } from '../conversations/types.ts';
import type { Speaker } from './types.ts';

/**
 * The conversation's opt-out flag after this message, or undefined when it stays as it is. 退订 opts out
 * (its confirmation is the one text still sent); writing anything else after 退订 is opting back in. Both
 * are the farmer's own act: an officer's words change neither (the agent tells the officer so).
 */
export function consentAfter(conversation: Conversation, said: Said, speaker: Speaker): boolean | undefined {
  if (speaker.author !== 'farmer') return undefined;
  if (said.command?.kind === 'unsubscribe') return true;
  if (conversation.optedOut) return false;
  return undefined;
}
