import { parse } from 'csv-parse/sync';
import type { RejectedRow } from './errors.ts';

export interface CsvRecord {
  /** Line in the file where the record ends (its only line, unless a quoted field spans lines). */
  line: number;
  values: Record<string, string>;
}

export interface CsvTable {
  header: string[];
  records: CsvRecord[];
  /** Rows that can't be read as records of this header (wrong column count). */
  rejected: RejectedRow[];
}

/**
 * A CSV file as records keyed by its header (lower-cased, trimmed). Quoted fields, a BOM and CRLF are handled
 * by csv-parse; blank lines are skipped without losing line numbers, so rejections point at the real line.
 */
export function readCsvTable(text: string, fileLabel: string): CsvTable {
  let parsed: Array<{ record: string[]; info: { lines: number } }>;
  try {
    parsed = parse(text, {
      bom: true, skip_empty_lines: true, trim: true, relax_column_count: true, info: true,
    }) as unknown as Array<{ record: string[]; info: { lines: number } }>;
  } catch (err) {
    throw new Error(`${fileLabel}: CSV 格式有误：${(err as Error).message}`, { cause: err });
  }
  if (!parsed.length) return { header: [], records: [], rejected: [] };
  const header = parsed[0].record.map((h) => h.trim().toLowerCase());
  const records: CsvRecord[] = [];
  const rejected: RejectedRow[] = [];
  for (const { record, info } of parsed.slice(1)) {
    if (record.length !== header.length) {
      rejected.push({
        where: `${fileLabel}:${info.lines}`,
        reason: `这一行有 ${record.length} 列，表头有 ${header.length} 列（含逗号的内容请加英文双引号）`,
      });
      continue;
    }
    records.push({ line: info.lines, values: Object.fromEntries(header.map((h, i) => [h, record[i]])) });
  }
  return { header, records, rejected };
}
