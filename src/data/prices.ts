import type { Queryable } from '../db/pool.ts';
import { DataError } from './errors.ts';
import { chinaToday, clean, parseDay } from './fields.ts';
import type { PriceRow } from './price-row.ts';

export interface PriceQuery {
  commodity: string;
  /** Exact variety, or part of one ("5.5厘米" finds "金乡白蒜 5.5厘米"); an exact match ranks first. */
  variety?: string;
  /** Exact market, or part of its name; when absent, the market with the newest data is used. */
  market?: string;
  /** The asker's county: a market there is preferred if its data is no more than a week older than the newest. */
  county?: string;
  /** YYYY-MM-DD; default today in China. */
  onOrBefore?: string;
}

export interface LatestPrice {
  price: PriceRow;
  /** Same commodity, variety and market, 7 days earlier (or the nearest earlier day, up to 10 days back). */
  weekBefore: PriceRow | null;
  /** avg − weekBefore.avg in yuan, and as a percentage of weekBefore.avg (one decimal). */
  change: { avg: number; percent: number | null } | null;
}

const ROW_COLUMNS = `commodity, variety, market, county, price_date::text AS date,
  low::float8 AS low, avg::float8 AS avg, high::float8 AS high, unit, source`;

/**
 * The newest price at or before a day, and the price a week before it for the same series. The search is
 * bounded to the week below the newest matching day, so one lookup stays an index range scan however long
 * the history grows.
 */
export async function latestPrice(q: Queryable, query: PriceQuery): Promise<LatestPrice | null> {
  const commodity = clean(query.commodity);
  if (!commodity) return null;
  const day = query.onOrBefore ? parseDay(query.onOrBefore) : chinaToday();
  if (!day) throw new DataError([`日期“${query.onOrBefore}”无法识别，请写成 2026-11-08 这样的格式`]);
  const { rows } = await q.query<Record<string, unknown>>(
    // $1 commodity, $2 variety (part), $3 market (part), $4 county, $5 the day.
    `WITH newest AS (
       SELECT price_date AS d FROM prices
       WHERE commodity = $1
         AND ($2::text IS NULL OR strpos(coalesce(variety, ''), $2) > 0)
         AND ($3::text IS NULL OR strpos(market, $3) > 0)
         AND price_date <= $5::date
       ORDER BY price_date DESC
       LIMIT 1
     ), pick AS (
       SELECT p.* FROM prices p, newest
       WHERE p.commodity = $1
         AND ($2::text IS NULL OR strpos(coalesce(p.variety, ''), $2) > 0)
         AND ($3::text IS NULL OR strpos(p.market, $3) > 0)
         AND p.price_date <= $5::date AND p.price_date >= newest.d - 7
       ORDER BY coalesce(starts_with(p.county, $4), false) DESC,
                coalesce(p.variety = $2, false) DESC,
                coalesce(p.market = $3, false) DESC,
                p.price_date DESC, p.market, p.variety NULLS FIRST
       LIMIT 1
     )
     SELECT pick.commodity, pick.variety, pick.market, pick.county, pick.price_date::text AS date,
            pick.low::float8 AS low, pick.avg::float8 AS avg, pick.high::float8 AS high, pick.unit, pick.source,
            w.commodity AS w_commodity, w.variety AS w_variety, w.market AS w_market, w.county AS w_county,
            w.price_date::text AS w_date, w.low::float8 AS w_low, w.avg::float8 AS w_avg, w.high::float8 AS w_high,
            w.unit AS w_unit, w.source AS w_source
     FROM pick
     LEFT JOIN LATERAL (
       SELECT * FROM prices x
       WHERE x.commodity = pick.commodity AND coalesce(x.variety, '') = coalesce(pick.variety, '')
         AND x.market = pick.market
         AND x.price_date BETWEEN pick.price_date - 10 AND pick.price_date - 7
       ORDER BY x.price_date DESC
       LIMIT 1
     ) w ON true`,
    [commodity, clean(query.variety) ?? null, clean(query.market) ?? null, clean(query.county) ?? null, day],
  );
  const r = rows[0];
  if (!r) return null;
  const price = pickRow(r, '');
  const weekBefore = r.w_date ? pickRow(r, 'w_') : null;
  // Only compare like with like: a unit change between the two days makes the difference meaningless.
  const comparable = weekBefore && weekBefore.unit === price.unit;
  return {
    price,
    weekBefore,
    change: comparable
      ? {
          avg: round(price.avg - weekBefore.avg, 4),
          percent: weekBefore.avg > 0 ? round(((price.avg - weekBefore.avg) / weekBefore.avg) * 100, 1) : null,
        }
      : null,
  };
}

