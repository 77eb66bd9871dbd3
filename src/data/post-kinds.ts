import type { Queryable } from '../db/pool.ts';
import { createLaborPost } from './labor.ts';
import { createMachineryPost, searchMachineryPosts, validateMachineryPost, type MachineWords, type MachineryPostInput, type MachinerySide } from './machinery.ts';
import { closePost } from './posts.ts';
import { createSupplyPost } from './supply.ts';
import { DataError } from './errors.ts';

// The one table of post kinds, by their `kind` name. A kind offers what its users need of it:
//  - `console`: the bureaus' console (/api/v1/admin/posts, src/routes/admin-data.ts) lists every post of the
//    kind, closed ones too, posts one for an officer and takes one down;
//  - `api`: the posts API (/api/v1/posts, src/routes/posts.ts) checks and stores a new post for an officer or
//    an integration and lists the live ones, nearest first.
// A new kind is one more entry here (and, for the posts API, one more member of the body union in
// src/schemas/services.ts).

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

/** The console's side of a kind: listing (live and closed), creating from the fields a person fills in, taking one down. */
export interface ConsolePosts {
  list(q: Queryable, f: PostFilter): Promise<AdminPost[]>;
  /** throws the domain's DataError, listing every problem */
  create(q: Queryable, fields: Record<string, unknown>, ctx: { now: Date; postedBy: string }): Promise<AdminPost>;
  close(q: Queryable, id: string, now: Date): Promise<boolean>;
}

export interface PostContext {
  now: Date;
  postedBy: string;
  machines: MachineWords;
}

/** The posts API's side of a kind. */
export interface ApiPosts {
  /** The county a new post belongs to, after checking (for the officer's scope), or the problems. */
  county(input: Record<string, unknown>, ctx: PostContext): string;
  create(q: Queryable, input: Record<string, unknown>, ctx: PostContext): Promise<{ id: string }>;
  list(q: Queryable, query: Record<string, unknown>, ctx: PostContext): Promise<Record<string, unknown>[]>;
}

export interface PostKind {
  kind: string;
  label: string;
  console?: ConsolePosts;
  api?: ApiPosts;
}

const iso = (d: unknown) => (d ? new Date(d as string).toISOString() : null);
const text = (v: unknown) => (typeof v === 'string' ? v : v === undefined || v === null ? undefined : String(v));

const FILTER_SQL = `($1::text = 'all' OR status = $1) AND ($2::text[] IS NULL OR county = ANY($2::text[]))`;

const labor: PostKind = {
  kind: 'labor',
  label: '用工信息',
  console: {
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
      return {
        id: p.id, kind: 'labor', type: p.kind, title: p.title, county: p.county, town: p.town, contact: p.contact,
        status: p.status, postedAt: iso(p.postedAt)!, expiresAt: iso(p.expiresAt)!, closedAt: null, postedBy: p.postedBy,
        details: { work: p.work, village: p.village, quantity: p.quantityText ?? p.quantity, pay: p.pay },
      };
    },
    close: (q, id, now) => closePost(q, 'labor', id, now),
  },
};

const supply: PostKind = {
  kind: 'supply',
  label: '供求信息',
  console: {
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
  },
};

const machinery: PostKind = {
  kind: 'machinery',
  label: '农机信息',
  api: {
    county(input, ctx) {
      const check = validateMachineryPost(input as unknown as MachineryPostInput, ctx.machines, ctx.now);
      if (!check.ok) throw new DataError(check.issues);
      return check.post.county;
    },
    async create(q, input, ctx) {
      const post = await createMachineryPost(q, { ...(input as unknown as MachineryPostInput), postedBy: ctx.postedBy }, ctx.machines, { now: ctx.now });
      return { id: post.id };
    },
    async list(q, query, ctx) {
      const machine = typeof query.machine === 'string' ? query.machine : undefined;
      const posts = await searchMachineryPosts(q, {
        county: query.county as string | undefined, town: query.town as string | undefined, village: query.village as string | undefined,
        machine: machine ? (ctx.machines.get(machine) ?? machine) : undefined, side: query.side as MachinerySide | undefined,
        now: ctx.now, limit: query.limit as number | undefined,
      });
      return posts.map((p) => ({
        id: p.id, kind: 'machinery', side: p.side, machine: p.machine, machineText: p.machineText, owner: p.owner, county: p.county,
        town: p.town, village: p.village, price: p.price, contact: p.contact, availableFrom: p.availableFrom, availableTo: p.availableTo,
        postedAt: new Date(p.postedAt).toISOString(), expiresAt: new Date(p.expiresAt).toISOString(),
      }));
    },
  },
};

export const POST_KINDS: Record<string, PostKind> = { labor, supply, machinery };

/** The kinds that offer `side` (the console's or the posts API's), by name. */
export function postKindsWith<S extends 'console' | 'api'>(side: S): Map<string, PostKind & Required<Pick<PostKind, S>>> {
  return new Map(Object.values(POST_KINDS).filter((k) => k[side]).map((k) => [k.kind, k as PostKind & Required<Pick<PostKind, S>>]));
}
