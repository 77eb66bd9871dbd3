import { sourceLine } from '../../bot/compose.ts';
import type { Citation } from '../../conversations/types.ts';
import { smsBudgetText } from './pager.ts';

/**
 * A reply as an SMS shows it: the source named in the text (a phone has no citation cards), within the
 * budget of SMS_BUDGET_SEGMENTS; a longer one ends with "（回复1看更多）" and the rest waits for "1".
 */
export function smsReply(reply: { text: string; citations: Citation[] }, segments: number): { text: string; more?: string } {
  return smsBudgetText(`${reply.text}${sourceLine(reply.citations)}`, segments);
}
