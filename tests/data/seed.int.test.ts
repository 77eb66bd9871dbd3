import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Database } from '../../src/db/pool.ts';
import { seedStructuredData, type TableSeedResult } from '../../src/data/index.ts';
import { readCsvTable } from '../../src/data/csv.ts';
import { createTestDatabase } from '../helpers/database.ts';

const SEEDS = fileURLToPath(new URL('../../seeds', import.meta.url));
const FILES: Record<string, string> = {
  prices: 'prices.csv',
  labor_posts: 'labor-posts.csv',
  supply_posts: 'supply-posts.csv',
  service_points: 'service-points.csv',
  county_targets: 'county-targets.csv',
};

let db: Database;
let first: TableSeedResult[];

async function count(table: string): Promise<number> {
  // table names come from FILES above
  const { rows } = await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
  return rows[0].n;
}

beforeAll(async () => {
  db = await createTestDatabase();
  first = await seedStructuredData(db, SEEDS);
});
afterAll(async () => {
  await db?.close();
});

describe('seedStructuredData', () => {
  it('loads every shipped file into its empty table and rejects none of the shipped rows', async () => {
    for (const [table, file] of Object.entries(FILES)) {
      const result = first.find((r) => r.table === table)!;
      const text = await readFile(path.join(SEEDS, 'data', file), 'utf8').catch(() => null);
      if (text === null) {
        expect(result.status).toBe('no-file');
        continue;
      }
      const rows = readCsvTable(text, file).records.length;
      expect(result, table).toMatchObject({ status: 'loaded', rejected: [], loaded: rows });
      expect(result.file).toMatch(new RegExp(`data/${file}$`));
      expect(await count(table)).toBe(rows);
    }
    expect(first.find((r) => r.table === 'county_targets')!.loaded).toBeGreaterThan(0);
  });

  it('leaves filled tables alone on the next start', async () => {
    const before = await Promise.all(Object.keys(FILES).map(count));
    const again = await seedStructuredData(db, SEEDS);
    for (const r of again) expect(['not-empty', 'no-file']).toContain(r.status);
    expect(again.every((r) => r.loaded === 0)).toBe(true);
    expect(await Promise.all(Object.keys(FILES).map(count))).toEqual(before);
  });

  it('reports bad rows with file:line and a reason, and still loads the good ones', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'yinong-seed-'));
    try {
      await mkdir(path.join(dir, 'data'));
      await writeFile(
        path.join(dir, 'data', 'prices.csv'),
        [
          'commodity,variety,market,county,date,low,avg,high,unit,source',
          '大蒜,,测试市场,金乡县,2026-11-20,3.00,3.10,3.20,元/斤,测试',
          '大蒜,,测试市场,金乡县,2026-11-21,-1,3.10,3.20,元/斤,测试',
          '',
          '大蒜,,测试市场,金乡县,2026-11-29,3.00,3.10,3.20,元/斤,测试',
          '大蒜,,测试市场,金乡县,2026-11-22,3.00,3.10',
          '"大蒜",,"测试市场, 二号",金乡县,2026-11-22,3.00,3.10,3.20,元/斤,测试',
          '大蒜,,测试市场,金乡县,2026-11-23,3.30,3.10,3.20,元/筐,测试',
        ].join('\n'),
      );
      await writeFile(
        path.join(dir, 'data', 'labor-posts.csv'),
        [
          'kind,title,what,county,town,village,quantity,pay,contact,expires_at,posted_at',
          'hiring,摘黄瓜,采摘黄瓜,鱼台县,张黄镇,后孙村,5人,70元/半天,13800009001,2026-12-10,2026-11-25',
          'hiring,摘黄瓜,采摘黄瓜,鱼台县,张黄镇,后孙村,5人,70元/半天,1380000,2026-12-10,2026-11-25',
          'hiring,摘黄瓜,采摘黄瓜,寿光市,,,5人,70元/半天,13800009003,2026-12-10,2026-11-25',
        ].join('\n'),
      );
      // A file without a column it needs fails as a whole, and says which.
      await writeFile(path.join(dir, 'data', 'service-points.csv'), 'id,county\nYN-1,任城区\n');
      await db.pool.query('TRUNCATE prices, labor_posts, service_points');

      const results = await seedStructuredData(db, dir, { now: new Date('2026-11-28T04:00:00Z') });
      const prices = results.find((r) => r.table === 'prices')!;
      const label = prices.file;
      expect(prices.status).toBe('loaded');
      expect(prices.loaded).toBe(2);
      expect(prices.rejected.map((r) => r.where)).toEqual([`${label}:3`, `${label}:5`, `${label}:6`, `${label}:8`]);
      const reasons = Object.fromEntries(prices.rejected.map((r) => [r.where.split(':').pop(), r.reason]));
      expect(reasons['6']).toContain('有 7 列，表头有 10 列');
      expect(reasons['3']).toContain('不能是负数');
      expect(reasons['5']).toContain('之后');
      expect(reasons['8']).toMatch(/最低价 ≤ 均价 ≤ 最高价.*单位“元\/筐”不认识/);
      expect(await count('prices')).toBe(2);

      const labor = results.find((r) => r.table === 'labor_posts')!;
      expect(labor.loaded).toBe(1);
      expect(labor.rejected).toEqual([
        { where: `${labor.file}:3`, reason: expect.stringContaining('联系电话') },
        { where: `${labor.file}:4`, reason: expect.stringContaining('不是济宁的县') },
      ]);

      const points = results.find((r) => r.table === 'service_points')!;
      expect(points.status).toBe('failed');
      expect(points.error).toContain('name');
      expect(await count('service_points')).toBe(0);

      expect(results.find((r) => r.table === 'county_targets')!.status).toBe('no-file');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
