import iconv from 'iconv-lite';
import { readCsvTable } from '../data/csv.ts';
import type { CountyProgressView, ProgressTotal } from './progress.ts';
import type { ProgressReportInput } from './reports.ts';

/** The 附件2 columns as exported; an upload may use these headers or the English field names. */
const EXPORT_HEADER = [
  '县（市、区）', '统计截止日期', '村民委员会数量（个）', '益农信息社任务总数（个）', '截至该日应完成（个）',
  '已建成益农信息社（个）', '完成率（%）', '其中达到“六有”标准（个）', 'APP下载量应达到（次）', 'APP下载量（次）',
  '信息员培训考核合格（人）', '备注',
];

const cell = (v: string | number | null | undefined): string => {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** The table as CSV: UTF-8 with a BOM and CRLF, so Excel opens the Chinese correctly. */
export function progressTableCsv(table: { counties: CountyProgressView[]; total: ProgressTotal }): string {
  const lines = [EXPORT_HEADER.map(cell).join(',')];
  for (const c of table.counties) {
    lines.push([
      c.county, c.asOf, c.villages, c.stationsTarget, c.stationsDue, c.stationsBuilt, c.percentOfTarget,
      c.stationsStandard, c.appDownloadsDue, c.appDownloads, c.officersTrained, c.note,
    ].map(cell).join(','));
  }
  const t = table.total;
  lines.push([
    '合计', t.asOf, t.villages, t.stationsTarget, t.stationsDue, t.stationsBuilt, t.percentOfTarget, t.stationsStandard,
    t.appDownloadsDue, t.appDownloads, t.officersTrained, `${t.countiesReported}/${t.counties} 个县市区已填报`,
  ].map(cell).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

export type TableEncoding = 'UTF-8' | 'GBK';

/**
 * The bytes of an uploaded table as text. UTF-8 (with or without BOM) is read as such; anything that is not
 * valid UTF-8 is read as GBK (GB18030), which is what Excel on a Chinese Windows saves — and the caller is
 * told which was used.
 */
export function decodeTable(bytes: Buffer): { text: string; encoding: TableEncoding } {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, ''), encoding: 'UTF-8' };
  } catch {
    return { text: iconv.decode(bytes, 'gb18030'), encoding: 'GBK' };
  }
}

type Field = keyof ProgressReportInput;
/** Header words → field; the first match wins, so the specific ones come first (六有 before 已建). */
const HEADER_WORDS: [RegExp, Field][] = [
  [/^(county|县|县市区|县（市、区）|县\(市、区\)|县市区名称)$/, 'county'],
  [/as_?of|截止|日期|时间/, 'asOf'],
  [/六有|standard/, 'stationsStandard'],
  [/已建|建成|stations_?built|built/, 'stationsBuilt'],
  [/下载|downloads/, 'appDownloads'],
  [/信息员|培训|officers/, 'officersTrained'],
  [/备注|note/, 'note'],
];
// Computed columns of our own export (targets, 完成率, villages): read back, they are ignored.
const IGNORED = /应完成|应达到|任务|完成率|村民委员会|行政村|due|target|percent|villages/i;

function fieldOf(header: string): Field | undefined {
  const h = header.replace(/\s/g, '').toLowerCase();
  if (IGNORED.test(h)) return undefined;
  return HEADER_WORDS.find(([re]) => re.test(h))?.[1];
}

export interface ParsedTableRow {
  line: number;
  input: ProgressReportInput;
}

/** A number as a table writes it: "1,200", "2.3万", "" (none). Anything else stays text, to be refused by name. */
function tableNumber(raw: string | undefined): number | string | null {
  const s = raw?.replace(/[\s,，]/g, '') ?? '';
  if (!s) return null;
  const m = /^(-?\d+(?:\.\d+)?)(万)?$/.exec(s);
  if (!m) return s;
  return m[2] ? Math.round(Number(m[1]) * 10_000) : Number(m[1]);
}

/**
 * The rows of an uploaded 附件2 table (our own export, or a county's own sheet with the same headings).
 * The 合计 row and blank rows are skipped; columns that are computed (targets, 完成率) are ignored.
 */
export function parseProgressTable(text: string): { rows: ParsedTableRow[]; issues: string[] } {
  const table = readCsvTable(text, '表格');
  const issues = table.rejected.map((r) => `第 ${r.where.split(':').pop()} 行：${r.reason}`);
  const fields = new Map<string, Field>();
  for (const h of table.header) {
    const f = fieldOf(h);
    if (f && ![...fields.values()].includes(f)) fields.set(h, f);
  }
  const have = new Set(fields.values());
  const missing = (['county', 'asOf', 'stationsBuilt'] as const).filter((f) => !have.has(f));
  if (missing.length) {
    const names = { county: '县（市、区）', asOf: '统计截止日期', stationsBuilt: '已建成益农信息社' };
    issues.push(`表头缺少“${missing.map((m) => names[m]).join('”“')}”列（第一行应为表头，可先导出一份作为模板）`);
    return { rows: [], issues };
  }
  const rows: ParsedTableRow[] = [];
  for (const r of table.records) {
    const get = (f: Field) => {
      for (const [h, field] of fields) if (field === f) return r.values[h];
      return undefined;
    };
    const county = get('county')?.trim() ?? '';
    if (!county || /^(合计|总计|全市)/.test(county)) continue;
    rows.push({
      line: r.line,
      input: {
        county, asOf: get('asOf') ?? '',
        stationsBuilt: tableNumber(get('stationsBuilt')) as number,
        stationsStandard: tableNumber(get('stationsStandard')) as number | null,
        appDownloads: tableNumber(get('appDownloads')) as number | null,
        officersTrained: tableNumber(get('officersTrained')) as number | null,
        note: get('note') ?? null,
      },
    });
  }
  return { rows, issues };
}
