// The roll-out of the 2019 plan: county targets (附件1, in src/data) against the progress reports the
// city and county bureaus file (附件2).
import type { Queryable } from '../db/pool.ts';
import { normalizeCounty } from '../data/counties.ts';
import { progressAsOf, type CountyProgressView } from './progress.ts';
import { describeProgress } from './sentence.ts';

export { checkProgressReport, insertProgressReports, latestReports, listProgressReports, villageCounts, PROGRAMME_START,
  type ProgressReport, type ProgressReportInput, type ProgressReportRow } from './reports.ts';
export { compareWithTarget, dueTarget, percent, progressAsOf, type CountyProgressView, type DueTarget, type ProgressTotal } from './progress.ts';
export { chineseDate, describeProgress, wan } from './sentence.ts';
export { decodeTable, parseProgressTable, progressTableCsv } from './table-csv.ts';
export { importProgressTable, ProgressTableError, type TableImport } from './import.ts';

/** A county's latest report as the bot says it. */
export interface ReportedProgress extends CountyProgressView {
  /** “截至2019年6月30日，邹城市已建300个，占上半年任务343个的87%。” */
  sentence: string;
}

/**
 * The latest progress report of one county (or of every county that has reported), each with the sentence
 * the farmer-facing answer uses. Empty when nothing has been reported.
 */
export async function latestCountyProgress(q: Queryable, county?: string): Promise<ReportedProgress[]> {
  const name = county ? normalizeCounty(county) : undefined;
  if (county && !name) return [];
  const { counties } = await progressAsOf(q, { counties: name ? [name] : undefined });
  return counties.flatMap((c) => {
    const sentence = describeProgress(c);
    return sentence ? [{ ...c, sentence }] : [];
  });
}
export { countyCells, measuresAsked, periodLabel, periodsAsked, type Measure, type PeriodsAsked } from './cells.ts';
export { loadPlanFacts, matchPlanFacts, parsePlanFacts, planFactAnswer, planFactPicks, type PlanFact, type PlanFactMatch } from './plan-facts.ts';
export { asksAmount } from './focus.ts';
export { matchConfidence, planFeatures, PLAN_CALIBRATION, PLAN_FEATURES, type PlanCalibration } from './plan-confidence.ts';
