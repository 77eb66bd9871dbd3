import type { Queryable } from '../db/pool.ts';
import { countyTargets, type CountyTargets, type PeriodTarget } from '../data/county-targets.ts';
import { chinaToday } from '../data/fields.ts';
import { latestReports, type ProgressReport } from './reports.ts';

/** What a county should have by a date: the latest deadline passed, or the first one ahead of it. */
export interface DueTarget {
  period: string;
  /** the deadline (last day of the period) */
  dueBy: string;
  /** running totals up to that deadline */
  stations: number;
  appDownloads: number;
  /** false: no deadline has passed yet, these are the first period's figures */
  passed: boolean;
}

/**
 * The 附件1 targets due by `asOf`. Periods' figures are increments, so the due figure is the running total
 * of the latest period ended on or before the date; before the first deadline, the first period's target
 * (what the county is working towards).
 */
export function dueTarget(periods: readonly PeriodTarget[], asOf: string): DueTarget | null {
  if (!periods.length) return null;
  const sorted = [...periods].sort((a, b) => a.ends.localeCompare(b.ends));
  const passed = sorted.filter((p) => p.ends <= asOf);
  const p = passed.length ? passed[passed.length - 1] : sorted[0];
  return {
    period: p.period, dueBy: p.ends, stations: p.stationsCumulative, appDownloads: p.appDownloadsCumulative,
    passed: passed.length > 0,
  };
}

export interface CountyProgressView {
  county: string;
  villages: number;
  /** the final target (all periods) */
  stationsTarget: number;
  stationsDue: number | null;
  stationsBuilt: number | null;
  /** built / due in percent, one decimal */
  percentOfTarget: number | null;
  appDownloadsDue: number | null;
  appDownloads: number | null;
  officersTrained: number | null;
  stationsStandard: number | null;
  /** the latest report's date (null: none yet) */
  asOf: string | null;
  dueBy: string | null;
  duePeriod: string | null;
  note: string | null;
  reportId: string | null;
  reportedBy: string | null;
}

export interface ProgressTotal {
  villages: number;
  stationsTarget: number;
  stationsDue: number;
  stationsBuilt: number;
  percentOfTarget: number | null;
  appDownloadsDue: number;
  appDownloads: number;
  officersTrained: number;
  stationsStandard: number;
  asOf: string;
  countiesReported: number;
  counties: number;
}

export const percent = (part: number, whole: number): number | null =>
  whole > 0 ? Math.round((part / whole) * 1000) / 10 : null;

/** One county's latest report against what was due by its date (or by `asOf` when it has none). */
export function compareWithTarget(t: CountyTargets, report: ProgressReport | undefined, asOf: string): CountyProgressView {
  const due = dueTarget(t.periods, report?.asOf ?? asOf);
  return {
    county: t.county,
    villages: t.villages,
    stationsTarget: t.totalStations,
    stationsDue: due?.stations ?? null,
    stationsBuilt: report?.stationsBuilt ?? null,
    percentOfTarget: report && due ? percent(report.stationsBuilt, due.stations) : null,
    appDownloadsDue: due?.appDownloads ?? null,
    appDownloads: report?.appDownloads ?? null,
    officersTrained: report?.officersTrained ?? null,
    stationsStandard: report?.stationsStandard ?? null,
    asOf: report?.asOf ?? null,
    dueBy: due?.dueBy ?? null,
    duePeriod: due?.period ?? null,
    note: report?.note ?? null,
    reportId: report?.id ?? null,
    reportedBy: report?.reportedBy ?? null,
  };
}

/** The 附件2 table as of a date: every county (or the given ones) with its latest report and its due figures. */
export async function progressAsOf(
  q: Queryable,
  opts: { asOf?: string; counties?: readonly string[] } = {},
): Promise<{ counties: CountyProgressView[]; total: ProgressTotal }> {
  const asOf = opts.asOf ?? chinaToday();
  const targets = (await countyTargets(q)).filter((t) => !opts.counties || opts.counties.includes(t.county));
  const latest = await latestReports(q, { asOf, counties: opts.counties });
  const counties = targets.map((t) => compareWithTarget(t, latest.get(t.county), asOf));
  const sum = (f: (c: CountyProgressView) => number | null) => counties.reduce((n, c) => n + (f(c) ?? 0), 0);
  const reported = counties.filter((c) => c.asOf);
  const total: ProgressTotal = {
    villages: sum((c) => c.villages),
    stationsTarget: sum((c) => c.stationsTarget),
    stationsDue: sum((c) => c.stationsDue),
    stationsBuilt: sum((c) => c.stationsBuilt),
    // Over the counties that reported: an unreported county's due figure would read as zero built.
    percentOfTarget: percent(sum((c) => c.stationsBuilt), reported.reduce((n, c) => n + (c.stationsDue ?? 0), 0)),
    appDownloadsDue: sum((c) => c.appDownloadsDue),
    appDownloads: sum((c) => c.appDownloads),
    officersTrained: sum((c) => c.officersTrained),
    stationsStandard: sum((c) => c.stationsStandard),
    asOf,
    countiesReported: reported.length,
    counties: counties.length,
  };
  return { counties, total };
}