/** Every market's price for a commodity on one day, by market. */
export async function pricesOn(
  q: Queryable,
  query: { commodity: string; date: string; variety?: string },
): Promise<PriceRow[]> {
  const day = parseDay(query.date);
  if (!day) throw new DataError([`日期“${query.date}”无法识别，请写成 2026-11-08 这样的格式`]);
  const { rows } = await q.query<PriceRow>(
    `SELECT ${ROW_COLUMNS} FROM prices
     WHERE commodity = $1 AND price_date = $2::date
       AND ($3::text IS NULL OR strpos(coalesce(variety, ''), $3) > 0)
     ORDER BY market, variety NULLS FIRST`,
    [query.commodity.trim(), day, clean(query.variety) ?? null],
  );
  return rows;
}

export interface KnownSeries {
  commodity: string;
  variety: string | null;
  market: string;
  county: string | null;
  /** The unit of the newest row. */
  unit: string;
  firstDate: string;
  latestDate: string;
  days: number;
}

/** Every commodity × variety × market with data: what the bot can recognise and offer. */
export async function knownCommodities(q: Queryable): Promise<KnownSeries[]> {
  const { rows } = await q.query<KnownSeries>(
    `SELECT commodity, variety, market,
            (array_agg(county ORDER BY price_date DESC))[1] AS county,
            (array_agg(unit ORDER BY price_date DESC))[1] AS unit,
            min(price_date)::text AS "firstDate", max(price_date)::text AS "latestDate", count(*)::int AS days
     FROM prices
     GROUP BY commodity, variety, market
     ORDER BY commodity, variety NULLS FIRST, market`,
  );
  return rows;
}

export interface UpsertCounts {
  received: number;
  inserted: number;
  updated: number;
  /** Already stored with the same figures: nothing written. */
  unchanged: number;
  /** Repeated within this import (same commodity, variety, market, day): the last one counts. */
  duplicates: number;
}

/**
 * Insert or update validated rows, a batch per statement through unnest (ten array parameters, whatever the
 * batch size), so a 100k-row import is a couple of dozen round trips. Rows whose figures haven't changed
 * are left alone. Pass a transaction client to make the whole import atomic.
 */
export async function upsertPrices(
  q: Queryable,
  rows: readonly PriceRow[],
  opts: { batchSize?: number } = {},
): Promise<UpsertCounts> {
  // ON CONFLICT DO UPDATE can't touch one row twice in a statement: repeated keys are folded first.
  const byKey = new Map<string, PriceRow>();
  for (const row of rows) byKey.set(JSON.stringify([row.commodity, row.variety ?? '', row.market, row.date]), row);
  const unique = [...byKey.values()];
  const counts: UpsertCounts = {
    received: rows.length,
    inserted: 0,
    updated: 0,
    unchanged: 0,
    duplicates: rows.length - unique.length,
  };
  const size = opts.batchSize ?? 5000;
  for (let i = 0; i < unique.length; i += size) {
    const batch = unique.slice(i, i + size);
    const { rows: result } = await q.query<{ inserted: number; updated: number }>(
      `WITH up AS (
         INSERT INTO prices AS p (commodity, variety, market, county, price_date, low, avg, high, unit, source)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::date[],
                              $6::numeric[], $7::numeric[], $8::numeric[], $9::text[], $10::text[])
         ON CONFLICT (commodity, (coalesce(variety, '')), market, price_date) DO UPDATE
           SET county = EXCLUDED.county, low = EXCLUDED.low, avg = EXCLUDED.avg, high = EXCLUDED.high,
               unit = EXCLUDED.unit, source = EXCLUDED.source, updated_at = now()
           WHERE (p.county, p.low, p.avg, p.high, p.unit, p.source)
                 IS DISTINCT FROM (EXCLUDED.county, EXCLUDED.low, EXCLUDED.avg, EXCLUDED.high, EXCLUDED.unit, EXCLUDED.source)
         RETURNING (xmax = 0) AS fresh
       )
       SELECT count(*) FILTER (WHERE fresh)::int AS inserted, count(*) FILTER (WHERE NOT fresh)::int AS updated FROM up`,
      [
        batch.map((r) => r.commodity),
        batch.map((r) => r.variety),
        batch.map((r) => r.market),
        batch.map((r) => r.county),
        batch.map((r) => r.date),
        batch.map((r) => r.low),
        batch.map((r) => r.avg),
        batch.map((r) => r.high),
        batch.map((r) => r.unit),
        batch.map((r) => r.source),
      ],
    );
    counts.inserted += result[0].inserted;
    counts.updated += result[0].updated;
    counts.unchanged += batch.length - result[0].inserted - result[0].updated;
  }
  return counts;
}

function pickRow(r: Record<string, unknown>, prefix: '' | 'w_'): PriceRow {
  const get = (k: keyof PriceRow) => r[prefix + k];
  return {
    commodity: get('commodity') as string,
    variety: (get('variety') as string | null) ?? null,
    market: get('market') as string,
    county: (get('county') as string | null) ?? null,
    date: get('date') as string,
    low: Number(get('low')),
    avg: Number(get('avg')),
    high: Number(get('high')),
    unit: get('unit') as string,
    source: (get('source') as string | null) ?? null,
  };
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
