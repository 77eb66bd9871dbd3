import { parseSmsPhone } from '../../../privacy/phone.ts';
import type { SkillInput, SkillResult } from '../../skill.ts';
import { chinaDay, shiftDay } from '../../dates.ts';
import type { ServiceIntent } from './intents.ts';

/** What the services keep in the conversation's memory between turns. */
export interface ServiceMemory {
  /** the farmer's phone as given in a web-chat (SMS conversations have their own) */
  phone?: string;
  /** training ids in the order last listed ("报名2" signs up for the second) */
  trainings?: string[];
  /** a machinery search that found nothing: "求租" posts a request with these */
  wantOffer?: { machine?: string; county?: string; town?: string; village?: string; day?: string };
}

export function memory(input: SkillInput): ServiceMemory {
  input.context.services ??= {};
  return input.context.services as ServiceMemory;
}

/** The farmer this turn is for: the one a 信息员 asks for (代问), the SMS sender, or the phone given earlier. */
export function farmerPhone(input: SkillInput): string | undefined {
  return input.context.onBehalfOf ?? input.conversation.farmerPhone ?? memory(input).phone ?? undefined;
}

export function isStaff(input: SkillInput): boolean {
  return input.principal?.role === 'officer' || input.principal?.role === 'admin';
}

/** A mobile number in the text, in the project's 11-digit form; undefined when there is none or it is not one. */
export function phoneIn(text: string): string | undefined {
  const m = /(?<!\d)((?:\+?86)?1[3-9]\d{9})(?!\d)/.exec(text.replace(/[\s-]/g, ''));
  if (!m) return undefined;
  const parsed = parseSmsPhone(m[1]);
  return parsed.ok ? parsed.key : undefined;
}

export function reply(intent: ServiceIntent, text: string, quickReplies: string[] = [], confidence = 0.95): SkillResult {
  return { text, intent, confidence, quickReplies };
}

const CN: Record<string, number> = { 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9, 十: 10 };
function num(s: string): number {
  if (/^\d+$/.test(s)) return Number(s);
  if (s === '十') return 10;
  if (s.startsWith('十')) return 10 + (CN[s[1]] ?? 0);
  if (s.includes('十')) return (CN[s[0]] ?? 0) * 10 + (CN[s[2]] ?? 0);
  return CN[s] ?? NaN;
}
const N = '(\\d{1,2}|[一二三四五六七八九十]{1,3})';

/** A day from today on (明天, 后天, 下礼拜, 12月5号, 5号), as YYYY-MM-DD: when a machine is wanted. */
export function futureDay(text: string, now: Date): string | undefined {
  const today = chinaDay(now);
  const relative: [RegExp, number][] = [[/大后天/, 3], [/后天/, 2], [/明天|明儿/, 1], [/今天|今儿|这两天/, 0], [/下礼拜|下周|下星期|下个星期|下个礼拜/, 7]];
  for (const [re, days] of relative) if (re.test(text)) return shiftDay(today, days);
  const md = new RegExp(`${N}月${N}[日号]`).exec(text);
  const [y, m] = today.split('-').map(Number);
  if (md) {
    const mo = num(md[1]);
    const d = num(md[2]);
    const year = mo < m ? y + 1 : y;
    const day = `${year}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
    return Number.isNaN(Date.parse(day)) ? undefined : day;
  }
  return undefined;
}

/** "12月1日到12月20日", "12.1-12.20", "随时": the days a machine is free or wanted. */
export function availability(text: string, now: Date): { from?: string; to?: string } | undefined {
  if (/随时|都行|都可以|啥时候都|什么时候都|不限/.test(text)) return {};
  const [y] = chinaDay(now).split('-').map(Number);
  const dates = [...text.matchAll(new RegExp(`${N}\\s*[月.\\/]\\s*${N}\\s*[日号]?`, 'g'))].map((m) => {
    const mo = num(m[1]);
    const d = num(m[2]);
    const today = chinaDay(now);
    const year = mo < Number(today.slice(5, 7)) ? y + 1 : y;
    return `${year}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  }).filter((d) => !Number.isNaN(Date.parse(d)));
  if (dates.length >= 2) return { from: dates[0], to: dates[1] };
  if (dates.length === 1) return /前|之前|以前/.test(text) ? { to: dates[0] } : { from: dates[0], to: /以后|之后|起/.test(text) ? undefined : dates[0] };
  const day = futureDay(text, now);
  if (day) return /下礼拜|下周|下星期/.test(text) ? { from: day, to: shiftDay(day, 6) } : { from: day, to: day };
  return undefined;
}

/** 11月20日 (this year) or 2025-11-20. */
export function dayLabel(d: Date | string, now: Date): string {
  const day = typeof d === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(d) ? d : chinaDay(new Date(d));
  return day.slice(0, 4) === chinaDay(now).slice(0, 4) ? `${Number(day.slice(5, 7))}月${Number(day.slice(8))}日` : day;
}
