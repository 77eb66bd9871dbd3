// The words of a conversation's handover to the expert team, shared by escalation (which owns tickets) and
// the HTTP schemas (an expert's categories, a ticket's status): a leaf that imports nothing, so any layer may read it.

/** The expert team's categories, as the agent names them when it escalates. */
export const EXPERT_CATEGORIES = [
  '粮食作物', '经济作物', '蔬菜', '果树', '植保', '土肥', '畜牧', '兽医', '水产', '农机', '政策', '市场',
] as const;
export type ExpertCategory = (typeof EXPERT_CATEGORIES)[number];

export function isExpertCategory(value: unknown): value is ExpertCategory {
  return typeof value === 'string' && (EXPERT_CATEGORIES as readonly string[]).includes(value);
}

/** A ticket's life: open → assigned → answered → closed, reopened by a follow-up, expired when nobody answers. */
export const TICKET_STATUSES = ['open', 'assigned', 'answered', 'closed', 'reopened', 'expired'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];
