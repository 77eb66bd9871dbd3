import { once } from 'node:events';
import { mkdtemp, rm, truncate, utimes, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { chinaToday } from '../../src/data/index.ts';
import { addDays } from '../../src/data/fields.ts';
import type { Database } from '../../src/db/pool.ts';
import { importPriceFile, importPrices, priceImportCounts, recentFiles, type FileReport } from '../../src/jobs/index.ts';
import { priceImportJob, type PriceImportDeps } from '../../src/jobs/price-import/index.ts';
import { JobFailure } from '../../src/jobs/scheduler.ts';
import { createTestDatabase } from '../helpers/database.ts';

let db: Database;
let dir: string;
const today = chinaToday();
const day = (n: number) => addDays(today, n);
const HEADER = 'commodity,variety,market,county,date,low,avg,high,unit,source';

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.close();
});
beforeEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = await mkdtemp(path.join(os.tmpdir(), 'yinong-drop-'));
});

const deps = (over: Partial<PriceImportDeps> = {}): PriceImportDeps => ({
  db, dropDir: dir, maxBytes: 64 * 1024 * 1024, feedTimeoutMs: 5000, settleSeconds: 0, ...over,
});

async function pricesOf(commodity: string): Promise<{ market: string; date: string; avg: number }[]> {
  const { rows } = await db.pool.query(
    `SELECT market, price_date::text AS date, avg::float8 AS avg FROM prices WHERE commodity = $1 ORDER BY price_date, market`,
    [commodity],
  );
  return rows;
}

const fileNamed = (r: { files: FileReport[] }, name: string) => r.files.find((f) => f.name === name);

