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
