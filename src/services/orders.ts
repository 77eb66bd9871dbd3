import type { Queryable } from '../db/pool.ts';
import { parseSmsPhone } from '../privacy/phone.ts';
import { DataError } from '../data/errors.ts';
import { clean } from '../data/fields.ts';
import { countyFilter } from '../data/post-fields.ts';
import { normalizeCounty } from '../data/counties.ts';
import { findServicePoints, type ServicePoint } from '../data/service-points.ts';
import { chineseNumber } from '../data/quoted-price.ts';
import { parseQuotedPrice } from '../data/quoted-price.ts';
import { recordEvent, requireCounty, type Actor } from './actor.ts';
import { tellFarmer, type FarmerOutbox, type Told } from './notify.ts';

// 代购 orders: a farmer asks the station to buy inputs; the officer confirms with a price, marks it arrived,
// the farmer collects it. Items stay as the farmer said them; the price is the officer's alone.

export const ORDER_STATUSES = ['requested', 'confirmed', 'arrived', 'collected', 'cancelled'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];
export const OPEN_STATUSES: OrderStatus[] = ['requested', 'confirmed', 'arrived'];

export const STATUS_LABELS: Record<OrderStatus, string> = {
  requested: '已登记，等信息员确认', confirmed: '已确认，正在采购', arrived: '已到货，可以来取', collected: '已取走', cancelled: '已取消',
};

/** Which status may follow which: an order moves forward, or is cancelled before it is collected. */
const NEXT: Record<OrderStatus, OrderStatus[]> = {
  requested: ['confirmed', 'cancelled'],
  confirmed: ['arrived', 'cancelled'],
  arrived: ['collected', 'cancelled'],
  collected: [],
  cancelled: [],
};

export interface Order {
  id: string;
  phone: string;
  items: string;
  quantity: number | null;
  unit: string | null;
  county: string | null;
  station: string | null;
  stationName: string | null;
  conversationId: string | null;
  channel: 'web' | 'sms' | 'api';
  status: OrderStatus;
  price: string | null;
  note: string | null;
  createdBy: string | null;
  createdAt: Date;
  statusChangedAt: Date;
}

const UNITS = '袋|包|瓶|桶|斤|公斤|千克|吨|箱|盒|件|支|株|棵|套|台|卷|升|毫升|克|把|捆|盘|筐|车';
const QUANTITY = new RegExp(`(\\d+(?:\\.\\d+)?|[一二两三四五六七八九十百千]+)\\s*(${UNITS})`);

/** "两袋复合肥" → 2 袋; undefined when the farmer named no amount. */
export function readQuantity(text: string): { quantity: number; unit: string } | undefined {
  const m = QUANTITY.exec(text);
  if (!m) return undefined;
  const quantity = /^\d/.test(m[1]) ? Number(m[1]) : chineseNumber(m[1]);
  if (!quantity || !(quantity > 0) || quantity > 100_000) return undefined;
  return { quantity, unit: m[2] };
}

export interface NewOrderInput {
  phone: string;
  items: string;
  quantity?: number;
  unit?: string;
  county?: string;
  /** a service point's id (YN-370811-001) or name */
  station?: string;
  town?: string;
  village?: string;
  conversationId?: string | null;
  channel?: 'web' | 'sms' | 'api';
  createdBy?: string | null;
  /** chat only: the farmer was asked once for an amount and did not give one; the officer will call */
  allowUnstated?: boolean;
}

/** The station an order goes to: the one named, else the nearest offering 代购 (village, town, county). */
export async function stationFor(
  q: Queryable,
  where: { station?: string; county?: string; town?: string; village?: string },
): Promise<ServicePoint | null | 'unknown'> {
  const named = clean(where.station);
  if (named) {
    const { rows } = await q.query<ServicePoint>(
      `SELECT id, name, county, town, village, address, phone, services, hours FROM service_points
       WHERE id = $1 OR name = $1 OR (village IS NOT NULL AND village = $1) ORDER BY id LIMIT 1`,
      [named],
    );
    return rows[0] ?? 'unknown';
  }
  const county = countyFilter(where.county) ?? undefined;
  for (const search of [
    where.village ? { county, village: where.village } : undefined,
    where.town ? { county, town: where.town.replace(/(镇|乡|街道)$/, '') } : undefined,
  ]) {
    if (!search) continue;
    const [point] = await findServicePoints(q, { ...search, service: '代购', limit: 1 });
    if (point) return point;
  }
  // No 代购 in the farmer's village or town: the county's first station that does it.
  if (county && (where.village || where.town)) {
    const [point] = await findServicePoints(q, { county, service: '代购', limit: 1 });
    if (point) return point;
  }
  return null;
}

