import type { Queryable } from '../db/pool.ts';
import { DataError, type RowResult } from './errors.ts';
import { clean } from './fields.ts';
import {
  checkContact, checkCounty, checkExpiry, checkPostedAt, checkText, clampLimit, countyFilter, searchTerms,
  type PostMode,
} from './post-fields.ts';

export type SupplyKind = 'sell' | 'buy';

/** A supply post as a person or a file gives it. */
export interface SupplyPostInput {
  /** sell (卖/出售/供应) or buy (买/收购/求购). */
  kind: string;
  commodity: string;
  variety?: string;
  county: string;
  town?: string;
  /** As written: "20吨", "5000斤". */
  quantity?: string;
  /** As written: "3.3元/斤", "面议". */
  price?: string;
  contact: string;
  /** Default: 30 days after posting. A bare day means through the end of that day (China time). */
  expiresAt?: Date | string;
  /** Only honoured on import; a new post is posted now. */
  postedAt?: Date | string;
  postedBy?: string;
}

export interface NewSupplyPost {
  kind: SupplyKind;
  commodity: string;
  variety: string | null;
  county: string;
  town: string | null;
  quantity: string | null;
  price: string | null;
  contact: string;
  expiresAt: Date;
  postedAt: Date;
  postedBy: string | null;
}

export interface SupplyPost extends NewSupplyPost {
  id: string;
  status: 'active' | 'closed';
}

const KINDS: Record<string, SupplyKind> = {
  sell: 'sell', 卖: 'sell', 出售: 'sell', 供应: 'sell', 供: 'sell',
  buy: 'buy', 买: 'buy', 收购: 'buy', 求购: 'buy', 求: 'buy',
};

export type SupplyCheck = { ok: true; post: NewSupplyPost } | { ok: false; issues: string[] };

/** Check a supply post; `create` also requires it to expire in the future (see PostMode). */
export function validateSupplyPost(input: SupplyPostInput, now: Date, mode: PostMode = 'create'): SupplyCheck {
  const issues: string[] = [];
  const kindText = clean(input.kind);
  const kind = kindText ? KINDS[kindText.toLowerCase()] : undefined;
  if (!kind) issues.push(kindText ? `类型“${kindText}”不对，应为 出售 (sell) 或 收购 (buy)` : '缺少类型：出售还是收购');
  const commodity = checkText(input.commodity, '品名', 50, issues, true);
  const variety = checkText(input.variety, '品种', 100, issues, false);
  const county = checkCounty(input.county, issues);
  const town = checkText(input.town, '乡镇', 50, issues, false);
  const quantity = checkText(input.quantity, '数量', 50, issues, false);
  const price = checkText(input.price, '价格', 50, issues, false);
  const contact = checkContact(input.contact, issues);
  const postedAt = mode === 'import' ? checkPostedAt(input.postedAt, now, issues) : now;
  const expiresAt = checkExpiry(input.expiresAt, { now, postedAt, mode }, issues);
  const postedBy = clean(input.postedBy) ?? null;
  if (issues.length) return { ok: false, issues };
  return {
    ok: true,
    post: {
      kind: kind!, commodity: commodity!, variety, county: county!, town, quantity, price, contact: contact!,
      expiresAt: expiresAt!, postedAt, postedBy,
    },
  };
}

/** One row of supply-posts.csv (kind,commodity,variety,county,town,quantity,price,contact,expires_at,posted_at). */
export function validateSupplyRow(
  raw: Record<string, string | undefined>,
  lineNo: number,
  now: Date,
): RowResult<NewSupplyPost> {
  const check = validateSupplyPost(
    {
      kind: raw.kind ?? '',
      commodity: raw.commodity ?? '',
      variety: raw.variety,
      county: raw.county ?? '',
      town: raw.town,
      quantity: raw.quantity,
      price: raw.price,
      contact: raw.contact ?? '',
      expiresAt: raw.expires_at,
      postedAt: raw.posted_at,
      postedBy: raw.posted_by,
    },
    now,
    'import',
  );
  return check.ok ? { ok: true, row: check.post } : { ok: false, line: lineNo, reason: check.issues.join('；') };
}

const COLUMNS = `id, kind, commodity, variety, county, town, quantity, price, contact,
  expires_at AS "expiresAt", posted_at AS "postedAt", posted_by AS "postedBy", status`;

/** Check and store a new post; a DataError lists every problem (for a 4xx or a reply to the poster). */
export async function createSupplyPost(
  q: Queryable,
  input: SupplyPostInput,
  opts: { now?: Date } = {},
): Promise<SupplyPost> {
  const check = validateSupplyPost(input, opts.now ?? new Date(), 'create');
  if (!check.ok) throw new DataError(check.issues);
  const p = check.post;
  const { rows } = await q.query<SupplyPost>(
    `INSERT INTO supply_posts (kind, commodity, variety, county, town, quantity, price, contact,
                               expires_at, posted_at, posted_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
     RETURNING ${COLUMNS}`,
    [p.kind, p.commodity, p.variety, p.county, p.town, p.quantity, p.price, p.contact, p.expiresAt, p.postedAt,
      p.postedBy],
  );
  return rows[0];
}

/** Store checked posts in one statement (seed and bulk import); returns how many were stored. */
export async function insertSupplyPosts(q: Queryable, posts: readonly NewSupplyPost[]): Promise<number> {
  if (!posts.length) return 0;
  const col = <K extends keyof NewSupplyPost>(k: K) => posts.map((p) => p[k]);
  const { rowCount } = await q.query(
    `INSERT INTO supply_posts (kind, commodity, variety, county, town, quantity, price, contact,
                               expires_at, posted_at, posted_by)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                          $8::text[], $9::timestamptz[], $10::timestamptz[], $11::text[])`,
    [col('kind'), col('commodity'), col('variety'), col('county'), col('town'), col('quantity'), col('price'),
      col('contact'), col('expiresAt'), col('postedAt'), col('postedBy')],
  );
  return rowCount ?? 0;
}

export interface SupplySearch {
  county?: string;
  /** A town, or the start of its name. */
  town?: string;
  /** Exact commodity (大蒜). */
  commodity?: string;
  /** Words that must all appear in the commodity, variety, quantity, price or town. */
  text?: string;
  kind?: SupplyKind;
  /** Posts that expired at or before this moment are never returned. */
  now: Date;
  limit: number;
}

/** Live posts only (active and not yet expired), newest first. */
export async function searchSupplyPosts(q: Queryable, s: SupplySearch): Promise<SupplyPost[]> {
  const { rows } = await q.query<SupplyPost>(
    `SELECT ${COLUMNS} FROM supply_posts
     WHERE status = 'active' AND expires_at > $1
       AND ($2::text IS NULL OR county = $2)
       AND ($3::text IS NULL OR starts_with(coalesce(town, ''), $3))
       AND ($4::text IS NULL OR commodity = $4)
       AND ($5::text IS NULL OR kind = $5)
       AND NOT EXISTS (
         SELECT 1 FROM unnest($6::text[]) AS term
         WHERE strpos(lower(concat_ws(' ', commodity, variety, quantity, price, town)), term) = 0)
     ORDER BY posted_at DESC, id
     LIMIT $7`,
    [s.now, countyFilter(s.county), clean(s.town) ?? null, clean(s.commodity) ?? null, s.kind ?? null,
      searchTerms(s.text), clampLimit(s.limit)],
  );
  return rows;
}
