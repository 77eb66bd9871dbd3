/**
 * Working time in China time (UTC+8, no daylight saving since 1991): SLA due times count only the team's
 * working hours, and routing asks whether an expert is at work now.
 */
export interface WorkSchedule {
  /** ISO weekdays, 1 = Monday … 7 = Sunday */
  days: number[];
  /** minutes after local midnight; end is exclusive, at most 1440 */
  startMin: number;
  endMin: number;
}

const OFFSET_MS = 8 * 3600_000;
const DAY_MS = 86_400_000;

/** "08:00-18:00" → minutes; `undefined` when malformed or empty. */
export function parseWorkHours(text: string): { startMin: number; endMin: number } | undefined {
  const m = /^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$/.exec(text);
  if (!m) return undefined;
  const startMin = Number(m[1]) * 60 + Number(m[2]);
  const endMin = Number(m[3]) * 60 + Number(m[4]);
  if (Number(m[2]) > 59 || Number(m[4]) > 59 || endMin > 1440 || startMin >= endMin) return undefined;
  return { startMin, endMin };
}

/** "1-5" or "1,2,3,6" or "1-5,7" → sorted ISO weekdays; `undefined` when malformed. */
export function parseWorkDays(text: string): number[] | undefined {
  if (!/^\s*[1-7](\s*-\s*[1-7])?(\s*,\s*[1-7](\s*-\s*[1-7])?)*\s*$/.test(text)) return undefined;
  const days = new Set<number>();
  for (const part of text.split(',')) {
    const [a, b] = part.split('-').map((s) => Number(s.trim()));
    if (b !== undefined && b < a) return undefined;
    for (let d = a; d <= (b ?? a); d++) days.add(d);
  }
  return [...days].sort();
}

export function formatHours(startMin: number, endMin: number): string {
  const hm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
  return `${hm(startMin)}-${hm(endMin)}`;
}

/** Weekday and minute of the day in China time, and the instant of that local midnight. */
export function chinaClock(at: Date): { dow: number; minute: number; midnight: number } {
  const local = at.getTime() + OFFSET_MS;
  const midnightLocal = Math.floor(local / DAY_MS) * DAY_MS;
  const dow = ((new Date(midnightLocal).getUTCDay() + 6) % 7) + 1;
  return { dow, minute: Math.floor((local - midnightLocal) / 60_000), midnight: midnightLocal - OFFSET_MS };
}

export function isWorkingTime(at: Date, s: WorkSchedule): boolean {
  const { dow, minute } = chinaClock(at);
  return s.days.includes(dow) && minute >= s.startMin && minute < s.endMin;
}

/** The instant `hours` working hours after `start`: time outside the schedule does not count. */
export function addWorkingHours(start: Date, hours: number, s: WorkSchedule): Date {
  if (!s.days.length || s.endMin <= s.startMin) throw new Error('a work schedule needs days and hours');
  let remaining = hours * 3600_000;
  let cursor = start.getTime();
  for (let i = 0; i < 800; i++) {
    const { dow, midnight } = chinaClock(new Date(cursor));
    if (s.days.includes(dow)) {
      const from = Math.max(cursor, midnight + s.startMin * 60_000);
      const until = midnight + s.endMin * 60_000;
      if (from < until) {
        if (remaining <= until - from) return new Date(from + remaining);
        remaining -= until - from;
      }
    }
    cursor = midnight + DAY_MS;
  }
  throw new Error(`cannot fit ${hours} working hours in the schedule`);
}

/** "今天16:30", "明天09:00", "3月5日 10:00" (China time), as the farmer and the expert read it. */
export function formatChinaTime(at: Date, now: Date): string {
  const a = chinaClock(at);
  const n = chinaClock(now);
  const hm = `${String(Math.floor(a.minute / 60)).padStart(2, '0')}:${String(a.minute % 60).padStart(2, '0')}`;
  const days = Math.round((a.midnight - n.midnight) / DAY_MS);
  if (days === 0) return `今天${hm}`;
  if (days === 1) return `明天${hm}`;
  if (days === 2) return `后天${hm}`;
  const local = new Date(at.getTime() + OFFSET_MS);
  return `${local.getUTCMonth() + 1}月${local.getUTCDate()}日 ${hm}`;
}

/** Config check: the team's hours must be a real span (08:00-18:00, not 18:00-08:00). */
export function checkWorkSettings(
  c: { EXPERT_WORK_HOURS: string; EXPERT_WORK_DAYS: string },
  ctx: { addIssue(issue: { code: 'custom'; path: string[]; message: string }): void },
): void {
  if (!parseWorkHours(c.EXPERT_WORK_HOURS)) {
    ctx.addIssue({ code: 'custom', path: ['EXPERT_WORK_HOURS'], message: 'the end must come after the start, e.g. 08:00-18:00' });
  }
  if (!parseWorkDays(c.EXPERT_WORK_DAYS)) {
    ctx.addIssue({ code: 'custom', path: ['EXPERT_WORK_DAYS'], message: 'ranges go upwards, e.g. 1-5 (Monday to Friday)' });
  }
}
