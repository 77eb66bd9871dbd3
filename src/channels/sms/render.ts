import { sourceLine } from '../../bot/compose.ts';
import type { Citation } from '../../conversations/types.ts';
import { smsBudgetText } from './pager.ts';

/**
 * A reply as an SMS shows it: the source named in the text (a phone has no citation cards), within the
 * budget of SMS_BUDGET_SEGMENTS; a longer one ends with "（回复1看更多）" and the rest waits for "1".
 */
export function smsReply(reply: { text: string; citations: Citation[] }, segments: number): { text: string; more?: string } {
  return smsBudgetText(`${reply.text}${namesItsSource(reply.text, reply.citations) ? '' : sourceLine(reply.citations)}`, segments);
}

/** Whether the text already says where it comes from (a price reply ends "来源：演示数据。"): not twice. */
function namesItsSource(text: string, citations: Citation[]): boolean {
  const named = /^（来源：(.+)）$/.exec(sourceLine(citations))?.[1];
  return Boolean(named && text.includes(`来源：${named}`));
}
