import type { Category } from '../knowledge/categories.ts';
import { isExpertCategory, type ExpertCategory } from '../conversations/handover.ts';

// The vocabulary lives in a leaf the HTTP schemas may read; escalation's code and the benches read it here.
export { EXPERT_CATEGORIES, isExpertCategory, TICKET_STATUSES, type ExpertCategory } from '../conversations/handover.ts';

// Knowledge-base categories, in case an escalation arrives with one of those instead.
const FROM_KB: Partial<Record<string, ExpertCategory>> = {
  livestock: '畜牧', aquaculture: '水产', policy: '政策', programme: '政策', service: '政策', market: '市场',
  labor: '市场', agronomy: '经济作物', training: '政策', faq: '政策',
};

/** The ticket's category: the agent's expert category, or the nearest one when it sent something else. */
export function ticketCategory(raw: string | null | undefined): ExpertCategory {
  if (isExpertCategory(raw)) return raw;
  return (raw && FROM_KB[raw]) || '经济作物';
}

/** Where a saved expert answer goes in the knowledge base. */
export function kbCategoryOf(category: ExpertCategory): Category {
  switch (category) {
    case '畜牧':
    case '兽医':
      return 'livestock';
    case '水产':
      return 'aquaculture';
    case '政策':
      return 'policy';
    case '市场':
      return 'market';
    default:
      return 'agronomy';
  }
}

export const PRIORITIES = { 1: 'urgent', 2: 'high', 3: 'normal' } as const;
export type PriorityName = (typeof PRIORITIES)[keyof typeof PRIORITIES];

// Animals dying, an outbreak or a poisoning cannot wait for the queue; diseases and pests spread by the day.
const URGENT = /死了|死亡|死掉|死鱼|死猪|死羊|死鸡|疫情|暴发|爆发|中毒|大面积|全死|急死|救命|紧急/;
const SPREADING = new Set<ExpertCategory>(['植保', '兽医']);

/** 1 urgent, 2 high, 3 normal. */
export function priorityOf(question: string, category: ExpertCategory): 1 | 2 | 3 {
  if (URGENT.test(question)) return 1;
  return SPREADING.has(category) ? 2 : 3;
}

export function priorityName(p: number): PriorityName {
  return PRIORITIES[p as 1 | 2 | 3] ?? 'normal';
}
