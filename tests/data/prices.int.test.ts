import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Database } from '../../src/db/pool.ts';
import {
  DataError, knownCommodities, latestPrice, pricesOn, seedStructuredData, upsertPrices, validatePriceRow,
  type PriceRow,
} from '../../src/data/index.ts';
import { readCsvTable } from '../../src/data/csv.ts';
import { addDays } from '../../src/data/fields.ts';
import { createTestDatabase } from '../helpers/database.ts';

const SEEDS = fileURLToPath(new URL('../../seeds', import.meta.url));

let db: Database;
/** The shipped rows, validated the way the seed does: the expectations come from the file, not from memory. */
let shipped: PriceRow[];

const seriesKey = (r: PriceRow) => `${r.commodity}|${r.variety ?? ''}|${r.market}`;

async function priceCount(): Promise<number> {
  const { rows } = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM prices');
  return rows[0].n;
}

// A made-up commodity with gaps on purpose, dated well in the past.
function row(market: string, county: string, date: string, avg: number): PriceRow {
  return {
    commodity: '试验蒜', variety: null, market, county, date,
    low: avg - 0.1, avg, high: avg + 0.1, unit: '元/斤', source: '测试',
  };
}
const SYNTHETIC: PriceRow[] = [
  ...['2026-10-01', '2026-10-05', '2026-10-09', '2026-10-10', '2026-10-12', '2026-10-19'].map((d, i) =>
    row('甲市场', '金乡县', d, 3 + i / 10),
  ),
  row('乙市场', '任城区', '2026-10-15', 2.5),
  row('乙市场', '任城区', '2026-10-18', 2.6),
  row('丙市场', '鱼台县', '2026-10-02', 2.9),
];

beforeAll(async () => {
  db = await createTestDatabase();
  // As of the files' own day (seeds/data/as-of.txt), so the rows read back are the rows written.
  await seedStructuredData(db, SEEDS, { now: new Date('2026-11-28T04:00:00Z') });
  const text = await readFile(`${SEEDS}/data/prices.csv`, 'utf8');
  shipped = readCsvTable(text, 'prices.csv').records.flatMap((r) => {
    const v = validatePriceRow(r.values, r.line);
    return v.ok ? [v.row] : [];
  });
  await upsertPrices(db.pool, SYNTHETIC);
});
afterAll(async () => {
  await db?.close();
});

describe('latestPrice on the shipped prices', () => {
  it('gives the newest day of a series and the change from a week before', async () => {
    expect(shipped.length).toBeGreaterThan(0);
    const series = shipped.filter((r) => seriesKey(r) === seriesKey(shipped[0]));
    const newest = series.reduce((a, b) => (b.date > a.date ? b : a));
    const weekDay = addDays(newest.date, -7);
    const week = series
      .filter((r) => r.date <= weekDay && r.date >= addDays(weekDay, -3))
      .sort((a, b) => b.date.localeCompare(a.date))[0];

    const got = await latestPrice(db.pool, {
      commodity: newest.commodity, variety: newest.variety ?? undefined, market: newest.market, onOrBefore: newest.date,
    });
    expect(got?.price).toEqual(newest);
    expect(got?.weekBefore ?? null).toEqual(week ?? null);
    if (week) {
      expect(got?.change?.avg).toBeCloseTo(newest.avg - week.avg, 2);
      expect(got?.change?.percent).toBeCloseTo(((newest.avg - week.avg) / week.avg) * 100, 1);
    }
  });

  it('answers a day with no price yet with the latest earlier day', async () => {
    const newest = shipped.reduce((a, b) => (b.date > a.date ? b : a));
    const got = await latestPrice(db.pool, {
      commodity: newest.commodity, variety: newest.variety ?? undefined, market: newest.market,
      onOrBefore: addDays(newest.date, 3),
    });
    expect(got?.price.date).toBe(newest.date);
  });

  it('lists every market of a day', async () => {
    const day = shipped[0].date;
    const expected = shipped.filter((r) => r.commodity === shipped[0].commodity && r.date === day);
    const got = await pricesOn(db.pool, { commodity: shipped[0].commodity, date: day });
    expect(got).toHaveLength(expected.length);
    expect(new Set(got.map(seriesKey))).toEqual(new Set(expected.map(seriesKey)));
  });

  it('knows every shipped series', async () => {
    const known = await knownCommodities(db.pool);
    const keys = new Set(known.map((k) => `${k.commodity}|${k.variety ?? ''}|${k.market}`));
    for (const r of shipped) expect(keys.has(seriesKey(r))).toBe(true);
    const first = known.find((k) => k.commodity === shipped[0].commodity && k.market === shipped[0].market)!;
    expect(first.latestDate).toBe(
      shipped.filter((r) => seriesKey(r) === seriesKey(shipped[0])).map((r) => r.date).sort().at(-1),
    );
  });
});

