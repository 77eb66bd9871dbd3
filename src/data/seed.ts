import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { withTransaction, type Database, type Queryable } from '../db/pool.ts';
import { upsertCountyTargets, validateCountyTargetRow } from './county-targets.ts';
import { readCsvTable, type CsvRecord } from './csv.ts';
import { daysSince, readAsOf, shiftRecords } from './demo-days.ts';
import { type RejectedRow, type RowResult } from './errors.ts';
import { chinaToday } from './fields.ts';
import { insertLaborPosts, validateLaborRow } from './labor.ts';
import { validatePriceRow } from './price-row.ts';
import { upsertPrices } from './prices.ts';
import { upsertServicePoints, validateServicePointRow } from './service-points.ts';
import { insertSupplyPosts, validateSupplyRow } from './supply.ts';
import { insertMachineryPosts, validateMachineryRow } from './machinery.ts';
import { loadMachineWords } from './machine-words.ts';
import { insertTrainings, validateTrainingRow } from './trainings.ts';

export interface TableSeedResult {
  table: string;
  /** The file, relative to the working directory (as it appears in rejections). */
  file: string;
  /** loaded: the table was empty and the file was read; not-empty and no-file: nothing done. */
  status: 'loaded' | 'not-empty' | 'no-file' | 'failed';
  loaded: number;
  rejected: RejectedRow[];
  /** Why the whole file failed (unreadable CSV, a missing column, a database error, an unreadable as-of.txt). */
  error?: string;
  /** Days the file's dates were moved by (seeds/data/as-of.txt to the seeding day); 0 for files without dates. */
  shiftedDays: number;
}

type Loaded = { loaded: number; rejected: RejectedRow[] };

interface TableSeed {
  table: string;
  file: string;
  /** Every one of these must be in the header (any one of a group of aliases). */
  columns: string[][];
  /** Its date and timestamp columns: moved from the reference day (as-of.txt) to the seeding day. */
  dates: string[];
  load(q: Queryable, records: CsvRecord[], label: string, now: Date, seedsDir: string): Promise<Loaded>;
}

// Advisory lock namespace for seeding (the migrator uses 72_114_001): two instances starting together must
// not both find a table empty and both fill it.
const SEED_LOCK = 72_114_002;

const TABLES: TableSeed[] = [
  {
    table: 'prices',
    file: 'prices.csv',
    dates: ['date', 'price_date'],
    columns: [['commodity'], ['market'], ['date', 'price_date'], ['low'], ['avg'], ['high'], ['unit']],
    async load(q, records, label, now) {
      const today = chinaToday(now);
      const { rows, rejected } = checkRows(records, label, (v, line) => validatePriceRow(v, line, { today }));
      const counts = await upsertPrices(q, rows);
      return { loaded: counts.inserted + counts.updated, rejected };
    },
  },
  {
    table: 'labor_posts',
    file: 'labor-posts.csv',
    dates: ['expires_at', 'posted_at'],
    columns: [['kind'], ['county'], ['contact'], ['title', 'what', 'work']],
    async load(q, records, label, now) {
      const { rows, rejected } = checkRows(records, label, (v, line) => validateLaborRow(v, line, now));
      return { loaded: await insertLaborPosts(q, rows), rejected };
    },
  },
  {
    table: 'supply_posts',
    file: 'supply-posts.csv',
    dates: ['expires_at', 'posted_at'],
    columns: [['kind'], ['commodity'], ['county'], ['contact']],
    async load(q, records, label, now) {
      const { rows, rejected } = checkRows(records, label, (v, line) => validateSupplyRow(v, line, now));
      return { loaded: await insertSupplyPosts(q, rows), rejected };
    },
  },
  {
    table: 'machinery_posts',
    file: 'machinery-posts.csv',
    dates: ['available_from', 'available_to', 'expires_at', 'posted_at'],
    columns: [['side'], ['machine'], ['county'], ['contact']],
    async load(q, records, label, now, seedsDir) {
      const words = await loadMachineWords(seedsDir);
      const { rows, rejected } = checkRows(records, label, (v, line) => validateMachineryRow(v, line, words, now));
      return { loaded: await insertMachineryPosts(q, rows), rejected };
    },
  },
  {
    table: 'trainings',
    file: 'trainings.csv',
    dates: ['starts_at'],
    columns: [['topic'], ['county'], ['place'], ['starts_at'], ['capacity']],
    async load(q, records, label) {
      const { rows, rejected } = checkRows(records, label, validateTrainingRow);
      return { loaded: await insertTrainings(q, rows), rejected };
    },
  },
  {
    table: 'service_points',
    file: 'service-points.csv',
    dates: [],
    columns: [['id'], ['name'], ['county']],
    async load(q, records, label) {
      const { rows, rejected } = checkRows(records, label, validateServicePointRow);
      return { loaded: await upsertServicePoints(q, rows), rejected };
    },
  },
  {
    table: 'county_targets',
    file: 'county-targets.csv',
    dates: [],
    columns: [['county'], ['period'], ['villages'], ['stations_target'], ['app_downloads_target']],
    async load(q, records, label) {
      const { rows, rejected } = checkRows(records, label, validateCountyTargetRow);
      return { loaded: await upsertCountyTargets(q, rows), rejected };
    },
  },
];

