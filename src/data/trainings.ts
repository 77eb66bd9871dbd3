import type { Queryable } from '../db/pool.ts';
import { parseMoment } from './fields.ts';
import { checkCounty, checkText } from './post-fields.ts';

// The trainings table as structured data: what a training's start and capacity may be, and the shipped demo
// sessions (seeds/data/trainings.csv) that src/data/seed.ts loads. Creating, signing up and reminding are
// the station service's (src/services/trainings.ts).

export const MAX_CAPACITY = 10_000;

/** A start with its hour: an ISO timestamp, or "2026-12-05 09:00" read in China time. */
export function startMoment(value: string | Date): Date | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value;
  const text = String(value ?? '').trim();
  if (!/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(text)) return null;
  const zoned = /(Z|[+-]\d{2}:?\d{2})$/i.test(text) ? text : `${text.replace(' ', 'T')}+08:00`;
  return parseMoment(zoned, 'start');
}

export interface NewTrainingRow {
  topic: string;
  county: string;
  town: string | null;
  place: string;
  startsAt: Date;
  capacity: number;
}

/** One row of trainings.csv (topic,county,town,place,starts_at,capacity): the shipped demo sessions. */
export function validateTrainingRow(raw: Record<string, string | undefined>, lineNo: number): { ok: true; row: NewTrainingRow } | { ok: false; line: number; reason: string } {
  const issues: string[] = [];
  const topic = checkText(raw.topic, '培训主题', 50, issues, true);
  const county = checkCounty(raw.county, issues);
  const town = checkText(raw.town, '乡镇', 50, issues, false);
  const place = checkText(raw.place, '地点', 100, issues, true);
  const startsAt = startMoment(raw.starts_at ?? '');
  if (!startsAt) issues.push('开始时间 (starts_at) 应写成 2026-12-05 09:00');
  const capacity = Number(raw.capacity);
  if (!Number.isInteger(capacity) || capacity < 1 || capacity > MAX_CAPACITY) issues.push(`名额 (capacity) 应为 1 到 ${MAX_CAPACITY} 的整数`);
  if (issues.length) return { ok: false, line: lineNo, reason: issues.join('；') };
  return { ok: true, row: { topic: topic!, county: county!, town, place: place!, startsAt: startsAt!, capacity } };
}

export async function insertTrainings(q: Queryable, rows: readonly NewTrainingRow[]): Promise<number> {
  for (const r of rows) {
    await q.query(
      `INSERT INTO trainings (topic, county, town, place, starts_at, capacity, created_by) VALUES ($1, $2, $3, $4, $5, $6, '示例数据')`,
      [r.topic, r.county, r.town, r.place, r.startsAt, r.capacity],
    );
  }
  return rows.length;
}
