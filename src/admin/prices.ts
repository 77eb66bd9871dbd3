import type { Queryable } from '../db/pool.ts';
import type { PriceRow } from '../data/price-row.ts';

/** A stored quote as the console lists it: the row the bot quotes, with its id to retire it by. */
export type PriceListing = PriceRow & { id: string };

/** Stored quotes, newest day first, for the console's list. */
export async function listPrices(
  q: Queryable,
  f: { commodity?: string; market?: string; from?: string; to?: string; limit: number },
): Promise<{ prices: PriceListing[]; total: number }> {
  const { rows } = await q.query(
    `SELECT id::text, commodity, variety, market, county, price_date::text AS date, low::float8 AS low, avg::float8 AS avg,
            high::float8 AS high, unit, source, count(*) OVER ()::int AS total
       FROM prices
      WHERE ($1::text IS NULL OR commodity = $1) AND ($2::text IS NULL OR strpos(market, $2) > 0)
        AND ($3::date IS NULL OR price_date >= $3) AND ($4::date IS NULL OR price_date <= $4)
      ORDER BY price_date DESC, commodity, market, variety NULLS FIRST LIMIT $5`,
    [f.commodity ?? null, f.market ?? null, f.from ?? null, f.to ?? null, f.limit],
  );
  return { total: rows[0]?.total ?? 0, prices: rows.map(({ total: _t, ...r }) => r as PriceListing) };
}

/** Take a wrong quote out (the bot stops quoting it); false when there is no such row. */
export async function deletePrice(q: Queryable, id: string): Promise<boolean> {
  const { rowCount } = await q.query('DELETE FROM prices WHERE id = $1::bigint', [id]);
  return (rowCount ?? 0) > 0;
}
