import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Database } from '../../src/db/pool.ts';
import {
  DataError, closeExpiredPosts, closePost, createLaborPost, createSupplyPost, normalizeCounty, normalizePhone,
  searchLaborPosts,
  searchSupplyPosts, seedStructuredData,
} from '../../src/data/index.ts';
import { readCsvTable } from '../../src/data/csv.ts';
import { chinaDayEnd, parseDay } from '../../src/data/fields.ts';
import { createTestDatabase } from '../helpers/database.ts';

const SEEDS = fileURLToPath(new URL('../../seeds', import.meta.url));
const DAY = 86_400_000;

let db: Database;
type Shipped = Record<string, string>;
let labor: Shipped[];
let supply: Shipped[];
/** "Now" as of the demo data: the morning after the newest post, so the shipped mix of live and expired holds. */
let now: Date;

async function shippedRows(file: string): Promise<Shipped[]> {
  const text = await readFile(`${SEEDS}/data/${file}`, 'utf8');
  return readCsvTable(text, file).records.map((r) => r.values);
}

/** A shipped expiry day lasts to its end, China time. */
function expiresOf(r: Shipped): Date {
  return chinaDayEnd(parseDay(r.expires_at)!);
}

async function count(table: 'labor_posts' | 'supply_posts'): Promise<number> {
  const { rows } = await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
  return rows[0].n;
}

beforeAll(async () => {
  db = await createTestDatabase();
  // As of the files' own day (seeds/data/as-of.txt), so the rows read back are the rows written.
  await seedStructuredData(db, SEEDS, { now: new Date('2026-11-28T04:00:00Z') });
  labor = await shippedRows('labor-posts.csv');
  supply = await shippedRows('supply-posts.csv');
  const newestPosted = [...labor, ...supply].map((r) => parseDay(r.posted_at)!).sort().at(-1)!;
  now = new Date(chinaDayEnd(newestPosted).getTime() + 2 * 3_600_000);
});
afterAll(async () => {
  await db?.close();
});

describe('searchLaborPosts', () => {
  it('never returns an expired post, and returns every live one, newest first', async () => {
    const live = labor.filter((r) => expiresOf(r) > now);
    const expired = labor.filter((r) => expiresOf(r) <= now);
    expect(live.length).toBeGreaterThan(0);
    const got = await searchLaborPosts(db.pool, { now, limit: 100 });
    expect(got).toHaveLength(live.length);
    for (const p of got) expect(p.expiresAt.getTime()).toBeGreaterThan(now.getTime());
    expect(expired.length).toBeGreaterThan(0);
    const key = (title: string, contact: string) => `${title}|${contact}`;
    const shippedKey = (r: Shipped) => {
      const phone = normalizePhone(r.contact);
      return key(r.title, phone.ok ? phone.phone : r.contact);
    };
    expect(new Set(got.map((p) => key(p.title, p.contact)))).toEqual(new Set(live.map(shippedKey)));
    const posted = got.map((p) => p.postedAt.getTime());
    expect(posted).toEqual([...posted].sort((a, b) => b - a));
  });

  it('returns nothing once everything has expired', async () => {
    const later = new Date(Math.max(...labor.map((r) => expiresOf(r).getTime())) + 1);
    expect(await searchLaborPosts(db.pool, { now: later, limit: 100 })).toEqual([]);
  });

  it('filters by county (short names too), town prefix, kind and words', async () => {
    const live = labor.filter((r) => expiresOf(r) > now);
    const county = live[0].county;
    const short = county.slice(0, -1);
    const inCounty = await searchLaborPosts(db.pool, { now, limit: 100, county: short });
    expect(inCounty).toHaveLength(live.filter((r) => r.county === county).length);
    expect(inCounty.every((p) => p.county === normalizeCounty(short))).toBe(true);

    const town = live[0].town;
    const inTown = await searchLaborPosts(db.pool, { now, limit: 100, town: town.slice(0, 2) });
    expect(inTown.length).toBe(live.filter((r) => r.town.startsWith(town.slice(0, 2))).length);

    const seeking = await searchLaborPosts(db.pool, { now, limit: 100, kind: 'seeking' });
    expect(seeking).toHaveLength(live.filter((r) => r.kind === 'seeking').length);

    const word = live[0].title.slice(0, 2);
    const withWord = await searchLaborPosts(db.pool, { now, limit: 100, text: word });
    const hay = (r: Shipped) => [r.title, r.what, r.pay, r.town, r.village].join(' ');
    expect(withWord).toHaveLength(live.filter((r) => hay(r).includes(word)).length);
    expect(await searchLaborPosts(db.pool, { now, limit: 100, text: `${word} 不可能出现的词` })).toEqual([]);

    expect(await searchLaborPosts(db.pool, { now, limit: 1 })).toHaveLength(1);
    expect(await searchLaborPosts(db.pool, { now, limit: 100, county: '北京' })).toEqual([]);
  });
});

