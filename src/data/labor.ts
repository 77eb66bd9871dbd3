import type { Queryable } from '../db/pool.ts';
import { DataError, type RowResult } from './errors.ts';
import { clean, leadingCount } from './fields.ts';
import {
  checkContact, checkCounty, checkExpiry, checkPostedAt, checkText, clampLimit, countyFilter, searchTerms,
  type PostMode,
} from './post-fields.ts';

export type LaborKind = 'hiring' | 'seeking';

/** A labour post as a person or a file gives it. */
export interface LaborPostInput {
  /** hiring (招工) or seeking (找活); the Chinese words are accepted too. */
  kind: string;
  title?: string;
  /** What the work is; defaults to the title (and the title to it) when only one is given. */
  work?: string;
  county: string;
  town?: string;
  village?: string;
  /** A head count, or as written ("20人", "1台机器"). */
  quantity?: number | string;
  pay?: string;
  contact: string;
  /** Default: 30 days after posting. A bare day means through the end of that day (China time). */
  expiresAt?: Date | string;
  /** Only honoured on import; a new post is posted now. */
  postedAt?: Date | string;
  postedBy?: string;
}

/** A checked post, ready to store. */
export interface NewLaborPost {
  kind: LaborKind;
  title: string;
  work: string;
  county: string;
  town: string | null;
  village: string | null;
  quantity: number | null;
  quantityText: string | null;
  pay: string | null;
  contact: string;
  expiresAt: Date;
  postedAt: Date;
  postedBy: string | null;
}

export interface LaborPost extends NewLaborPost {
  id: string;
  status: 'active' | 'closed';
}

const KINDS: Record<string, LaborKind> = {
  hiring: 'hiring', 招工: 'hiring', 招人: 'hiring', 用工: 'hiring',
  seeking: 'seeking', 找活: 'seeking', 求职: 'seeking', 找工作: 'seeking',
};
const MAX_QUANTITY = 100_000;

export type LaborCheck = { ok: true; post: NewLaborPost } | { ok: false; issues: string[] };

/** Check a labour post; `create` also requires it to expire in the future (see PostMode). */
export function validateLaborPost(input: LaborPostInput, now: Date, mode: PostMode = 'create'): LaborCheck {
  const issues: string[] = [];
  const kindText = clean(input.kind);
  const kind = kindText ? KINDS[kindText.toLowerCase()] : undefined;
  if (!kind) issues.push(kindText ? `类型“${kindText}”不对，应为 招工 (hiring) 或 找活 (seeking)` : '缺少类型：招工还是找活');
  let title = checkText(input.title, '标题', 50, issues, false);
  let work = checkText(input.work, '工作内容', 500, issues, false);
  if (!clean(input.title) && !clean(input.work)) {
    issues.push('缺少标题或工作内容：请说明干什么活');
  }
  title ??= work && work.length > 50 ? `${work.slice(0, 49)}…` : work;
  work ??= title;
  const county = checkCounty(input.county, issues);
  const town = checkText(input.town, '乡镇', 50, issues, false);
  const village = checkText(input.village, '村', 50, issues, false);
  const { quantity, quantityText } = checkQuantity(input.quantity, issues);
  const pay = checkText(input.pay, '工钱', 100, issues, false);
  const contact = checkContact(input.contact, issues);
  const postedAt = mode === 'import' ? checkPostedAt(input.postedAt, now, issues) : now;
  const expiresAt = checkExpiry(input.expiresAt, { now, postedAt, mode }, issues);
  const postedBy = clean(input.postedBy) ?? null;
  if (issues.length) return { ok: false, issues };
  return {
    ok: true,
    post: {
      kind: kind!, title: title!, work: work!, county: county!, town, village, quantity, quantityText, pay,
      contact: contact!, expiresAt: expiresAt!, postedAt, postedBy,
    },
  };
}