/**
 * Load each CSV of `<seedsDir>/data` into its table, but only while that table is empty (first start), so
 * data entered or imported since is never overwritten. One transaction per table; a bad row is reported
 * with file:line and its reason and skipped, and never stops the good ones. The demo files are written as of
 * the day in `<seedsDir>/data/as-of.txt`: their dates move by the whole days from it to `now`'s day in China
 * (none without that file).
 */
export async function seedStructuredData(
  db: Database,
  seedsDir: string,
  opts: { now?: Date } = {},
): Promise<TableSeedResult[]> {
  const now = opts.now ?? new Date();
  const results: TableSeedResult[] = [];
  const asOf = await readAsOf(path.join(seedsDir, 'data'));
  const shift = 'error' in asOf || asOf.day === null ? 0 : daysSince(asOf.day, now);
  for (const spec of TABLES) {
    const abs = path.join(seedsDir, 'data', spec.file);
    const label = path.relative(process.cwd(), abs) || abs;
    const shiftedDays = spec.dates.length ? shift : 0;
    const result: TableSeedResult = { table: spec.table, file: label, status: 'loaded', loaded: 0, rejected: [], shiftedDays };
    results.push(result);
    if ('error' in asOf && spec.dates.length) {
      // Dates of unknown reference would be loaded stale or misplaced: the dated files wait for a readable day.
      result.status = 'failed';
      result.error = asOf.error;
      continue;
    }
    let text: string;
    try {
      text = await readFile(abs, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        result.status = 'failed';
        result.error = `${label}: 读取失败：${(err as Error).message}`;
      } else {
        result.status = 'no-file';
      }
      continue;
    }
    try {
      const csv = readCsvTable(text, label);
      const missing = spec.columns.filter((group) => !group.some((c) => csv.header.includes(c)));
      if (missing.length) {
        throw new Error(`${label}: 表头缺少列 ${missing.map((g) => g.join('/')).join('、')}`);
      }
      await withTransaction(db.pool, async (client) => {
        await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [SEED_LOCK, spec.table]);
        // spec.table is one of the constants above, never input.
        const { rows } = await client.query<{ filled: boolean }>(`SELECT EXISTS (SELECT 1 FROM ${spec.table}) AS filled`);
        if (rows[0].filled) {
          result.status = 'not-empty';
          return;
        }
        const records = shiftRecords(csv.records, spec.dates, shiftedDays);
        const { loaded, rejected } = await spec.load(client, records, label, now, seedsDir);
        result.loaded = loaded;
        result.rejected = [...csv.rejected, ...rejected].sort((a, b) => lineOf(a) - lineOf(b));
      });
    } catch (err) {
      result.status = 'failed';
      result.error = (err as Error).message;
    }
  }
  return results;
}

function checkRows<T>(
  records: CsvRecord[],
  label: string,
  validate: (values: Record<string, string | undefined>, line: number) => RowResult<T>,
): { rows: T[]; rejected: RejectedRow[] } {
  const rows: T[] = [];
  const rejected: RejectedRow[] = [];
  for (const r of records) {
    const result = validate(r.values, r.line);
    if (result.ok) rows.push(result.row);
    else rejected.push({ where: `${label}:${result.line}`, reason: result.reason });
  }
  return { rows, rejected };
}

function lineOf(r: RejectedRow): number {
  return Number(r.where.slice(r.where.lastIndexOf(':') + 1));
}
