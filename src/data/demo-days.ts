import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { CsvRecord } from './csv.ts';
import { addDays, chinaToday, parseDay } from './fields.ts';

// The shipped demo rows (seeds/data/*.csv) are written as of one reference day, stated in
// seeds/data/as-of.txt. Seeding moves every date in them by the whole days between that day and the seeding
// clock's day in China, so a demo started on any day has fresh prices, live posts and upcoming trainings.
// Only the seed loader shifts: a bureau's own imports (routes, price-import job) keep their dates as written.

export const AS_OF_FILE = 'as-of.txt';

const DAY_MS = 86_400_000;

/** What `<seedsDir>/data/as-of.txt` says: its day, none (no file: the files' dates are absolute), or why it is unreadable. */
export type AsOf = { day: string } | { day: null } | { error: string };

/** Read the reference day: the first line that is neither blank nor a `#` comment, as YYYY-MM-DD. */
export async function readAsOf(dataDir: string): Promise<AsOf> {
  const file = path.join(dataDir, AS_OF_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { day: null };
    return { error: `${file}: 读取失败：${(err as Error).message}` };
  }
  const line = text.replace(/^\uFEFF/, '').split(/\r?\n/).map((l) => l.trim()).find((l) => l && !l.startsWith('#'));
  const day = line && /^\d{4}-\d{2}-\d{2}$/.test(line) ? parseDay(line) : null;
  return day ? { day } : { error: `${file}: 基准日应写成 2026-11-28 这样的日期，读到“${line ?? ''}”` };
}

/** Whole calendar days (China time) from the reference day to `now`'s day; negative when `now` is earlier. */
export function daysSince(asOf: string, now: Date): number {
  return Math.round((Date.parse(`${chinaToday(now)}T00:00:00Z`) - Date.parse(`${asOf}T00:00:00Z`)) / DAY_MS);
}

/**
 * One CSV date value moved by `days`: the leading YYYY-MM-DD of a day or a timestamp ("2026-12-03 09:00"
 * keeps its 09:00; China has no daylight saving, so an explicit offset keeps its hour too), or a bare day in
 * another written form (2026/11/8) given back as YYYY-MM-DD. Blank and unreadable values are left as they are,
 * for the row's validator to accept or refuse exactly as without the shift.
 */
export function shiftDateText(value: string | undefined, days: number): string | undefined {
  if (!days || value === undefined) return value;
  const text = value.trim();
  const lead = /^(\d{4}-\d{2}-\d{2})(?=$|[T ])/.exec(text);
  const leadDay = lead ? parseDay(lead[1]) : null;
  if (leadDay) return addDays(leadDay, days) + text.slice(lead![1].length);
  const day = parseDay(text);
  return day ? addDays(day, days) : value;
}

/** The records with their date columns moved by `days` (new objects; the input is left alone). */
export function shiftRecords(records: readonly CsvRecord[], columns: readonly string[], days: number): CsvRecord[] {
  if (!days || !columns.length) return [...records];
  return records.map((r) => {
    const values = { ...r.values };
    for (const c of columns) if (c in values) values[c] = shiftDateText(values[c], days)!;
    return { line: r.line, values };
  });
}
