import type { Queryable } from '../db/pool.ts';
import { DataError, type RowResult } from './errors.ts';
import { clean, parseDay } from './fields.ts';
import {
  checkContact, checkCounty, checkExpiry, checkPostedAt, checkText, clampLimit, type PostMode,
} from './post-fields.ts';
import { parseQuotedPrice } from './quoted-price.ts';

// Farm machinery sharing (农机): an owner offers a machine, or a farmer asks to rent one (求租). Built like the
// labour and supply posts: the same checks, expiry and search shape, and nothing a poster did not say.

export type MachinerySide = 'offer' | 'want';

/** word → type (麦收机 → 收割机), from seeds/lexicon/machines.tsv; unknown words are kept as the type. */
export type MachineWords = ReadonlyMap<string, string>;

export interface MachineryPostInput {
  /** offer (出租, an owner) or want (求租, a farmer); the Chinese words are accepted too. */
  side: string;
  machine: string;
  owner?: string;
  county: string;
  town?: string;
  village?: string;
  /** As quoted: "80元/亩", "300元/天", "面议"; a price in words we cannot read is refused, never guessed. */
  price?: string;
  contact: string;
  /** The days it is free (owner) or wanted (farmer), as YYYY-MM-DD. */
  availableFrom?: string;
  availableTo?: string;
  /** Default: 30 days after posting. */
  expiresAt?: Date | string;
  postedAt?: Date | string;
  postedBy?: string;
}

export interface NewMachineryPost {
  side: MachinerySide;
  machine: string;
  machineText: string;
  owner: string | null;
  county: string;
  town: string | null;
  village: string | null;
  price: string | null;
  contact: string;
  availableFrom: string | null;
  availableTo: string | null;
  expiresAt: Date;
  postedAt: Date;
  postedBy: string | null;
}

export interface MachineryPost extends NewMachineryPost {
  id: string;
  status: 'active' | 'closed';
}

const SIDES: Record<string, MachinerySide> = {
  offer: 'offer', 出租: 'offer', 有机器: 'offer', 供: 'offer',
  want: 'want', 求租: 'want', 想租: 'want', 租: 'want', 找机器: 'want',
};

/** The machine's type for a word as people say it; undefined when the word names no machine we know. */
export function machineType(words: MachineWords, text: string): string | undefined {
  const t = text.trim();
  if (words.has(t)) return words.get(t);
  let best: string | undefined;
  for (const word of words.keys()) {
    if (t.includes(word) && (!best || word.length > best.length)) best = word;
  }
  return best ? words.get(best) : undefined;
}

export type MachineryCheck = { ok: true; post: NewMachineryPost } | { ok: false; issues: string[] };

export function validateMachineryPost(
  input: MachineryPostInput,
  words: MachineWords,
  now: Date,
  mode: PostMode = 'create',
): MachineryCheck {
  const issues: string[] = [];
  const sideText = clean(input.side);
  const side = sideText ? SIDES[sideText.toLowerCase()] : undefined;
  if (!side) issues.push(sideText ? `类型“${sideText}”不对，应为 出租 (offer) 或 求租 (want)` : '缺少类型：出租还是求租');
  const machineText = checkText(input.machine, '农机类型', 30, issues, true);
  const machine = machineText ? (machineType(words, machineText) ?? machineText) : null;
  const owner = checkText(input.owner, '机主', 30, issues, false);
  const county = checkCounty(input.county, issues);
  const town = checkText(input.town, '乡镇', 50, issues, false);
  const village = checkText(input.village, '村', 50, issues, false);
  let price: string | null = null;
  const priceText = clean(input.price);
  if (priceText) {
    price = parseQuotedPrice(priceText) ?? null;
    if (!price) issues.push(`价格“${priceText.slice(0, 30)}”看不懂，请写成“80元/亩”“300元/天”或“面议”`);
  }
  const contact = checkContact(input.contact, issues);
  const availableFrom = checkDay(input.availableFrom, '开始日期', issues);
  const availableTo = checkDay(input.availableTo, '结束日期', issues);
  if (availableFrom && availableTo && availableTo < availableFrom) issues.push('结束日期要在开始日期之后');
  const postedAt = mode === 'import' ? checkPostedAt(input.postedAt, now, issues) : now;
  const expiresAt = checkExpiry(input.expiresAt, { now, postedAt, mode }, issues);
  if (issues.length) return { ok: false, issues };
  return {
    ok: true,
    post: {
      side: side!, machine: machine!, machineText: machineText!, owner, county: county!, town, village, price,
      contact: contact!, availableFrom, availableTo, expiresAt: expiresAt!, postedAt, postedBy: clean(input.postedBy) ?? null,
    },
  };
}

