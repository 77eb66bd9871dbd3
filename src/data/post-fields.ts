// Checks shared by labour and supply posts. Each pushes a Chinese reason onto `issues` and returns null
// when the value can't be used, so a form gets every problem back at once.
import { JINING_COUNTIES, normalizeCounty } from './counties.ts';
import { clean, normalizePhone, parseMoment } from './fields.ts';

export const DEFAULT_POST_DAYS = 30;
/** A post can't stay up longer than this: stale offers of work or goods are worse than none. */
export const MAX_POST_DAYS = 180;
const DAY_MS = 86_400_000;

/**
 * `create`: a new post from a person now: it must expire in the future and within MAX_POST_DAYS.
 * `import`: a shipped or migrated record: history is kept as written; only expiry after posting is required.
 */
export type PostMode = 'create' | 'import';

export function checkText(
  value: unknown,
  label: string,
  max: number,
  issues: string[],
  required: boolean,
): string | null {
  const text = clean(value);
  if (!text) {
    if (required) issues.push(`缺少${label}`);
    return null;
  }
  if (text.length > max) {
    issues.push(`${label}太长（最多 ${max} 个字）`);
    return null;
  }
  return text;
}

export function checkCounty(value: unknown, issues: string[]): string | null {
  const text = clean(value);
  if (!text) {
    issues.push('缺少县（市、区）');
    return null;
  }
  const county = normalizeCounty(text);
  if (!county) issues.push(`“${text}”不是济宁的县（市、区），应为 ${JINING_COUNTIES.join('、')} 之一`);
  return county;
}

export function checkContact(value: unknown, issues: string[]): string | null {
  const result = normalizePhone(clean(value));
  if (!result.ok) {
    issues.push(result.reason);
    return null;
  }
  return result.phone;
}

export function checkPostedAt(value: Date | string | undefined, now: Date, issues: string[]): Date {
  if (value === undefined || (typeof value === 'string' && !value.trim())) return now;
  const at = parseMoment(value, 'start');
  if (!at) {
    issues.push(`发布时间“${String(value)}”无法识别，请写成 2026-11-08 这样的格式`);
    return now;
  }
  return at;
}

/** When the post stops showing: given, or DEFAULT_POST_DAYS after it was posted. */
export function checkExpiry(
  value: Date | string | undefined,
  ctx: { now: Date; postedAt: Date; mode: PostMode },
  issues: string[],
): Date | null {
  if (value === undefined || (typeof value === 'string' && !value.trim())) {
    return new Date(ctx.postedAt.getTime() + DEFAULT_POST_DAYS * DAY_MS);
  }
  const at = parseMoment(value, 'end');
  if (!at) {
    issues.push(`有效期“${String(value)}”无法识别，请写成 2026-12-31 这样的格式`);
    return null;
  }
  if (ctx.mode === 'create' && at <= ctx.now) {
    issues.push('有效期已经过了，请填今天以后的日期');
    return null;
  }
  if (at <= ctx.postedAt) {
    issues.push('有效期要晚于发布时间');
    return null;
  }
  if (ctx.mode === 'create') {
    if (at.getTime() - ctx.now.getTime() > MAX_POST_DAYS * DAY_MS) {
      issues.push(`有效期最长 ${MAX_POST_DAYS} 天，到期后可以重新发布`);
      return null;
    }
  }
  return at;
}

/** Search words: split on spaces and Chinese punctuation; every word must appear in the post. */
export function searchTerms(text: string | undefined): string[] {
  return (text ?? '')
    .toLowerCase()
    .split(/[\s,，、;；。.!！?？]+/)
    .filter(Boolean)
    .slice(0, 8);
}

/** A county filter as typed: the full name when it is one of Jining's, else as given (then it matches nothing). */
export function countyFilter(county: string | undefined): string | null {
  const text = clean(county);
  return text ? (normalizeCounty(text) ?? text) : null;
}

/** Between 1 and 100 rows; a missing or odd limit gives 10. */
export function clampLimit(limit: number | undefined): number {
  return limit !== undefined && Number.isFinite(limit) ? Math.min(Math.max(Math.trunc(limit), 1), 100) : 10;
}
