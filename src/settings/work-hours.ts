// The working-hours format: the team's (EXPERT_WORK_HOURS, EXPERT_WORK_DAYS) and an expert's own hours
// (src/schemas/users.ts). China time; src/escalation/working-time.ts counts SLA time with it.

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
