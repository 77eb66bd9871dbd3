import type { RowResult } from './errors.ts';
import { chinaToday, clean, parseDay } from './fields.ts';

/** One market price for one day, as stored. Prices are yuan per `unit`, as quoted (up to four decimals: grain is quoted to the li). */
export interface PriceRow {
  commodity: string;
  variety: string | null;
  market: string;
  county: string | null;
  /** YYYY-MM-DD */
  date: string;
  low: number;
  avg: number;
  high: number;
  unit: string;
  source: string | null;
}

/** Units a price may be quoted in, and the spellings folded into them. */
export const PRICE_UNITS = ['元/斤', '元/公斤', '元/吨', '元/头', '元/只', '元/个', '元/枚', '元/箱', '元/袋', '元/把'] as const;
const UNIT_ALIASES: Record<string, string> = {
  '元/千克': '元/公斤',
  '元/kg': '元/公斤',
  '元/500克': '元/斤',
  '元/500g': '元/斤',
};

// numeric(10,2) holds up to 99,999,999.99.
const MAX_PRICE = 99_999_999.99;
const MAX_NAME = 100;
const EARLIEST_DAY = '2000-01-01';

export interface PriceRowOptions {
  /** "Today" in China (YYYY-MM-DD): rows dated after it are refused. Defaults to the current day. */
  today?: string;
}

/**
 * Check one raw price row (CSV columns or a feed's fields, all strings) and type it. Every problem is listed
 * in the reason, so whoever fixes the file fixes the line once. Accepts `date` or `price_date`.
 */
export function validatePriceRow(
  raw: Record<string, string | undefined>,
  lineNo: number,
  opts: PriceRowOptions = {},
): RowResult<PriceRow> {
  const issues: string[] = [];
  const commodity = clean(raw.commodity);
  const market = clean(raw.market);
  if (!commodity) issues.push('缺少品名 (commodity)');
  if (!market) issues.push('缺少市场 (market)');
  for (const [label, v] of [['品名', commodity], ['品种', clean(raw.variety)], ['市场', market]] as const) {
    if (v && v.length > MAX_NAME) issues.push(`${label}太长（最多 ${MAX_NAME} 个字）`);
  }

  const date = checkDate(clean(raw.date) ?? raw.price_date, opts.today ?? chinaToday(), issues);
  const low = checkPrice(raw.low, '最低价 (low)', issues);
  const avg = checkPrice(raw.avg, '均价 (avg)', issues);
  const high = checkPrice(raw.high, '最高价 (high)', issues);
  if (low !== null && avg !== null && high !== null && !(low <= avg && avg <= high)) {
    issues.push(`价格大小不对：应为 最低价 ≤ 均价 ≤ 最高价，实际是 ${low}、${avg}、${high}`);
  }
  if (avg === 0) issues.push('均价为 0，可能漏填了');
  const unit = checkUnit(raw.unit, issues);

  if (issues.length) return { ok: false, line: lineNo, reason: issues.join('；') };
  return {
    ok: true,
    row: {
      commodity: commodity!,
      variety: clean(raw.variety) ?? null,
      market: market!,
      county: clean(raw.county) ?? null,
      date: date!,
      low: low!,
      avg: avg!,
      high: high!,
      unit: unit!,
      source: clean(raw.source) ?? null,
    },
  };
}

function checkDate(value: string | undefined, today: string, issues: string[]): string | null {
  const text = clean(value);
  if (!text) {
    issues.push('缺少日期 (date)');
    return null;
  }
  const day = parseDay(text);
  if (!day) {
    issues.push(`日期“${text}”无法识别，请写成 2026-11-08 这样的格式`);
    return null;
  }
  if (day > today) {
    issues.push(`日期 ${day} 在今天（${today}）之后，价格不能预先登记`);
    return null;
  }
  if (day < EARLIEST_DAY) {
    issues.push(`日期 ${day} 太早，请检查年份`);
    return null;
  }
  return day;
}

function checkPrice(value: string | undefined, label: string, issues: string[]): number | null {
  const text = clean(value)?.replace(/[,，\s]/g, '');
  if (!text) {
    issues.push(`缺少${label}`);
    return null;
  }
  if (!/^[-+]?(\d+\.?\d*|\.\d+)$/.test(text)) {
    issues.push(`${label}“${text}”不是数字`);
    return null;
  }
  const n = Number(text);
  if (n < 0) {
    issues.push(`${label}不能是负数（${text}）`);
    return null;
  }
  if (n > MAX_PRICE) {
    issues.push(`${label} ${text} 太大，请检查单位`);
    return null;
  }
  return n;
}

function checkUnit(value: string | undefined, issues: string[]): string | null {
  const text = clean(value)?.replace(/\s/g, '');
  if (!text) {
    issues.push('缺少单位 (unit)，如 元/斤');
    return null;
  }
  const unit = UNIT_ALIASES[text] ?? UNIT_ALIASES[text.toLowerCase()] ?? text;
  if (!(PRICE_UNITS as readonly string[]).includes(unit)) {
    issues.push(`单位“${text}”不认识，可用的单位：${PRICE_UNITS.join('、')}`);
    return null;
  }
  return unit;
}