describe('latestPrice rules (made-up series with gaps)', () => {
  const ask = (over: object) => latestPrice(db.pool, { commodity: '试验蒜', ...over });

  it('falls back to the latest earlier day and compares with exactly a week before', async () => {
    const got = await ask({ market: '甲市场', onOrBefore: '2026-10-20' });
    expect(got?.price.date).toBe('2026-10-19');
    expect(got?.weekBefore?.date).toBe('2026-10-12');
    expect(got?.change).toEqual({ avg: 0.1, percent: 2.9 });
  });

  it('takes the nearest earlier day when the week-before day is missing, up to three days back', async () => {
    expect((await ask({ market: '甲市场', onOrBefore: '2026-10-17' }))?.weekBefore?.date).toBe('2026-10-05');
    // 10-10 − 7 = 10-03, missing; 10-01 is within three days of it.
    expect((await ask({ market: '甲市场', onOrBefore: '2026-10-11' }))?.weekBefore?.date).toBe('2026-10-01');
    // 10-05 − 7 = 09-28: nothing between 09-25 and 09-28.
    const lone = await ask({ market: '甲市场', onOrBefore: '2026-10-06' });
    expect(lone?.price.date).toBe('2026-10-05');
    expect(lone?.weekBefore).toBeNull();
    expect(lone?.change).toBeNull();
  });

  it('uses the market with the newest data unless a fresh one is in the asker\'s county', async () => {
    expect((await ask({ onOrBefore: '2026-10-20' }))?.price.market).toBe('甲市场');
    expect((await ask({ onOrBefore: '2026-10-20', county: '任城区' }))?.price).toMatchObject({
      market: '乙市场', date: '2026-10-18',
    });
    expect((await ask({ onOrBefore: '2026-10-20', county: '任城' }))?.price.market).toBe('乙市场');
    // 丙's only price is weeks older than the newest: the county's market is passed over.
    expect((await ask({ onOrBefore: '2026-10-20', county: '鱼台县' }))?.price.market).toBe('甲市场');
    expect((await ask({ onOrBefore: '2026-10-20', market: '乙' }))?.price.market).toBe('乙市场');
  });

  it('finds nothing before the first day, for an unknown commodity, or a market that has none', async () => {
    expect(await ask({ onOrBefore: '2026-09-30' })).toBeNull();
    expect(await latestPrice(db.pool, { commodity: '不存在的菜', onOrBefore: '2026-10-20' })).toBeNull();
    expect(await ask({ market: '丁市场', onOrBefore: '2026-10-20' })).toBeNull();
  });

  it('refuses a day it cannot read', async () => {
    await expect(ask({ onOrBefore: '十月二十日' })).rejects.toThrow(DataError);
  });
});

describe('upsertPrices', () => {
  it('is idempotent: importing the same rows again leaves the counts equal', async () => {
    const before = await priceCount();
    const again = await upsertPrices(db.pool, shipped, { batchSize: 7 });
    expect(again).toEqual({
      received: shipped.length, inserted: 0, updated: 0, unchanged: shipped.length, duplicates: 0,
    });
    const synthetic = await upsertPrices(db.pool, SYNTHETIC);
    expect(synthetic.unchanged).toBe(SYNTHETIC.length);
    expect(await priceCount()).toBe(before);
  });

  it('updates a changed figure in place, and folds repeats within one import', async () => {
    const before = await priceCount();
    const changed = { ...SYNTHETIC[0], avg: SYNTHETIC[0].avg + 0.05, high: SYNTHETIC[0].high + 0.05 };
    const fresh = row('甲市场', '金乡县', '2026-10-20', 3.6);
    const counts = await upsertPrices(db.pool, [SYNTHETIC[1], changed, fresh, fresh]);
    expect(counts).toEqual({ received: 4, inserted: 1, updated: 1, unchanged: 1, duplicates: 1 });
    expect(await priceCount()).toBe(before + 1);
    const got = await latestPrice(db.pool, { commodity: '试验蒜', market: '甲市场', onOrBefore: '2026-10-01' });
    expect(got?.price.avg).toBeCloseTo(changed.avg, 2);
  });

  it('lets the database refuse a row no validator checked', async () => {
    const bad = { ...row('甲市场', '金乡县', '2026-09-01', 3), low: 5 };
    await expect(upsertPrices(db.pool, [bad])).rejects.toThrow(/prices_range_check/);
  });
});