describe('price import from the drop folder', () => {
  it('imports the valid rows of a file and rejects the others with file, line and reason', async () => {
    await writeFile(path.join(dir, 'mixed.csv'), [
      HEADER,
      `测试蒜,白蒜,金乡市场,金乡县,${day(-2)},3.1,3.3,3.5,元/斤,县农业局`,
      `测试蒜,白蒜,金乡市场,金乡县,${day(-1)},3.2,3.4,3.6,元/斤,县农业局`,
      `测试蒜,白蒜,金乡市场,金乡县,${day(-3)},-1,3.0,3.2,元/斤,县农业局`,
      `测试蒜,白蒜,金乡市场,金乡县,${day(5)},3.2,3.4,3.6,元/斤,县农业局`,
      `测试蒜,白蒜,金乡市场,金乡县,${day(-4)},3.2,3.4`,
      '',
      `测试蒜,白蒜,鱼台市场,鱼台县,2026/2/30,3.2,3.4,3.6,元/斤,县农业局`,
      `"测试蒜","白蒜, 红皮",鱼台市场,鱼台县,${day(-1)},3.0,3.1,3.2,元/公斤,县农业局`,
    ].join('\r\n'));
    const report = await importPrices(deps());
    const f = fileNamed(report, 'mixed.csv')!;
    expect(f.status).toBe('imported');
    expect(f.rows).toMatchObject({ total: 7, inserted: 3, rejected: 4 });
    expect(f.rejections.map((r) => r.where)).toEqual(['mixed.csv:4', 'mixed.csv:5', 'mixed.csv:6', 'mixed.csv:8']);
    expect(f.rejections[0].reason).toContain('不能是负数');
    expect(f.rejections[1].reason).toMatch(/在今天.*之后/);
    expect(f.rejections[2].reason).toContain('这一行有 7 列，表头有 10 列');
    expect(f.rejections[3].reason).toContain('无法识别');
    expect(await pricesOf('测试蒜')).toEqual([
      { market: '金乡市场', date: day(-2), avg: 3.3 },
      { market: '金乡市场', date: day(-1), avg: 3.4 },
      { market: '鱼台市场', date: day(-1), avg: 3.1 },
    ]);
    const [stored] = await recentFiles(db.pool, 1);
    expect(stored).toMatchObject({ source: 'drop', name: 'mixed.csv', status: 'imported', rowsTotal: 7, rowsImported: 3, rowsRejected: 4 });
    expect(stored.rejections).toHaveLength(4);
    expect(priceImportCounts(report)).toMatchObject({ filesImported: 1, rowsInserted: 3, rowsRejected: 4 });
  });

  it('imports a file once: unchanged files are skipped, the same bytes under another name too', async () => {
    const text = [HEADER, `一次蒜,,金乡市场,金乡县,${day(-1)},1,2,3,元/斤,`].join('\n');
    await writeFile(path.join(dir, 'once.csv'), text);
    expect(fileNamed(await importPrices(deps()), 'once.csv')?.status).toBe('imported');
    await db.pool.query(`UPDATE prices SET avg = 2.5 WHERE commodity = '一次蒜'`);
    const again = await importPrices(deps());
    expect(again).toMatchObject({ files: [], unchanged: 1 });
    await writeFile(path.join(dir, 'copy-of-once.csv'), text);
    expect(fileNamed(await importPrices(deps()), 'copy-of-once.csv')?.status).toBe('already-imported');
    expect((await pricesOf('一次蒜'))[0].avg).toBe(2.5);
  });

  it('refuses a GBK file whole, saying which encoding it looks like and what to do', async () => {
    const gbk = (...bytes: number[]) => Buffer.from(bytes);
    await writeFile(path.join(dir, 'excel-export.csv'), Buffer.concat([
      Buffer.from(`commodity,market,date,low,avg,high,unit\nGBK-ok,market,${day(-1)},1,2,3,元/斤\n`, 'utf8'),
      gbk(0xb4, 0xf3, 0xcb, 0xe2), Buffer.from(','), gbk(0xbd, 0xf0, 0xcf, 0xe7), Buffer.from(`,${day(-1)},1,2,3,`),
      gbk(0xd4, 0xaa), Buffer.from('/'), gbk(0xbd, 0xef), Buffer.from('\n'),
    ]));
    const f = fileNamed(await importPrices(deps()), 'excel-export.csv')!;
    expect(f.status).toBe('rejected');
    expect(f.error).toMatch(/不是 UTF-8 编码，看起来是 GBK.*第 3 行起.*CSV UTF-8/);
    expect(await pricesOf('GBK-ok')).toEqual([]);
    // Refused once, not retried every tick while unchanged.
    expect(await importPrices(deps())).toMatchObject({ files: [], unchanged: 1 });
  });

  it('refuses wrong columns, naming what is missing and what the file has', async () => {
    await writeFile(path.join(dir, 'wrong.csv'), 'name,price,place\n大蒜,3.3,金乡\n');
    const f = fileNamed(await importPrices(deps()), 'wrong.csv')!;
    expect(f).toMatchObject({ status: 'rejected' });
    expect(f.error).toContain('表头缺少列 commodity, market, date, low, avg, high, unit');
    expect(f.error).toContain('文件的表头是：name, price, place');
  });

  it('refuses broken and binary files whole, and reads Chinese headers, JSON and JSON Lines', async () => {
    await writeFile(path.join(dir, 'a-quote.csv'), `${HEADER}\n"引号蒜,,市场,,${day(-1)},1,2,3,元/斤,\n引号蒜,,市场,,${day(-2)},1,2,3,元/斤,\n`);
    await writeFile(path.join(dir, 'b-binary.csv'), Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0x08, 0x00]));
    await writeFile(path.join(dir, 'c-empty.csv'), '');
    await writeFile(path.join(dir, 'd-table.xlsx'), 'not really a spreadsheet');
    await writeFile(path.join(dir, 'e-chinese.csv'), `\uFEFF品名,品种,市场,区县,日期,最低价,均价,最高价,单位,来源\n中文蒜,,金乡市场,金乡县,${day(-1)},1,2,3,元/斤,信息员\n`);
    await writeFile(path.join(dir, 'f-feed.json'), JSON.stringify({
      prices: [
        { commodity: 'JSON蒜', market: '金乡市场', date: day(-1), low: 1.5, average: 2, high: 2.5, unit: '元/斤' },
        'not an object',
        { commodity: 'JSON蒜', market: '金乡市场', date: day(-2), low: 3, average: 2, high: 2.5, unit: '元/斤' },
      ],
    }));
    await writeFile(path.join(dir, 'g-lines.jsonl'), [
      JSON.stringify({ commodity: '行蒜', market: '金乡市场', date: day(-1), low: '1', avg: '2', high: '3', unit: '元/斤' }),
      '{"commodity": "行蒜", broken',
      '',
      JSON.stringify({ commodity: '行蒜', market: '鱼台市场', date: day(-1), low: 1, avg: 2, high: 3, unit: '元/千克' }),
    ].join('\n'));
    await writeFile(path.join(dir, '.hidden.csv'), 'ignored');
    await writeFile(path.join(dir, 'h-upload.csv.part'), 'ignored');
    const r = await importPrices(deps());
    expect(r.files.map((f) => [f.name, f.status])).toEqual([
      ['a-quote.csv', 'rejected'], ['b-binary.csv', 'rejected'], ['c-empty.csv', 'rejected'], ['d-table.xlsx', 'rejected'],
      ['e-chinese.csv', 'imported'], ['f-feed.json', 'imported'], ['g-lines.jsonl', 'imported'],
    ]);
    expect(fileNamed(r, 'a-quote.csv')!.error).toBe('CSV 格式有误：引号没有闭合：从第 2 行开始的引号到文件末尾也没有结束');
    expect(fileNamed(r, 'b-binary.csv')!.error).toContain('NUL 字节');
    expect(fileNamed(r, 'c-empty.csv')!.error).toContain('空的');
    expect(fileNamed(r, 'd-table.xlsx')!.error).toContain('不支持的文件类型');
    expect(await pricesOf('引号蒜')).toEqual([]);
    expect(await pricesOf('中文蒜')).toHaveLength(1);
    expect(fileNamed(r, 'f-feed.json')!.rejections.map((x) => x.where)).toEqual(['f-feed.json:2', 'f-feed.json:3']);
    expect(await pricesOf('JSON蒜')).toEqual([{ market: '金乡市场', date: day(-1), avg: 2 }]);
    expect(fileNamed(r, 'g-lines.jsonl')!.rejections).toEqual([{ where: 'g-lines.jsonl:2', reason: expect.stringContaining('不是一个 JSON 对象') }]);
    expect(await pricesOf('行蒜')).toHaveLength(2);
  });

  it('refuses a 100 MB file by its size without reading it, and leaves files still being written', async () => {
    const big = path.join(dir, 'huge.csv');
    await writeFile(big, `${HEADER}\n`);
    await truncate(big, 100 * 1024 * 1024); // sparse: instant, and would be 100 MB of NULs if read
    const t0 = performance.now();
    const f = fileNamed(await importPrices(deps()), 'huge.csv')!;
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(f).toMatchObject({ status: 'rejected' });
    expect(f.error).toMatch(/100\.0 MB，超过上限 64\.0 MB（PRICE_IMPORT_MAX_MB）/);

    await writeFile(path.join(dir, 'fresh.csv'), `${HEADER}\n新蒜,,市场,,${day(-1)},1,2,3,元/斤,\n`);
    const r = await importPrices(deps({ settleSeconds: 3600 }));
    expect(r).toMatchObject({ files: [], notReady: 2 }); // huge.csv is fresh too
    const past = new Date(Date.now() - 2 * 3600_000);
    await utimes(path.join(dir, 'fresh.csv'), past, past);
    expect(fileNamed(await importPrices(deps({ settleSeconds: 3600 })), 'fresh.csv')?.status).toBe('imported');
  });

  it('never half-imports: a run stopped mid-file leaves nothing, and the next run imports it all', async () => {
    const rows = Array.from({ length: 30_000 }, (_, i) => `中断蒜,${i},市场${i % 7},,${day(-1 - (i % 30))},1,2,3,元/斤,`);
    await writeFile(path.join(dir, 'big.csv'), [HEADER, ...rows].join('\n'));
    const stop = new AbortController();
    const pending = importPriceFile(db, path.join(dir, 'big.csv'), {
      source: 'drop', name: 'big.csv', maxBytes: 64 * 1024 * 1024, signal: stop.signal, batchSize: 1000,
    });
    setTimeout(() => stop.abort(new Error('stopping')), 30);
    await expect(pending).rejects.toThrow();
    expect(await pricesOf('中断蒜')).toEqual([]);
    expect(await recentFiles(db.pool, 100)).not.toContainEqual(expect.objectContaining({ name: 'big.csv' }));
    const f = fileNamed(await importPrices(deps()), 'big.csv')!;
    expect(f.rows).toMatchObject({ total: 30_000, inserted: 30_000, rejected: 0 });
  });
});