/** One row of labor-posts.csv (kind,title,what,county,town,village,quantity,pay,contact,expires_at,posted_at). */
export function validateLaborRow(
  raw: Record<string, string | undefined>,
  lineNo: number,
  now: Date,
): RowResult<NewLaborPost> {
  const check = validateLaborPost(
    {
      kind: raw.kind ?? '',
      title: raw.title,
      work: raw.what ?? raw.work,
      county: raw.county ?? '',
      town: raw.town,
      village: raw.village,
      quantity: raw.quantity,
      pay: raw.pay,
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

function checkQuantity(value: number | string | undefined, issues: string[]) {
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value <= 0 || value > MAX_QUANTITY) {
      issues.push(`人数“${value}”不对，应为 1 到 ${MAX_QUANTITY} 的整数`);
    }
    return { quantity: value, quantityText: null };
  }
  const text = checkText(value, '数量', 50, issues, false);
  const count = leadingCount(text ?? undefined);
  if (count !== null && (count <= 0 || count > MAX_QUANTITY)) {
    issues.push(`数量“${text}”不对，应为 1 到 ${MAX_QUANTITY}`);
  }
  return { quantity: count, quantityText: text };
}

const COLUMNS = `id, kind, title, work, county, town, village, quantity, quantity_text AS "quantityText", pay, contact,
  expires_at AS "expiresAt", posted_at AS "postedAt", posted_by AS "postedBy", status`;

/** Check and store a new post; a DataError lists every problem (for a 4xx or a reply to the poster). */
export async function createLaborPost(
  q: Queryable,
  input: LaborPostInput,
  opts: { now?: Date } = {},
): Promise<LaborPost> {
  const check = validateLaborPost(input, opts.now ?? new Date(), 'create');
  if (!check.ok) throw new DataError(check.issues);
  const p = check.post;
  const { rows } = await q.query<LaborPost>(
    `INSERT INTO labor_posts (kind, title, work, county, town, village, quantity, quantity_text, pay, contact,
                              expires_at, posted_at, posted_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
     RETURNING ${COLUMNS}`,
    [p.kind, p.title, p.work, p.county, p.town, p.village, p.quantity, p.quantityText, p.pay, p.contact,
      p.expiresAt, p.postedAt, p.postedBy],
  );
  return rows[0];
}

/** Store checked posts in one statement (seed and bulk import); returns how many were stored. */
export async function insertLaborPosts(q: Queryable, posts: readonly NewLaborPost[]): Promise<number> {
  if (!posts.length) return 0;
  const col = <K extends keyof NewLaborPost>(k: K) => posts.map((p) => p[k]);
  const { rowCount } = await q.query(
    `INSERT INTO labor_posts (kind, title, work, county, town, village, quantity, quantity_text, pay, contact,
                              expires_at, posted_at, posted_by)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int[],
                          $8::text[], $9::text[], $10::text[], $11::timestamptz[], $12::timestamptz[], $13::text[])`,
    [col('kind'), col('title'), col('work'), col('county'), col('town'), col('village'), col('quantity'),
      col('quantityText'), col('pay'), col('contact'), col('expiresAt'), col('postedAt'), col('postedBy')],
  );
  return rowCount ?? 0;
}

export interface LaborSearch {
  county?: string;
  /** A town, or the start of its name ("胡集" finds 胡集镇). */
  town?: string;
  /** Words that must all appear in the title, the work, the pay or the place. */
  text?: string;
  kind?: LaborKind;
  /** Posts that expired at or before this moment are never returned. */
  now: Date;
  limit: number;
}

/** Live posts only (active and not yet expired), newest first. */
export async function searchLaborPosts(q: Queryable, s: LaborSearch): Promise<LaborPost[]> {
  const { rows } = await q.query<LaborPost>(
    `SELECT ${COLUMNS} FROM labor_posts
     WHERE status = 'active' AND expires_at > $1
       AND ($2::text IS NULL OR county = $2)
       AND ($3::text IS NULL OR starts_with(coalesce(town, ''), $3))
       AND ($4::text IS NULL OR kind = $4)
       AND NOT EXISTS (
         SELECT 1 FROM unnest($5::text[]) AS term
         WHERE strpos(lower(concat_ws(' ', title, work, pay, town, village)), term) = 0)
     ORDER BY posted_at DESC, id
     LIMIT $6`,
    [s.now, countyFilter(s.county), clean(s.town) ?? null, s.kind ?? null, searchTerms(s.text), clampLimit(s.limit)],
  );
  return rows;
}
