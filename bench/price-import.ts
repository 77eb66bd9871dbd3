/**
 * npx tsx bench/price-import.ts — import a generated price file of BENCH_PRICE_ROWS rows (default 100,000)
 * through the price import job's file importer (scan + hash, stream, validate, upsert, record), then the
 * same file again (recognised, not re-read) and a changed copy (every row updated).
 * PGlite always; a PostgreSQL server too with BENCH_DATABASE_URL (in a throw-away schema).
 * Target (issue 7): 100,000 rows ≤ 10 s on the server.
 */
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { addDays } from '../src/data/fields.ts';
import { chinaToday } from '../src/data/index.ts';
import { openDatabase, type Database } from '../src/db/pool.ts';
import { migrate } from '../src/db/migrate.ts';
import { importPriceFile } from '../src/jobs/index.ts';

const ROWS = Number(process.env.BENCH_PRICE_ROWS ?? 100_000);
const COMMODITIES = ['大蒜', '生姜', '大葱', '白菜', '黄瓜', '西红柿', '土豆', '玉米', '小麦', '大豆', '花生', '苹果', '梨', '桃', '葡萄', '生猪', '鸡蛋', '草鱼', '鲤鱼', '辣椒'];
const MARKETS = ['金乡大蒜国际交易市场', '鱼台农贸市场', '嘉祥批发市场', '汶上农产品市场', '泗水集贸市场', '梁山批发市场', '微山湖水产市场', '兖州农贸市场', '曲阜批发市场', '邹城农产品市场'];

async function writeFeed(file: string, rows: number, bump: number): Promise<number> {
  const today = chinaToday();
  const lines = ['commodity,variety,market,county,date,low,avg,high,unit,source'];
  const perDay = COMMODITIES.length * MARKETS.length;
  for (let i = 0; i < rows; i++) {
    const c = COMMODITIES[i % COMMODITIES.length];
    const m = MARKETS[Math.floor(i / COMMODITIES.length) % MARKETS.length];
    const day = addDays(today, -1 - Math.floor(i / perDay));
    const avg = 1 + ((i * 7919) % 500) / 100 + bump;
    lines.push(`${c},,${m},,${day},${(avg - 0.2).toFixed(2)},${avg.toFixed(2)},${(avg + 0.2).toFixed(2)},元/斤,基准测试`);
  }
  await writeFile(file, lines.join('\n'));
  return (await stat(file)).size;
}

async function bench(name: string, open: () => Promise<Database>, dir: string) {
  const db = await open();
  try {
    await migrate(db);
    const file = path.join(dir, 'feed.csv');
    const changed = path.join(dir, 'feed-changed.csv');
    const bytes = await writeFeed(file, ROWS, 0);
    await writeFeed(changed, ROWS, 0.5);
    const opts = { source: 'drop' as const, maxBytes: 1024 * 1024 * 1024 };
    global.gc?.();
    const rss0 = process.memoryUsage().rss;
    let rssPeak = rss0;
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 20);
    let t = performance.now();
    const first = await importPriceFile(db, file, { ...opts, name: 'feed.csv' });
    const firstSeconds = (performance.now() - t) / 1000;
    clearInterval(sampler);
    const rssPeakMb = Math.round((rssPeak - rss0) / 1024 / 1024);
    t = performance.now();
    const again = await importPriceFile(db, file, { ...opts, name: 'feed-again.csv' });
    const againSeconds = (performance.now() - t) / 1000;
    t = performance.now();
    const update = await importPriceFile(db, changed, { ...opts, name: 'feed-changed.csv' });
    const updateSeconds = (performance.now() - t) / 1000;
    const row = {
      engine: name, rows: ROWS, fileMb: +(bytes / 1024 / 1024).toFixed(1),
      firstImport: { seconds: +firstSeconds.toFixed(2), rowsPerSecond: Math.round(ROWS / firstSeconds), inserted: first.rows.inserted, rejected: first.rows.rejected, peakRssGrowthMb: rssPeakMb },
      sameFileAgain: { seconds: +againSeconds.toFixed(2), status: again.status },
      everyRowChanged: { seconds: +updateSeconds.toFixed(2), updated: update.rows.updated },
    };
    console.log(JSON.stringify(row));
    return row;
  } finally {
    await db.close();
  }
}

const dir = await mkdtemp(path.join(os.tmpdir(), 'yinong-bench-prices-'));
const summary: Record<string, unknown> = { machine: `${os.cpus().length} cores, node ${process.version}` };
try {
  if (!process.env.BENCH_SKIP_PGLITE) summary.pglite = await bench('pglite', () => openDatabase({ dataDir: 'memory://' }), dir);
  const url = process.env.BENCH_DATABASE_URL;
  if (url) {
    const schema = `bench_prices_${process.pid}`;
    summary.postgres = await bench('postgres', async () => {
      const db = await openDatabase({ url, schema, poolSize: 4 });
      return { ...db, close: async () => { await db.pool.query(`DROP SCHEMA ${schema} CASCADE`); await db.close(); } };
    }, dir);
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
console.log(JSON.stringify(summary, null, 2));
