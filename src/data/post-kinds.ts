import type { Queryable } from '../db/pool.ts';
import { createMachineryPost, searchMachineryPosts, validateMachineryPost, type MachineWords, type MachineryPostInput, type MachinerySide } from './machinery.ts';
import { DataError } from './errors.ts';

// The kinds of post the posts API (/api/v1/posts) takes, one entry each: how to check and store a new one
// and how to list the live ones. A new kind (labour, supply …) is one more entry here and one more member
// of the body union in src/schemas/services.ts.

export interface PostContext {
  now: Date;
  postedBy: string;
  machines: MachineWords;
}

export interface PostKind {
  kind: string;
  /** The county a new post belongs to, after checking (for the officer's scope), or the problems. */
  county(input: Record<string, unknown>, ctx: PostContext): string;
  create(q: Queryable, input: Record<string, unknown>, ctx: PostContext): Promise<{ id: string }>;
  list(q: Queryable, query: Record<string, unknown>, ctx: PostContext): Promise<Record<string, unknown>[]>;
}

const machinery: PostKind = {
  kind: 'machinery',
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
};

export const POST_KINDS: Record<string, PostKind> = { machinery };
