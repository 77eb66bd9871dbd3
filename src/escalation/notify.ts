import type { Queryable } from '../db/pool.ts';
import type { EscalationContext } from './context.ts';
import type { Ticket } from './tickets.ts';
import { formatChinaTime } from './working-time.ts';

type Brief = Pick<Ticket, 'category' | 'county' | 'question'> & { dueAt: string | Date };

function short(question: string, max = 16): string {
  const q = question.replace(/\s+/g, '');
  return q.length <= max ? q : `${q.slice(0, max)}…`;
}

const where = (t: Brief) => (t.county ? `${t.category}·${t.county}` : t.category);

// One segment where possible (70 Chinese characters): the console has the rest.
export const expertTexts = {
  assigned: (t: Brief, now: Date) =>
    `【益农助手】新问题（${where(t)}）：${short(t.question)}请在${formatChinaTime(new Date(t.dueAt), now)}前到专家台答复。`,
  transferred: (t: Brief, from: string, now: Date) =>
    `【益农助手】${from}转给您一个问题（${where(t)}）：${short(t.question)}请在${formatChinaTime(new Date(t.dueAt), now)}前答复。`,
  reopened: (t: Brief) => `【益农助手】农户追问了您答复过的问题（${where(t)}）：${short(t.question)}请到专家台查看。`,
  overdue: (t: Brief) => `【益农助手】问题已超时未答（${where(t)}）：${short(t.question)}请尽快到专家台处理。`,
  queued: (t: Brief) => `【益农助手】队列里有超时的问题（${where(t)}）：${short(t.question)}请到专家台认领。`,
};

/**
 * Text an expert inside the caller's transaction (the outbox sends it after commit). An expert without a
 * usable phone is skipped and logged: a notice must never undo the ticket it is about.
 */
export async function textExpert(
  ctx: EscalationContext,
  q: Queryable,
  expert: { phone: string | null; name: string },
  text: string,
): Promise<void> {
  if (!ctx.settings.smsNotify || !expert.phone) return;
  const receipt = await ctx.outbox.textPhone(q, expert.phone, text);
  if (receipt.error) ctx.log(`expert ${expert.name} has no usable phone for SMS notices: ${receipt.error}`);
}

/** The phone of an account, for notices. */
export async function phoneOf(q: Queryable, userId: string): Promise<{ phone: string | null; name: string } | undefined> {
  const { rows } = await q.query('SELECT phone, name FROM users WHERE id = $1', [userId]);
  return rows[0];
}
