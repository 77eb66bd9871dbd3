import type pg from 'pg';
import { withTransaction } from '../db/pool.ts';
import { chinaToday } from '../data/fields.ts';
import { checkProgressReport, insertProgressReports, villageCounts, type ProgressReportRow } from './reports.ts';
import { decodeTable, parseProgressTable, type TableEncoding } from './table-csv.ts';

/** The table could not be imported: every problem, by line; nothing was stored. */
export class ProgressTableError extends Error {
  readonly code = 'invalid_table';
  constructor(readonly issues: string[], readonly encoding: TableEncoding) {
    super(`表格没有导入（一行也没有存）：${issues.join('；')}`);
  }
}

export interface TableImport {
  encoding: TableEncoding;
  /** reports stored (0 with dryRun) */
  imported: number;
  rows: number;
  /** the same county and date more than once: the later line wins */
  duplicates: { county: string; asOf: string; lines: number[]; kept: number }[];
  dryRun: boolean;
}

/**
 * Import a whole 附件2 table: read (UTF-8 or GBK), check every row, and store all of it in one transaction
 * or, when any row is wrong, nothing. `counties` limits which counties the uploader may report for.
 */
export async function importProgressTable(
  pool: pg.Pool,
  bytes: Buffer,
  opts: { by: { userId?: string; name: string }; counties?: readonly string[]; today?: string; dryRun?: boolean },
): Promise<TableImport> {
  const { text, encoding } = decodeTable(bytes);
  const parsed = parseProgressTable(text);
  const issues = [...parsed.issues];
  if (!parsed.rows.length && !issues.length) issues.push('表格里没有数据行（第一行是表头，下面每行一个县市区）');
  const villages = await villageCounts(pool);
  const today = opts.today ?? chinaToday();
  const byKey = new Map<string, { row: ProgressReportRow; lines: number[] }>();
  for (const { line, input } of parsed.rows) {
    const check = checkProgressReport(input, { today, villages });
    if (!check.ok) {
      issues.push(`第 ${line} 行：${check.issues.join('，')}`);
      continue;
    }
    if (opts.counties && !opts.counties.includes(check.row.county)) {
      issues.push(`第 ${line} 行：只能填报${opts.counties.join('、')}的进度，不能填报${check.row.county}`);
      continue;
    }
    const key = `${check.row.county}|${check.row.asOf}`;
    const seen = byKey.get(key);
    byKey.set(key, { row: check.row, lines: [...(seen?.lines ?? []), line] });
  }
  if (issues.length) throw new ProgressTableError(issues, encoding);
  const rows = [...byKey.values()].map((v) => v.row);
  const duplicates = [...byKey.values()].filter((v) => v.lines.length > 1).map((v) => ({
    county: v.row.county, asOf: v.row.asOf, lines: v.lines, kept: v.lines[v.lines.length - 1],
  }));
  let imported = 0;
  if (!opts.dryRun) {
    imported = await withTransaction(pool, async (q) => (await insertProgressReports(q, rows, { source: 'csv', ...opts.by })).length);
  }
  return { encoding, imported, rows: parsed.rows.length, duplicates, dryRun: opts.dryRun ?? false };
}
