// Field parsing shared by the validators: days, moments, phone numbers, counts. Reasons are in Chinese
// because they reach the person who typed the value.

const DAY_MS = 86_400_000;
// China has one time zone and no daylight saving: a fixed +08:00 is exact.
const CHINA_OFFSET_MS = 8 * 3_600_000;

/** The calendar day in China (YYYY-MM-DD) at `now`: "today" for farmers, whatever the server's zone. */
export function chinaToday(now: Date = new Date()): string {
  return new Date(now.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

/** Midnight in China at the start of `day`. */
export function chinaDayStart(day: string): Date {
  return new Date(Date.parse(`${day}T00:00:00Z`) - CHINA_OFFSET_MS);
}

/** Midnight in China at the end of `day`: a post "valid until 12-20" lasts through that whole day. */
export function chinaDayEnd(day: string): Date {
  return new Date(chinaDayStart(day).getTime() + DAY_MS);
}

export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

const DAY_FORMS = [
  /^(\d{4})-(\d{1,2})-(\d{1,2})$/,
  /^(\d{4})\/(\d{1,2})\/(\d{1,2})$/,
  /^(\d{4})\.(\d{1,2})\.(\d{1,2})$/,
  /^(\d{4})年(\d{1,2})月(\d{1,2})日?$/,
  /^(\d{4})(\d{2})(\d{2})$/,
];

/** A calendar day written the ways people write it (2026-11-08, 2026/11/8, 2026年11月8日) → YYYY-MM-DD. */
export function parseDay(text: string | undefined): string | null {
  const s = text?.trim();
  if (!s) return null;
  for (const form of DAY_FORMS) {
    const m = form.exec(s);
    if (!m) continue;
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const date = new Date(Date.UTC(y, mo - 1, d));
    // Date.UTC rolls 02-30 over into March: a day that doesn't exist is refused, not moved.
    if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return null;
    return date.toISOString().slice(0, 10);
  }
  return null;
}

/**
 * A moment: a Date, an ISO timestamp, or a bare day. A bare day is read in China time, at its start or its
 * end as the caller needs (posted on a day = its start; valid until a day = its end).
 */
export function parseMoment(value: Date | string | undefined, bareDay: 'start' | 'end'): Date | null {
  if (value === undefined) return null;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value;
  const day = parseDay(value);
  if (day) return bareDay === 'start' ? chinaDayStart(day) : chinaDayEnd(day);
  // Only full ISO timestamps: Date.parse accepts too much else ("1", "May") to trust with a deadline.
  if (!/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(value.trim())) return null;
  const ms = Date.parse(value.trim());
  return Number.isNaN(ms) ? null : new Date(ms);
}

/** Trimmed text, or undefined when blank. */
export function clean(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  const s = String(value).replace(/\s+/g, ' ').trim();
  return s ? s : undefined;
}

// Contact numbers are read by the one phone module (src/privacy/phone.ts); re-exported for data's callers.
export { normalizePhone, type PhoneResult } from '../privacy/phone.ts';

/** The leading whole number of a quantity as written ("20人" → 20, "1台机器" → 1); null if there is none. */
export function leadingCount(text: string | undefined): number | null {
  const m = /^\s*(\d{1,9})/.exec(text ?? '');
  return m ? Number(m[1]) : null;
}