/** Check and store a new order; the farmer's phone is checked as SMS takes it (they are told by SMS). */
export async function createOrder(q: Queryable, input: NewOrderInput, now: Date = new Date()): Promise<Order> {
  const issues: string[] = [];
  const phone = parseSmsPhone(input.phone);
  if (!phone.ok) issues.push(`手机号有误：${phone.reason}`);
  const items = clean(input.items);
  if (!items) issues.push('缺少要代购的东西（如：两袋复合肥）');
  else if (items.length > 200) issues.push('代购的东西写得太长了（最多 200 个字）');
  const said = items ? readQuantity(items) : undefined;
  const quantity = input.quantity ?? said?.quantity;
  const unit = clean(input.unit) ?? said?.unit;
  if (quantity === undefined) {
    if (!input.allowUnstated) issues.push('请写明要多少（如：两袋、50斤）');
  }
  else if (!(quantity > 0) || quantity > 100_000) issues.push('数量应为 1 到 100000');
  let county: string | null = null;
  if (clean(input.county)) {
    county = normalizeCounty(clean(input.county)!);
    if (!county) issues.push(`“${clean(input.county)}”不是济宁的县（市、区）`);
  }
  const station = await stationFor(q, { station: input.station, county: county ?? undefined, town: input.town, village: input.village });
  if (station === 'unknown') issues.push(`没有叫“${clean(input.station)}”的益农信息社`);
  if (!county && !(station && station !== 'unknown')) issues.push('请说明在哪个县或哪个益农信息社取货');
  if (issues.length) throw new DataError(issues);
  const point = station as ServicePoint | null;
  const { rows } = await q.query<{ id: string }>(
    `INSERT INTO orders (phone, items, quantity, unit, county, station, conversation_id, channel, created_by, created_at, status_changed_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id`,
    [(phone as { key: string }).key, items, quantity, unit ?? null, point?.county ?? county, point?.id ?? null,
      input.conversationId ?? null, input.channel ?? 'api', input.createdBy ?? null, now],
  );
  return (await getOrder(q, rows[0].id))!;
}

const COLUMNS = `o.id, o.phone, o.items, o.quantity::float8 AS quantity, o.unit, o.county, o.station, sp.name AS "stationName",
  o.conversation_id AS "conversationId", o.channel, o.status, o.price, o.note, o.created_by AS "createdBy",
  o.created_at AS "createdAt", o.status_changed_at AS "statusChangedAt"`;
const FROM = `FROM orders o LEFT JOIN service_points sp ON sp.id = o.station`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function getOrder(q: Queryable, id: string, opts: { forUpdate?: boolean } = {}): Promise<Order | undefined> {
  if (!UUID.test(id)) return undefined;
  const { rows } = await q.query<Order>(
    `SELECT ${COLUMNS} ${FROM} WHERE o.id = $1 ${opts.forUpdate ? 'FOR UPDATE OF o' : ''}`,
    [id],
  );
  return rows[0];
}

export interface OrderQuery {
  station?: string;
  status?: OrderStatus;
  /** only these counties (an officer's); undefined: all */
  counties?: string[];
  phone?: string;
  limit?: number;
}

/** The queue: oldest first, so the order waiting longest is on top. */
export async function listOrders(q: Queryable, s: OrderQuery): Promise<Order[]> {
  const { rows } = await q.query<Order>(
    `SELECT ${COLUMNS} ${FROM}
     WHERE ($1::text IS NULL OR o.station = $1 OR sp.name = $1)
       AND ($2::text IS NULL OR o.status = $2)
       AND ($3::text[] IS NULL OR o.county = ANY($3))
       AND ($4::text IS NULL OR o.phone = $4)
     ORDER BY o.created_at, o.id
     LIMIT $5`,
    [clean(s.station) ?? null, s.status ?? null, s.counties ?? null, s.phone ?? null, Math.min(Math.max(s.limit ?? 100, 1), 500)],
  );
  return rows;
}

/** A farmer's own orders, open ones first, newest first ("俺的化肥到了没"). */
export async function ordersOfFarmer(q: Queryable, phone: string, limit = 5): Promise<Order[]> {
  const { rows } = await q.query<Order>(
    `SELECT ${COLUMNS} ${FROM} WHERE o.phone = $1
     ORDER BY (o.status IN ('requested', 'confirmed', 'arrived')) DESC, o.created_at DESC LIMIT $2`,
    [phone, limit],
  );
  return rows;
}

export class TransitionError extends Error {
  readonly code = 'invalid_transition';
}

