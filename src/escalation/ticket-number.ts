/**
 * The 问题编号 a farmer is shown: the ticket id's first 8 hex digits. The routes and the console accept it
 * where they accept the whole id (a unique prefix within what the caller may see).
 */
export function shortTicketNumber(id: string): string {
  return id.slice(0, 8);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SHORT = /^[0-9a-f]{8}$/i;

export type TicketRef = { kind: 'id'; id: string } | { kind: 'short'; prefix: string };

/** A whole ticket id or the 8-digit 问题编号 (spaces and a leading # forgiven); undefined for anything else. */
export function parseTicketRef(raw: string): TicketRef | undefined {
  const v = raw.trim().replace(/^#/, '').toLowerCase();
  if (UUID.test(v)) return { kind: 'id', id: v };
  if (SHORT.test(v)) return { kind: 'short', prefix: v };
  return undefined;
}

/** The uuid range a 问题编号 covers: a prefix match the primary key's index answers. */
export function shortNumberRange(prefix: string): [string, string] {
  return [`${prefix}-0000-0000-0000-000000000000`, `${prefix}-ffff-ffff-ffff-ffffffffffff`];
}