describe('createLaborPost', () => {
  const input = {
    kind: '招工', title: '收白菜', work: '砍白菜、装车', county: '汶上县', town: '康驿镇', quantity: 6,
    pay: '150元/天', contact: '0537-7234567', postedBy: 'officer:test',
  };

  it('stores a valid post that then shows in searches, live for 30 days by default', async () => {
    const post = await createLaborPost(db.pool, input, { now });
    expect(post).toMatchObject({ kind: 'hiring', county: '汶上县', quantity: 6, status: 'active', postedBy: 'officer:test' });
    expect(post.expiresAt.getTime() - now.getTime()).toBe(30 * DAY);
    const found = await searchLaborPosts(db.pool, { now, limit: 100, text: '白菜' });
    expect(found.map((p) => p.id)).toContain(post.id);
    const after = await searchLaborPosts(db.pool, { now: new Date(now.getTime() + 31 * DAY), limit: 100, text: '白菜' });
    expect(after.map((p) => p.id)).not.toContain(post.id);
  });

  it('refuses a bad post with every reason, and writes nothing', async () => {
    const before = await count('labor_posts');
    const attempt = createLaborPost(
      db.pool,
      { ...input, contact: '12345', expiresAt: new Date(now.getTime() - DAY), county: '寿光' },
      { now },
    );
    await expect(attempt).rejects.toThrow(DataError);
    const err = (await attempt.catch((e: unknown) => e)) as DataError;
    expect(err.code).toBe('invalid_data');
    expect(err.issues).toHaveLength(3);
    expect(err.message).toMatch(/不是济宁的县.*联系电话.*有效期已经过了/);
    expect(await count('labor_posts')).toBe(before);
  });
});

describe('supply posts', () => {
  it('never returns an expired post; filters by commodity and kind', async () => {
    const live = supply.filter((r) => expiresOf(r) > now);
    const all = await searchSupplyPosts(db.pool, { now, limit: 100 });
    expect(all).toHaveLength(live.length);
    for (const p of all) expect(p.expiresAt.getTime()).toBeGreaterThan(now.getTime());

    const commodity = live[0].commodity;
    const sells = await searchSupplyPosts(db.pool, { now, limit: 100, commodity, kind: 'sell' });
    expect(sells).toHaveLength(live.filter((r) => r.commodity === commodity && r.kind === 'sell').length);
  });

  it('creates a valid post and refuses one without a usable contact', async () => {
    const post = await createSupplyPost(
      db.pool,
      { kind: '出售', commodity: '山药', variety: '铁棍山药', county: '嘉祥', quantity: '2吨', price: '4元/斤', contact: '13912345678' },
      { now },
    );
    expect(post).toMatchObject({ kind: 'sell', county: '嘉祥县', price: '4元/斤', status: 'active' });
    expect((await searchSupplyPosts(db.pool, { now, limit: 10, text: '铁棍' })).map((p) => p.id)).toEqual([post.id]);
    await expect(
      createSupplyPost(db.pool, { kind: 'sell', commodity: '山药', county: '嘉祥县', contact: '' }, { now }),
    ).rejects.toThrow('缺少联系电话');
  });
});

describe('closing posts', () => {
  it('closes exactly the expired posts of both tables, once', async () => {
    const closed = await closeExpiredPosts(db.pool, now);
    expect(closed).toEqual({
      labor: labor.filter((r) => expiresOf(r) <= now).length,
      supply: supply.filter((r) => expiresOf(r) <= now).length,
    });
    expect(await closeExpiredPosts(db.pool, now)).toEqual({ labor: 0, supply: 0 });
    const { rows } = await db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM labor_posts WHERE status = 'active' AND expires_at <= $1`,
      [now],
    );
    expect(rows[0].n).toBe(0);
  });

  it('takes one post down so searches skip it', async () => {
    const [first] = await searchLaborPosts(db.pool, { now, limit: 1 });
    expect(await closePost(db.pool, 'labor', first.id, now)).toBe(true);
    expect((await searchLaborPosts(db.pool, { now, limit: 100 })).map((p) => p.id)).not.toContain(first.id);
    expect(await closePost(db.pool, 'labor', first.id, now)).toBe(false);
    expect(await closePost(db.pool, 'supply', 'not-a-uuid')).toBe(false);
  });
});
