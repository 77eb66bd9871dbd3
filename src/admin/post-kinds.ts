import type { Queryable } from '../db/pool.ts';
import { closePost, createLaborPost, createSupplyPost } from '../data/index.ts';

/** A post of any kind as the console lists it. */
export interface AdminPost {
  id: string;
  kind: string;
  /** within the kind: hiring/seeking, sell/buy */
  type: string;
  title: string;
  county: string;
  town: string | null;
  contact: string;
  status: 'active' | 'closed';
  postedAt: string;
  expiresAt: string;
  closedAt: string | null;
  postedBy: string | null;
  details: Record<string, string | number | null>;
}

export interface PostFilter {
  status: 'active' | 'closed' | 'all';
  /** undefined: every county */
  counties?: readonly string[];
  /** words in the title or what is offered */
  q?: string;
  limit: number;
}

/**
 * One kind of post the console and the REST routes handle: listing (live and closed), creating from the
 * fields a person fills in, and taking one down. Adding a kind is one entry in POST_KINDS.
 */
export interface PostKind {
  label: string;
  list(q: Queryable, f: PostFilter): Promise<AdminPost[]>;
  /** throws the domain's DataError, listing every problem */
  create(q: Queryable, fields: Record<string, unknown>, ctx: { now: Date; postedBy: string }): Promise<AdminPost>;
  close(q: Queryable, id: string, now: Date): Promise<boolean>;
}

const iso = (d: unknown) => (d ? new Date(d as string).toISOString() : null);
const text = (v: unknown) => (typeof v === 'string' ? v : v === undefined || v === null ? undefined : String(v));

const FILTER_SQL = `($1::text = 'all' OR status = $1) AND ($2::text[] IS NULL OR county = ANY($2::text[]))`;

const labor: PostKind = {
  label: '用工信息',
  async list(q, f) {
    const { rows } = await q.query(
      `SELECT * FROM labor_posts WHERE ${FILTER_SQL}
          AND ($3::text IS NULL OR strpos(title || ' ' || work, $3) > 0)
        ORDER BY posted_at DESC LIMIT $4`,
      [f.status, f.counties ?? null, f.q ?? null, f.limit],
    );
    return rows.map((r) => ({
      id: r.id, kind: 'labor', type: r.kind, title: r.title, county: r.county, town: r.town, contact: r.contact,
      status: r.status, postedAt: iso(r.posted_at)!, expiresAt: iso(r.expires_at)!, closedAt: iso(r.closed_at),
      postedBy: r.posted_by, details: { work: r.work, village: r.village, quantity: r.quantity_text ?? r.quantity, pay: r.pay },
    }));
  },
  async create(q, b, ctx) {
    const p = await createLaborPost(q, {
      kind: text(b.type) ?? text(b.kind) ?? '', title: text(b.title), work: text(b.work), county: text(b.county) ?? '',
      town: text(b.town), village: text(b.village), quantity: text(b.quantity), pay: text(b.pay),
      contact: text(b.contact) ?? '', expiresAt: text(b.expiresAt), postedBy: ctx.postedBy,
    }, { now: ctx.now });
    return { id: p.id, kind: 'labor', type: p.kind, title: p.title, county: p.county, town: p.town, contact: p.contact,
        status: p.status, postedAt: iso(p.postedAt)!, expiresAt: iso(p.expiresAt)!, closedAt: null, postedBy: p.postedBy,
      details: { work: p.work, village: p.village, quantity: p.quantityText ?? p.quantity, pay: p.pay } };
  },
  close: (q, id, now) => closePost(q, 'labor', id, now),
};

const supply: PostKind = {
  label: '供求信息',
  async list(q, f) {
    const { rows } = await q.query(
      `SELECT * FROM supply_posts WHERE ${FILTER_SQL}
          AND ($3::text IS NULL OR strpos(commodity || ' ' || coalesce(variety, ''), $3) > 0)
        ORDER BY posted_at DESC LIMIT $4`,
      [f.status, f.counties ?? null, f.q ?? null, f.limit],
    );
    return rows.map((r) => ({
      id: r.id, kind: 'supply', type: r.kind, title: `${r.kind === 'sell' ? '出售' : '收购'}${r.variety ?? ''}${r.commodity}`,
      county: r.county, town: r.town, contact: r.contact, status: r.status, postedAt: iso(r.posted_at)!,
      expiresAt: iso(r.expires_at)!, closedAt: iso(r.closed_at), postedBy: r.posted_by,
      details: { commodity: r.commodity, variety: r.variety, quantity: r.quantity, price: r.price },
    }));
  },
  async create(q, b, ctx) {
    const p = await createSupplyPost(q, {
      kind: text(b.type) ?? text(b.kind) ?? '', commodity: text(b.commodity) ?? '', variety: text(b.variety),
      county: text(b.county) ?? '', town: text(b.town), quantity: text(b.quantity), price: text(b.price),
      contact: text(b.contact) ?? '', expiresAt: text(b.expiresAt), postedBy: ctx.postedBy,
    }, { now: ctx.now });
    return {
      id: p.id, kind: 'supply', type: p.kind, title: `${p.kind === 'sell' ? '出售' : '收购'}${p.variety ?? ''}${p.commodity}`,
      county: p.county, town: p.town, contact: p.contact, status: p.status, postedAt: iso(p.postedAt)!,
      expiresAt: iso(p.expiresAt)!, closedAt: null, postedBy: p.postedBy,
      details: { commodity: p.commodity, variety: p.variety, quantity: p.quantity, price: p.price },
    };
  },
  close: (q, id, now) => closePost(q, 'supply', id, now),
};

/** The kinds of post by their `?kind=` name. */
export const POST_KINDS: Record<string, PostKind> = { labor, supply };