/** What the farmer reads when their order changes. */
export function orderNotice(o: Order): string {
  const what = `您的代购（${o.items}）`;
  const where = o.stationName ?? '益农信息社';
  switch (o.status) {
    case 'requested': return `${what}已登记，${where}的信息员确认后会告诉您价格。`;
    case 'confirmed': return `${what}信息员已确认，价格${o.price}，到货后通知您。${o.note ? `备注：${o.note}` : ''}`;
    case 'arrived': return `${what}已到${where}，请带上手机号来取。${o.price ? `价格${o.price}。` : ''}${o.note ? `备注：${o.note}` : ''}`;
    case 'collected': return `${what}已取走，谢谢您。`;
    case 'cancelled': return `${what}已取消。${o.note ? `原因：${o.note}` : ''}有问题请问信息员。`;
  }
}

/**
 * Move an order to its next status, as an officer or administrator: confirming needs the officer's price;
 * an officer changes only orders of their county. The event and the farmer's notice are written in the
 * same transaction as the change: all of it or none.
 */
export async function changeOrderStatus(
  q: Queryable,
  outbox: FarmerOutbox,
  id: string,
  change: { status: string; price?: string; note?: string },
  actor: Actor,
  now: Date = new Date(),
): Promise<{ order: Order; told: Told } | undefined> {
  const order = await getOrder(q, id, { forUpdate: true });
  if (!order) return undefined;
  requireCounty(actor, order.county, '代购订单');
  const status = change.status as OrderStatus;
  if (!ORDER_STATUSES.includes(status)) {
    throw new DataError([`状态“${change.status}”不对，应为 ${ORDER_STATUSES.join('、')} 之一`]);
  }
  if (!NEXT[order.status].includes(status)) {
    throw new TransitionError(
      NEXT[order.status].length
        ? `这单现在是“${STATUS_LABELS[order.status]}”，只能改成 ${NEXT[order.status].join(' 或 ')}`
        : `这单已经${STATUS_LABELS[order.status]}，不能再改`,
    );
  }
  let price = order.price;
  const priceText = clean(change.price);
  if (priceText) {
    price = parseQuotedPrice(priceText) ?? (/^\d+(\.\d+)?$/.test(priceText) ? `${priceText}元` : null);
    if (!price || price === '面议') throw new DataError([`价格“${priceText.slice(0, 30)}”看不懂，请写成“130元/袋”或“260元”`]);
  }
  if (status === 'confirmed' && !price) throw new DataError(['确认订单要填价格（如：130元/袋），价格由信息员定，助手不会替您编']);
  const note = clean(change.note)?.slice(0, 200) ?? null;
  await q.query(
    `UPDATE orders SET status = $2, price = $3, note = coalesce($4, note), status_changed_at = $5, reminded_at = NULL WHERE id = $1`,
    [id, status, price, note, now],
  );
  await recordEvent(q, { entity: 'order', entityId: id, action: status, actor, detail: { from: order.status, price, note }, at: now });
  const updated = (await getOrder(q, id))!;
  const told = await tellFarmer(q, outbox, { conversationId: updated.conversationId, phone: updated.phone, text: orderNotice(updated) });
  return { order: updated, told };
}

/** Open orders whose status has not changed for `days`, not yet reminded since: the reminder job's work. */
export async function staleOrders(q: Queryable, now: Date, days: number, limit = 200): Promise<Order[]> {
  const { rows } = await q.query<Order>(
    `SELECT ${COLUMNS} ${FROM}
     WHERE o.status IN ('requested', 'confirmed', 'arrived')
       AND o.status_changed_at <= $1::timestamptz - make_interval(days => $2)
       AND (o.reminded_at IS NULL OR o.reminded_at <= $1::timestamptz - make_interval(days => $2))
     ORDER BY o.status_changed_at LIMIT $3`,
    [now, days, limit],
  );
  return rows;
}

/** Mark a reminder sent; false when another run got there first (nothing is sent twice). */
export async function markReminded(q: Queryable, id: string, now: Date, days: number): Promise<boolean> {
  const { rowCount } = await q.query(
    `UPDATE orders SET reminded_at = $2
     WHERE id = $1 AND (reminded_at IS NULL OR reminded_at <= $2::timestamptz - make_interval(days => $3))`,
    [id, now, days],
  );
  return (rowCount ?? 0) > 0;
}

/** The farmer cancels their own order before the officer confirmed it (by chat): the reply tells them. */
export async function cancelByFarmer(q: Queryable, id: string, phone: string, now: Date = new Date()): Promise<boolean> {
  const { rowCount } = await q.query(
    `UPDATE orders SET status = 'cancelled', note = '农户自己取消', status_changed_at = $3, reminded_at = NULL
     WHERE id = $1 AND phone = $2 AND status = 'requested'`,
    [id, phone, now],
  );
  if (!rowCount) return false;
  await recordEvent(q, { entity: 'order', entityId: id, action: 'cancelled', actor: { role: 'farmer', name: `农户${phone.slice(-4)}` }, detail: { by: 'farmer' }, at: now });
  return true;
}
