import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Database } from '../../src/db/pool.ts';
import {
  JINING_COUNTIES, countyTargets, findServicePoints, seedStructuredData,
} from '../../src/data/index.ts';
import { readCsvTable } from '../../src/data/csv.ts';
import { createTestDatabase } from '../helpers/database.ts';

const SEEDS = fileURLToPath(new URL('../../seeds', import.meta.url));

let db: Database;
let points: Record<string, string>[];

beforeAll(async () => {
  db = await createTestDatabase();
  await seedStructuredData(db, SEEDS);
  const text = await readFile(`${SEEDS}/data/service-points.csv`, 'utf8');
  points = readCsvTable(text, 'service-points.csv').records.map((r) => r.values);
});
afterAll(async () => {
  await db?.close();
});

describe('findServicePoints', () => {
  it('finds the shipped points of a county, town and village', async () => {
    const p = points[0];
    const inCounty = await findServicePoints(db.pool, { county: p.county.slice(0, -1) });
    expect(inCounty.map((x) => x.id).sort()).toEqual(points.filter((x) => x.county === p.county).map((x) => x.id).sort());
    const inVillage = await findServicePoints(db.pool, { county: p.county, town: p.town, village: p.village });
    expect(inVillage.map((x) => x.id)).toEqual(points.filter((x) => x.village === p.village && x.town === p.town).map((x) => x.id));
    expect(inVillage[0]).toMatchObject({ name: p.name, address: p.address, hours: p.hours });
    expect(inVillage[0].services.length).toBeGreaterThan(0);
  });

  it('filters by a service, and finds nothing for a place that has none', async () => {
    const service = points[0].services.split(/[|;；]/)[0].trim();
    const offering = await findServicePoints(db.pool, { service, limit: 1000 });
    expect(offering).toHaveLength(points.filter((x) => x.services.includes(service)).length);
    expect(offering.every((x) => x.services.some((s) => s.includes(service)))).toBe(true);
    expect(await findServicePoints(db.pool, { county: '任城区', village: '没有这个村' })).toEqual([]);
  });
});

// Figures from 附件1 of 济宁市信息进村入户工程整市推进实施方案 (2019, 济农字〔2019〕36号).
describe('countyTargets', () => {
  it('matches the plan for 任城区 and 邹城市', async () => {
    const [rencheng] = await countyTargets(db.pool, '任城区');
    expect(rencheng).toMatchObject({ county: '任城区', villages: 567, totalStations: 567 });
    expect(rencheng.periods.map((p) => [p.period, p.stationsTarget, p.appDownloadsTarget])).toEqual([
      ['2019H1', 227, 15_200],
      ['2019H2', 227, 30_400],
      ['2020', 113, 30_400],
    ]);
    expect(rencheng.periods[1]).toMatchObject({ ends: '2019-12-31', stationsCumulative: 454, appDownloadsCumulative: 45_600 });

    const [zoucheng] = await countyTargets(db.pool, '邹城');
    expect(zoucheng).toMatchObject({ villages: 858, totalStations: 858 });
    expect(zoucheng.periods[0]).toMatchObject({ period: '2019H1', stationsTarget: 343, appDownloadsTarget: 23_000 });
  });

  it('adds up to the plan\'s city totals', async () => {
    const all = await countyTargets(db.pool);
    expect(all.map((c) => c.county)).toEqual([...JINING_COUNTIES]);
    const sum = (f: (c: (typeof all)[number]) => number) => all.reduce((n, c) => n + f(c), 0);
    expect(sum((c) => c.villages)).toBe(6231);
    expect(sum((c) => c.totalStations)).toBe(6231);
    expect(sum((c) => c.periods.find((p) => p.period === '2019H1')!.stationsTarget)).toBe(2492);
    expect(sum((c) => c.periods.find((p) => p.period === '2019H2')!.stationsTarget)).toBe(2492);
    expect(sum((c) => c.periods.find((p) => p.period === '2020')!.stationsTarget)).toBe(1247);
    // 2019年上半年 … 手机APP下载量达到16.71万
    expect(sum((c) => c.periods.find((p) => p.period === '2019H1')!.appDownloadsTarget)).toBe(167_100);
  });

  it('returns nothing for a county it does not know', async () => {
    expect(await countyTargets(db.pool, '寿光市')).toEqual([]);
  });
});