describe('price import from the feed URL', () => {
  let server: http.Server;
  let base: string;
  let respond: (res: http.ServerResponse) => void;
  beforeAll(async () => {
    server = http.createServer((_req, res) => respond(res));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('imports what the feed serves once, and fails the run (keeping counts) when the feed is down', async () => {
    const body = `${HEADER}\n远程蒜,,金乡市场,金乡县,${day(-1)},1,2,3,元/斤,省平台\n远程蒜,,金乡市场,金乡县,${day(-2)},-1,2,3,元/斤,省平台\n`;
    respond = (res) => res.writeHead(200, { 'content-type': 'text/csv; charset=utf-8' }).end(body);
    const feedUrl = `${base}/prices/today`;
    const first = await importPrices(deps({ dropDir: undefined, feedUrl }));
    expect(first.files).toEqual([expect.objectContaining({ name: feedUrl, status: 'imported', rows: expect.objectContaining({ inserted: 1, rejected: 1 }) })]);
    expect(first.files[0].rejections[0].where).toBe(`${feedUrl}:3`);
    expect((await importPrices(deps({ dropDir: undefined, feedUrl }))).files[0].status).toBe('already-imported');

    respond = (res) => res.writeHead(503).end('maintenance');
    const job = priceImportJob(deps({ feedUrl }));
    await writeFile(path.join(dir, 'local.csv'), `${HEADER}\n本地蒜,,金乡市场,金乡县,${day(-1)},1,2,3,元/斤,\n`);
    const { rows: [run] } = await db.pool.query(`INSERT INTO job_runs (job, instance) VALUES ('price-import', 'test') RETURNING id`);
    const failure = await job({ job: 'price-import', slot: null, runId: String(run.id), signal: new AbortController().signal, log: () => {} })
      .then(() => null, (err: unknown) => err);
    expect(failure).toBeInstanceOf(JobFailure);
    expect((failure as JobFailure).message).toContain('返回 HTTP 503');
    expect((failure as JobFailure).counts).toMatchObject({ filesImported: 1 });
    expect(await pricesOf('本地蒜')).toHaveLength(1);
    expect((await recentFiles(db.pool, 1))[0]).toMatchObject({ name: 'local.csv', jobRunId: String(run.id) });
  });

  it('stops downloading at the size limit, whatever the feed declares', async () => {
    const line = `超大蒜,,金乡市场,金乡县,${day(-1)},1,2,3,元/斤,\n`;
    respond = (res) => {
      res.writeHead(200, { 'content-type': 'text/csv' });
      res.write(`${HEADER}\n`);
      for (let i = 0; i < 2000; i++) res.write(line);
      res.end();
    };
    const r = await importPrices(deps({ dropDir: undefined, feedUrl: `${base}/big.csv`, maxBytes: 10_000 }));
    expect(r.files).toEqual([]);
    expect(r.failures[0]).toMatch(/超过上限 10000 字节.*已停止下载/);
    respond = (res) => res.writeHead(200, { 'content-type': 'text/csv', 'content-length': '50000000' }).end();
    const declared = await importPrices(deps({ dropDir: undefined, feedUrl: `${base}/declared.csv`, maxBytes: 10_000 }));
    expect(declared.failures[0]).toMatch(/50000000 字节，超过上限/);
    expect(await pricesOf('超大蒜')).toEqual([]);
  });
});
