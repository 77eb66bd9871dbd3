/** Calendar days in China (UTC+8, no daylight saving), as YYYY-MM-DD. */
export function chinaDay(now: Date): string {
  return new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

export function shiftDay(day: string, days: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

const CN_DIGITS: Record<string, number> = { 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9, 十: 10 };

function cnNumber(s: string): number {
  if (/^\d+$/.test(s)) return Number(s);
  if (s === '十') return 10;
  if (s.startsWith('十')) return 10 + (CN_DIGITS[s[1]] ?? 0);
  if (s.includes('十')) return (CN_DIGITS[s[0]] ?? 0) * 10 + (CN_DIGITS[s[2]] ?? 0);
  return CN_DIGITS[s] ?? NaN;
}

const NUM = '(\\d{1,2}|[一二三四五六七八九十]{1,3})';

/** A day the farmer named (今天, 昨天, 前天, 上周, 3月5号, 5号), or undefined. Never a day after today. */
export function extractDate(text: string, now: Date): { date: string; phrase: string } | undefined {
  const today = chinaDay(now);
  const relative: [RegExp, number][] = [
    [/大前天/, -3], [/前天|前日/, -2], [/昨天|昨日|夜来|夜里个/, -1], [/今天|今日|今儿|现在|目前|眼下/, 0],
    [/上周|上个星期|上礼拜|一周前|一个星期前/, -7],
  ];
  for (const [re, days] of relative) {
    const m = re.exec(text);
    if (m) return { date: shiftDay(today, days), phrase: m[0] };
  }
  const [year, month] = today.split('-').map(Number);
  const monthRel = new RegExp(`(上个?月|这个?月|本月)${NUM}[日号]`).exec(text);
  if (monthRel) {
    const d = cnNumber(monthRel[2]);
    const m = monthRel[1].startsWith('上') ? month - 1 : month;
    const y = m < 1 ? year - 1 : year;
    const mm = m < 1 ? 12 : m;
    if (d >= 1 && d <= 31) {
      const date = `${y}-${String(mm).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
      if (date <= today) return { date, phrase: monthRel[0] };
    }
  }
  const md = new RegExp(`${NUM}月${NUM}[日号]`).exec(text);
  if (md) {
    const m = cnNumber(md[1]);
    const d = cnNumber(md[2]);
    if (m >= 1 && m <= 12 && d >= 1 && d <= 31) {
      let date = `${year}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
      if (date > today) date = `${year - 1}${date.slice(4)}`;
      return { date, phrase: md[0] };
    }
  }
  const dOnly = new RegExp(`(?:^|[^月\\d])${NUM}[号日]`).exec(text);
  if (dOnly) {
    const d = cnNumber(dOnly[1]);
    if (d >= 1 && d <= 31) {
      let date = `${year}-${String(month).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
      if (date > today) date = shiftMonth(date, -1);
      return { date, phrase: dOnly[0].replace(/^[^\d一二三四五六七八九十]/, '') };
    }
  }
  return undefined;
}

function shiftMonth(day: string, months: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + months);
  return d.toISOString().slice(0, 10);
}
