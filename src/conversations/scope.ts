import type { Principal } from '../accounts/principal.ts';
import type { Queryable } from '../db/pool.ts';
import { AppError } from '../errors.ts';
import type { Conversation } from './types.ts';

/**
 * Whose records a caller may read and write into. This file is the one place the rule is written; the turn
 * pipeline (src/turns/receive.ts), the conversation and history routes and the officer's ticket scope
 * (escalation/scope.ts) all ask it.
 *
 * - An administrator: everyone's.
 * - An officer (信息员): the farmers of their county (an officer with no county: of their village), the
 *   farmers they asked for (代问), and their own web-chat thread. A farmer's place is what the farmer said
 *   (conversations.county) or, failing that, the place of the first officer who asked for them (farmers).
 * - An integration: the API conversations it opened, and those linked to one of its webhooks.
 * - Anyone else (experts reach conversations only through tickets; county administrators read statistics):
 *   none.
 */
export type RecordScope =
  | { kind: 'all' }
  | { kind: 'officer'; userId: string; counties: string[]; village: string | null }
  | { kind: 'integration'; name: string }
  | { kind: 'none' };

export function recordScopeOf(p: Principal | undefined): RecordScope {
  if (!p) return { kind: 'none' };
  if (p.role === 'admin') return { kind: 'all' };
  if (p.role === 'officer' && p.userId) return { kind: 'officer', userId: p.userId, counties: p.counties ?? [], village: p.village ?? null };
  if (p.role === 'integration') return { kind: 'integration', name: p.name };
  return { kind: 'none' };
}

/** How a conversation records who opened it (conversations.created_by): an account id or a token's name. */
export function creatorKey(p: Principal): string {
  return p.userId ?? p.name;
}

/** The web-chat thread of an account (by its `creatorKey`). The colon cannot occur in a device id. */
export const officerThreadId = (key: string) => `officer:${key}`;

/** Refused: the conversation or the farmer is outside the caller's scope. */
export class OutOfScopeError extends AppError {
  constructor(message: string) {
    super(403, 'out_of_scope', message);
  }
}

export const conversationOutOfScope = () =>
  new OutOfScopeError('这个会话不在您的范围内：信息员只能查看和代问本村本县的农户、自己代问过的农户，接入方只能使用自己创建的会话');
export const farmerOutOfScope = () =>
  new OutOfScopeError('这位农户不在您的服务范围内：信息员只能查看本村本县的农户和自己代问过的农户');

type Bind = (value: unknown) => string;

/** SQL: the officer may see the farmer whose phone is `phone` (an SQL expression of type text). */
export function farmerVisibleSql(scope: Extract<RecordScope, { kind: 'officer' }>, bind: Bind, phone: string): string {
  const officer = bind(scope.userId);
  const counties = bind(scope.counties);
  const village = bind(scope.village);
  return `(${phone} IS NOT NULL AND (
    EXISTS (SELECT 1 FROM officer_farmers l WHERE l.officer_id::text = ${officer}::text AND l.farmer_phone = ${phone})
    OR (cardinality(${counties}::text[]) > 0
        AND EXISTS (SELECT 1 FROM conversations fc WHERE fc.farmer_phone = ${phone} AND fc.county = ANY(${counties}::text[])))
    OR EXISTS (SELECT 1 FROM farmers f WHERE f.phone = ${phone} AND (f.county = ANY(${counties}::text[])
       OR (cardinality(${counties}::text[]) = 0 AND ${village}::text IS NOT NULL AND f.village = ${village}::text)))))`;
}

/** SQL over conversations `c`: the caller may read it and write into it. */
export function conversationVisibleSql(scope: RecordScope, bind: Bind, c = 'c'): string {
  switch (scope.kind) {
    case 'all':
      return 'true';
    case 'none':
      return 'false';
    case 'integration': {
      const name = bind(scope.name);
      return `(${c}.channel = 'api' AND (${c}.created_by = ${name}
        OR EXISTS (SELECT 1 FROM integration_links il JOIN integration_webhooks iw ON iw.id = il.webhook_id
                    WHERE il.conversation_id = ${c}.id AND iw.integration = ${name})))`;
    }
    case 'officer':
      return `(${c}.web_id = ${bind(officerThreadId(scope.userId))} OR ${farmerVisibleSql(scope, bind, `${c}.farmer_phone`)})`;
  }
}

function binder(): { values: unknown[]; bind: Bind } {
  const values: unknown[] = [];
  return { values, bind: (v) => (values.push(v), `$${values.length}`) };
}

export async function canSeeConversation(q: Queryable, scope: RecordScope, conversation: Pick<Conversation, 'id'>): Promise<boolean> {
  if (scope.kind === 'all') return true;
  if (scope.kind === 'none') return false;
  const b = binder();
  const id = b.bind(conversation.id);
  const { rows } = await q.query(`SELECT 1 FROM conversations c WHERE c.id = ${id}::uuid AND ${conversationVisibleSql(scope, b.bind)}`, b.values);
  return rows.length > 0;
}

/** The officer (or administrator) may read this farmer's record, across channels. */
export async function canSeeFarmer(q: Queryable, scope: RecordScope, phone: string): Promise<boolean> {
  if (scope.kind === 'all') return true;
  if (scope.kind !== 'officer') return false;
  const b = binder();
  const { rows } = await q.query(`SELECT ${farmerVisibleSql(scope, b.bind, `${b.bind(phone)}::text`)} AS ok`, b.values);
  return rows[0]?.ok === true;
}

/**
 * An officer asked for this farmer (代问): the link that lets them read the farmer's record later, and the
 * farmer's place (the officer's county and village) if none is known yet. Anyone else: nothing to record.
 */
export async function recordAskedFor(q: Queryable, officer: Principal, phone: string): Promise<void> {
  if (officer.role !== 'officer' || !officer.userId) return;
  await q.query(
    `WITH link AS (
       INSERT INTO officer_farmers (officer_id, farmer_phone) VALUES ($1, $2)
       ON CONFLICT (officer_id, farmer_phone) DO UPDATE SET last_asked_at = now()
     )
     INSERT INTO farmers (phone, county, village) VALUES ($2, $3, $4) ON CONFLICT (phone) DO NOTHING`,
    [officer.userId, phone, officer.counties?.[0] ?? null, officer.village ?? null],
  );
}
