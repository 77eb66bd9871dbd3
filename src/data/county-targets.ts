import type { Queryable } from '../db/pool.ts';
import { JINING_COUNTIES, normalizeCounty } from './counties.ts';
import type { RowResult } from './errors.ts';
import { clean } from './fields.ts';
import { checkCounty, countyFilter } from './post-fields.ts';

/** One county's target for one period, as stored. Each period's figures are that period's increment. */
export interface CountyTargetRow {
  county: string;
  /** 2019H1, 2019H2, 2020 */
  period: string;
  villages: number;
  stationsTarget: number;
  /** A count of downloads (the plan writes 万: 1.52 → 15200). */
  appDownloadsTarget: number;
}

export interface PeriodTarget {
  period: string;
  /** Last day of the period (YYYY-MM-DD). */
  ends: string;
  stationsTarget: number;
  appDownloadsTarget: number;
  /** Running totals up to and including this period. */
  stationsCumulative: number;
  appDownloadsCumulative: number;
}

export interface CountyTargets {
  county: string;
  villages: number;
  periods: PeriodTarget[];
  /** Final targets: the sums over all periods. */
  totalStations: number;
  totalAppDownloads: number;
}

const PERIOD = /^(\d{4})(H[12])?$/;

/** One row of county-targets.csv (county,villages,period,stations_target,app_downloads_target). */
export function validateCountyTargetRow(
  raw: Record<string, string | undefined>,
  lineNo: number,
): RowResult<CountyTargetRow> {
  const issues: string[] = [];
  const county = checkCounty(raw.county, issues);
  const period = clean(raw.period)?.toUpperCase();
  if (!period) issues.push('缺少时段 (period)，如 2019H1');
  else if (!PERIOD.test(period)) issues.push(`时段“${period}”不对，应写成 2019H1、2019H2 或 2020`);
  const villages = wholeNumber(raw.villages, '村数 (villages)', issues);
  const stationsTarget = wholeNumber(raw.stations_target, '益农信息社任务数 (stations_target)', issues);
  const appDownloadsTarget = downloads(raw.app_downloads_target, issues);
  if (issues.length) return { ok: false, line: lineNo, reason: issues.join('；') };
  return {
    ok: true,
    row: { county: county!, period: period!, villages: villages!, stationsTarget: stationsTarget!, appDownloadsTarget: appDownloadsTarget! },
  };
}

function wholeNumber(value: string | undefined, label: string, issues: string[]): number | null {
  const text = clean(value);
  if (!text) {
    issues.push(`缺少${label}`);
    return null;
  }
  if (!/^\d{1,9}$/.test(text)) {
    issues.push(`${label}“${text}”应为不小于 0 的整数`);
    return null;
  }
  return Number(text);
}

// The plan's annex gives downloads in 万 (1.52 = 15,200); a trailing 万 says so too. A figure of 1000 or
// more can't be 万 (that would be ten million downloads for one county), so it is read as a plain count.
function downloads(value: string | undefined, issues: string[]): number | null {
  const text = clean(value)?.replace(/\s/g, '');
  if (!text) {
    issues.push('缺少 APP 下载任务数 (app_downloads_target)');
    return null;
  }
  const m = /^(\d+(?:\.\d+)?)(万)?$/.exec(text);
  if (!m) {
    issues.push(`APP 下载任务数“${text}”不是数字`);
    return null;
  }
  const n = Number(m[1]);
  if (m[2] || n < 1000) return Math.round(n * 10_000);
  if (!Number.isInteger(n)) {
    issues.push(`APP 下载任务数“${text}”应为整数（或以万为单位的小数，如 1.52）`);
    return null;
  }
  return n;
}

/** Insert or replace targets by (county, period); returns how many were written. */
export async function upsertCountyTargets(q: Queryable, rows: readonly CountyTargetRow[]): Promise<number> {
  if (!rows.length) return 0;
  const unique = [...new Map(rows.map((r) => [`${r.county}|${r.period}`, r])).values()];
  const { rowCount } = await q.query(
    `INSERT INTO county_targets (county, period, villages, stations_target, app_downloads_target)
     SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::int[], $5::int[])
     ON CONFLICT (county, period) DO UPDATE
       SET villages = EXCLUDED.villages, stations_target = EXCLUDED.stations_target,
           app_downloads_target = EXCLUDED.app_downloads_target`,
    [unique.map((r) => r.county), unique.map((r) => r.period), unique.map((r) => r.villages),
      unique.map((r) => r.stationsTarget), unique.map((r) => r.appDownloadsTarget)],
  );
  return rowCount ?? 0;
}

/** Per-county targets with each period and the totals, in the plan's county order. */
export async function countyTargets(q: Queryable, county?: string): Promise<CountyTargets[]> {
  const { rows } = await q.query<CountyTargetRow>(
    `SELECT county, period, villages, stations_target AS "stationsTarget",
            app_downloads_target AS "appDownloadsTarget"
     FROM county_targets
     WHERE ($1::text IS NULL OR county = $1)
     ORDER BY county, period`,
    [countyFilter(county)],
  );
  const byCounty = new Map<string, CountyTargets>();
  for (const r of rows) {
    let c = byCounty.get(r.county);
    if (!c) {
      c = { county: r.county, villages: 0, periods: [], totalStations: 0, totalAppDownloads: 0 };
      byCounty.set(r.county, c);
    }
    c.villages = Math.max(c.villages, r.villages);
    c.totalStations += r.stationsTarget;
    c.totalAppDownloads += r.appDownloadsTarget;
    c.periods.push({
      period: r.period,
      ends: periodEnd(r.period),
      stationsTarget: r.stationsTarget,
      appDownloadsTarget: r.appDownloadsTarget,
      stationsCumulative: c.totalStations,
      appDownloadsCumulative: c.totalAppDownloads,
    });
  }
  return [...byCounty.values()].sort((a, b) => countyRank(a.county) - countyRank(b.county));
}

/** Last day of a period: 2019H1 → 2019-06-30, 2019H2 and 2020 → the year's end. */
export function periodEnd(period: string): string {
  const m = PERIOD.exec(period);
  if (!m) return `${period.slice(0, 4)}-12-31`;
  return m[2] === 'H1' ? `${m[1]}-06-30` : `${m[1]}-12-31`;
}

function countyRank(county: string): number {
  const i = JINING_COUNTIES.indexOf(normalizeCounty(county) ?? ('' as never));
  return i < 0 ? JINING_COUNTIES.length : i;
}