function checkDay(value: string | undefined, label: string, issues: string[]): string | null {
  const text = clean(value);
  if (!text) return null;
  const day = parseDay(text);
  if (!day) issues.push(`${label}“${text.slice(0, 20)}”无法识别，请写成 2026-12-01 这样的格式`);
  return day;
}

/** One row of machinery-posts.csv (side,machine,owner,county,town,village,price,contact,available_from,available_to,expires_at,posted_at). */
export function validateMachineryRow(
  raw: Record<string, string | undefined>,
  lineNo: number,
  words: MachineWords,
  now: Date,
): RowResult<NewMachineryPost> {
  const check = validateMachineryPost(
    {
      side: raw.side ?? '', machine: raw.machine ?? '', owner: raw.owner, county: raw.county ?? '', town: raw.town,
      village: raw.village, price: raw.price, contact: raw.contact ?? '', availableFrom: raw.available_from,
      availableTo: raw.available_to, expiresAt: raw.expires_at, postedAt: raw.posted_at, postedBy: raw.posted_by,
    },
    words,
    now,
    'import',
  );
  return check.ok ? { ok: true, row: check.post } : { ok: false, line: lineNo, reason: check.issues.join('；') };
}

const COLUMNS = `id, side, machine, machine_text AS "machineText", owner, county, town, village, price, contact,
  to_char(available_from, 'YYYY-MM-DD') AS "availableFrom", to_char(available_to, 'YYYY-MM-DD') AS "availableTo",
  expires_at AS "expiresAt", posted_at AS "postedAt", posted_by AS "postedBy", status`;

const INSERT = `INSERT INTO machinery_posts (side, machine, machine_text, owner, county, town, village, price, contact,
    available_from, available_to, expires_at, posted_at, posted_by)`;

export async function createMachineryPost(
  q: Queryable,
  input: MachineryPostInput,
  words: MachineWords,
  opts: { now?: Date } = {},
): Promise<MachineryPost> {
  const check = validateMachineryPost(input, words, opts.now ?? new Date(), 'create');
  if (!check.ok) throw new DataError(check.issues);
  return insertMachineryPost(q, check.post);
}

export async function insertMachineryPost(q: Queryable, p: NewMachineryPost): Promise<MachineryPost> {
  const { rows } = await q.query<MachineryPost>(
    `${INSERT} VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING ${COLUMNS}`,
    [p.side, p.machine, p.machineText, p.owner, p.county, p.town, p.village, p.price, p.contact, p.availableFrom,
      p.availableTo, p.expiresAt, p.postedAt, p.postedBy],
  );
  return rows[0];
}

export async function insertMachineryPosts(q: Queryable, posts: readonly NewMachineryPost[]): Promise<number> {
  let n = 0;
  for (const p of posts) {
    await insertMachineryPost(q, p);
    n++;
  }
  return n;
}

export interface MachinerySearch {
  county?: string;
  town?: string;
  village?: string;
  /** the type (收割机); undefined: every machine */
  machine?: string;
  side?: MachinerySide;
  /** the day the machine is wanted: posts free on that day (or with no dates given) */
  day?: string;
  now: Date;
  limit?: number;
}

/**
 * Live posts nearest first: the asker's village, then the town, then the rest of the county; newest first
 * within each. `distance` says which (0 village, 1 town, 2 county).
 */
export async function searchMachineryPosts(
  q: Queryable,
  s: MachinerySearch,
): Promise<(MachineryPost & { distance: number })[]> {
  const { rows } = await q.query<MachineryPost & { distance: number }>(
    `SELECT ${COLUMNS},
       CASE WHEN $4::text IS NOT NULL AND village = $4 THEN 0
            WHEN $3::text IS NOT NULL AND starts_with(coalesce(town, ''), $3) THEN 1 ELSE 2 END AS distance
     FROM machinery_posts
     WHERE status = 'active' AND expires_at > $1
       AND ($2::text IS NULL OR county = $2)
       AND ($5::text IS NULL OR machine = $5)
       AND ($6::text IS NULL OR side = $6)
       AND ($7::date IS NULL OR ((available_from IS NULL OR available_from <= $7) AND (available_to IS NULL OR available_to >= $7)))
     ORDER BY distance, posted_at DESC, id
     LIMIT $8`,
    [s.now, clean(s.county) ?? null, clean(s.town)?.replace(/(镇|乡|街道)$/, '') ?? null, clean(s.village) ?? null,
      clean(s.machine) ?? null, s.side ?? null, s.day ?? null, clampLimit(s.limit)],
  );
  return rows.map((r) => ({ ...r, distance: Number(r.distance) }));
}
