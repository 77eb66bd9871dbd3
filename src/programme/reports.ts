import type { Queryable } from '../db/pool.ts';
import { JINING_COUNTIES, normalizeCounty, type JiningCounty } from '../data/counties.ts';
import { chinaToday, parseDay } from '../data/fields.ts';

/** One 附件2 report as a person or a table gives it (numbers may still be anything). */
export interface ProgressReportInput {
  county: string;
  asOf: string;
  stationsBuilt: number;
  stationsStandard?: number | null;
  appDownloads?: number | null;
  officersTrained?: number | null;
  note?: string | null;
}

/** A checked report, ready to store. */
export interface ProgressReportRow {
  county: JiningCounty;
  asOf: string;
  stationsBuilt: number;
  stationsStandard: number | null;
  appDownloads: number | null;
  officersTrained: number | null;
  note: string | null;
}

export interface ProgressReport extends ProgressReportRow {
  id: string;
  source: 'api' | 'csv' | 'seed';
  reportedBy: string;
  createdAt: string;
}

/** The programme began with 2019; an earlier date is a typing mistake. */
export const PROGRAMME_START = '2019-01-01';
export const NOTE_MAX = 500;

export type ReportCheck = { ok: true; row: ProgressReportRow } | { ok: false; issues: string[] };

/**
 * Check a report against the calendar and the county's village count (a county cannot have more stations
 * than villages: one 益农信息社 per village). Every problem is named, in words the reporter can act on.
 */
export function checkProgressReport(
  input: ProgressReportInput,
  ctx: { today?: string; villages: ReadonlyMap<string, number> },
): ReportCheck {
  const issues: string[] = [];
  const county = normalizeCounty(input.county);
  if (!county) issues.push(`“${input.county}”不是济宁的县市区，应为 ${JINING_COUNTIES.join('、')} 之一`);
  const asOf = parseDay(input.asOf);
  const today = ctx.today ?? chinaToday();
  if (!asOf) issues.push(`日期“${input.asOf}”无法识别，请写成 2019-06-30 这样的格式`);
  else if (asOf > today) issues.push(`统计日期 ${asOf} 还没到（今天是 ${today}），不能填将来的日期`);
  else if (asOf < PROGRAMME_START) issues.push(`统计日期 ${asOf} 早于工程开始（2019 年），请检查年份`);
  const count = (value: unknown, label: string, required: boolean): number | null => {
    if (value === undefined || value === null || value === '') {
      if (required) issues.push(`缺少${label}`);
      return null;
    }
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      issues.push(`${label}“${String(value)}”应为整数`);
      return null;
    }
    if (value < 0) {
      issues.push(`${label}不能是负数（填的是 ${value}）`);
      return null;
    }
    return value;
  };
  const built = count(input.stationsBuilt, '已建益农信息社数', true);
  const standard = count(input.stationsStandard, '达到“六有”标准的数量', false);
  const downloads = count(input.appDownloads, 'APP 下载量', false);
  const trained = count(input.officersTrained, '培训考核合格的信息员人数', false);
  const villages = county ? ctx.villages.get(county) : undefined;
  if (built !== null && villages !== undefined && built > villages) {
    issues.push(`已建 ${built} 个超过了${county}的行政村数 ${villages} 个（每村一个益农信息社），请核对`);
  }
  if (built !== null && standard !== null && standard > built) {
    issues.push(`达到“六有”标准的 ${standard} 个不能多于已建的 ${built} 个`);
  }
  const note = input.note?.trim() || null;
  if (note && note.length > NOTE_MAX) issues.push(`备注最多 ${NOTE_MAX} 个字（现在 ${note.length} 个）`);
  if (issues.length) return { ok: false, issues };
  return {
    ok: true,
    row: {
      county: county!, asOf: asOf!, stationsBuilt: built!, stationsStandard: standard, appDownloads: downloads,
      officersTrained: trained, note,
    },
  };
}

/** Villages per county from the 附件1 table (county_targets). */
export async function villageCounts(q: Queryable): Promise<Map<string, number>> {
  const { rows } = await q.query<{ county: string; villages: number }>(
    'SELECT county, max(villages)::int AS villages FROM county_targets GROUP BY county',
  );
  return new Map(rows.map((r) => [r.county, r.villages]));
}

const COLUMNS = `id::text, county, as_of::text AS "asOf", stations_built AS "stationsBuilt",
  stations_standard AS "stationsStandard", app_downloads AS "appDownloads", officers_trained AS "officersTrained",
  note, source, reported_by_name AS "reportedBy", created_at AS "createdAt"`;

function toReport(r: any): ProgressReport {
  return { ...r, createdAt: new Date(r.createdAt).toISOString() };
}

/** Store checked reports (one statement: all or none); returns them with their ids. */
export async function insertProgressReports(
  q: Queryable,
  rows: readonly ProgressReportRow[],
  by: { source: ProgressReport['source']; userId?: string; name: string },
): Promise<ProgressReport[]> {
  if (!rows.length) return [];
  const { rows: out } = await q.query(
    `INSERT INTO progress_reports
       (county, as_of, stations_built, stations_standard, app_downloads, officers_trained, note, source, reported_by, reported_by_name)
     SELECT c, d, b, s, a, o, n, $8, $9, $10
       FROM unnest($1::text[], $2::date[], $3::int[], $4::int[], $5::int[], $6::int[], $7::text[]) AS u(c, d, b, s, a, o, n)
     RETURNING ${COLUMNS}`,
    [
      rows.map((r) => r.county), rows.map((r) => r.asOf), rows.map((r) => r.stationsBuilt),
      rows.map((r) => r.stationsStandard), rows.map((r) => r.appDownloads), rows.map((r) => r.officersTrained),
      rows.map((r) => r.note), by.source, by.userId ?? null, by.name,
    ],
  );
  return out.map(toReport);
}

/**
 * Each county's latest report on or before `asOf`: the latest date, and for one date the report filed
 * last (a correction replaces what it corrects).
 */
export async function latestReports(
  q: Queryable,
  opts: { asOf: string; counties?: readonly string[] },
): Promise<Map<string, ProgressReport>> {
  const { rows } = await q.query(
    `SELECT DISTINCT ON (county) ${COLUMNS} FROM progress_reports
      WHERE as_of <= $1::date AND ($2::text[] IS NULL OR county = ANY($2::text[]))
      ORDER BY county, as_of DESC, id DESC`,
    [opts.asOf, opts.counties ?? null],
  );
  return new Map(rows.map((r) => [r.county, toReport(r)]));
}

/** Every report kept, newest first (the history behind the chart of progress over time). */
export async function listProgressReports(
  q: Queryable,
  opts: { counties?: readonly string[]; limit?: number } = {},
): Promise<ProgressReport[]> {
  const { rows } = await q.query(
    `SELECT ${COLUMNS} FROM progress_reports
      WHERE ($1::text[] IS NULL OR county = ANY($1::text[]))
      ORDER BY as_of DESC, id DESC LIMIT $2`,
    [opts.counties ?? null, opts.limit ?? 1000],
  );
  return rows.map(toReport);
}
