// The columns of a price file, as feeds and officers' spreadsheets spell them, folded into the names
// validatePriceRow reads.
const ALIASES: Record<string, string[]> = {
  commodity: ['commodity', '品名', '商品', '产品'],
  variety: ['variety', '品种', '规格'],
  market: ['market', '市场'],
  county: ['county', '区县', '县区', '县'],
  date: ['date', 'price_date', '日期'],
  low: ['low', 'min', '最低价'],
  avg: ['avg', 'average', 'mean', '均价', '平均价'],
  high: ['high', 'max', '最高价'],
  unit: ['unit', '单位'],
  source: ['source', '来源'],
};
const REQUIRED = ['commodity', 'market', 'date', 'low', 'avg', 'high', 'unit'];
const BY_SPELLING = new Map(Object.entries(ALIASES).flatMap(([canon, names]) => names.map((n) => [n, canon] as const)));

export const EXPECTED_COLUMNS = Object.keys(ALIASES).join(', ');

/** A header cell in the form it is compared in. */
export function headerKey(cell: string): string {
  return cell.replace(/^\uFEFF/, '').trim().toLowerCase().replace(/\s+/g, '_');
}

export type ColumnMap = { ok: true; columns: (string | null)[] } | { ok: false; reason: string };

/**
 * Map a header to the canonical columns (null for a column we don't use). A file missing a required column,
 * or naming one twice, is refused whole: every row would be wrong the same way.
 */
export function mapColumns(header: readonly string[]): ColumnMap {
  const keys = header.map(headerKey);
  const columns = keys.map((k) => BY_SPELLING.get(k) ?? null);
  const seen = new Set<string>();
  for (const c of columns) {
    if (!c) continue;
    if (seen.has(c)) return { ok: false, reason: `表头里 ${c}（${ALIASES[c].join('/')}）出现了两次，请只留一列` };
    seen.add(c);
  }
  const missing = REQUIRED.filter((c) => !seen.has(c));
  if (missing.length) {
    const shown = keys.filter(Boolean).slice(0, 12).join(', ') || '（空）';
    return {
      ok: false,
      reason: `表头缺少列 ${missing.join(', ')}；文件的表头是：${shown}；应有的列：${EXPECTED_COLUMNS}（均价可写 avg 或 average）`,
    };
  }
  return { ok: true, columns };
}

/** One record's values under the canonical names; numbers from JSON become text for the validator. */
export function valuesOf(columns: readonly (string | null)[], cells: readonly unknown[]): Record<string, string | undefined> {
  const values: Record<string, string | undefined> = {};
  columns.forEach((c, i) => {
    if (!c) return;
    const v = cells[i];
    values[c] = v === null || v === undefined ? undefined : typeof v === 'object' ? JSON.stringify(v) : String(v);
  });
  return values;
}
