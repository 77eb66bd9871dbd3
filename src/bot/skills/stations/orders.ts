import { withTransaction } from '../../../db/pool.ts';
import { DataError } from '../../../data/index.ts';
import { recordEvent } from '../../../services/actor.ts';
import {
  cancelByFarmer, createOrder, ordersOfFarmer, readQuantity, stationFor, STATUS_LABELS, type Order,
} from '../../../services/orders.ts';
import { extractSlots } from '../../slots.ts';
import type { SkillInput, SkillResult } from '../../skill.ts';
import { dayLabel, farmerPhone, isStaff, memory, phoneIn, reply } from './common.ts';
import { asksAboutOrdering, asksToBuy } from './intents.ts';
import { knowledgeSkill } from '../knowledge.ts';

// 代购 by chat or SMS: "帮俺代购两袋复合肥，要45%的" records an order (one clarifying question when no amount
// is said), "俺的化肥到了没" answers from the farmer's orders, "取消代购" cancels one not yet collected.

type Fields = Record<string, string | undefined>;

/** What the farmer wants bought, as they said it, without the asking words. */
function itemsOf(text: string): string {
  return text
    .replace(/^(请|麻烦|劳驾)?(你|您)?(帮|给|替)?(俺|我|咱|我们|俺们)?(家)?(代购|代买|捎|买|订|定)?(一下|下)?/, '')
    .replace(/^(代购|代买|我要代购|俺要代购|要代购|想代购)/, '')
    .replace(/^[，,：:\s]+|[。！!，,\s]+$/g, '')
    .trim()
    // "俺是邹城峄山镇前岭村的", "金乡县胡集镇": where the farmer is, not what to buy
    .split(/[，,;；]/)
    .filter((part) => !PLACE_CLAUSE.test(part.trim()))
    .join('，')
    .trim();
}
const PLACE_CLAUSE = /^(俺|我|咱)(们)?(是|在|家在|住)|^[\p{Script=Han}]{0,6}(县|市|区)[\p{Script=Han}]{0,6}(镇|乡|街道)?[\p{Script=Han}]{0,5}(村)?(的)?$|^[\p{Script=Han}]{1,6}(镇|乡|街道)[\p{Script=Han}]{0,5}村?(的)?$/u;

function status(o: Order, input: SkillInput): string {
  const price = o.price ? `，价格${o.price}` : '';
  return `${o.items}：${STATUS_LABELS[o.status]}${price}（${dayLabel(o.createdAt, input.now)}登记${o.stationName ? `，${o.stationName}` : ''}）`;
}

export async function orderSkill(input: SkillInput): Promise<SkillResult> {
  const text = input.text.replace(/\s+/g, '');
  const phone = farmerPhone(input);
  if (/^(取消|不要|撤销)(代购|订单|这单|那单)/.test(text)) return cancel(input, phone);
  // "能帮俺代买化肥不，给送到家不" asks what the service does: the knowledge base says, and how to order
  if (asksAboutOrdering(input.text)) return aboutOrdering(input);
  // "帮俺买的化肥到了没" asks after an order: only a request to buy starts one
  if (!asksToBuy(text)) {
    if (!phone) {
      input.context.pending = { kind: 'order', fields: { lookup: '1' }, awaiting: 'phone' };
      return reply('order', '请发一下您登记代购时留的手机号，我帮您查。', ['取消']);
    }
    return lookup(input, phone);
  }
  const items = itemsOf(input.text);
  if (!items) return reply('order', '您想让信息社帮您买啥？说清楚东西和数量，如“帮俺代购两袋复合肥，要45%的”。');
  const fields: Fields = { items, phone };
  const county = input.slots.county ?? input.conversation.county ?? undefined;
  if (input.slots.county || input.slots.town || input.slots.village) {
    fields.place = JSON.stringify({ county, town: input.slots.town, village: input.slots.village });
  }
  const q = readQuantity(items);
  if (q) fields.quantity = String(q.quantity);
  input.context.pending = { kind: 'order', fields };
  const asked = next(input);
  return input.context.pending?.awaiting ? asked : save(input, fields);
}

const HOW_TO_ORDER = '想让信息社帮您买，直接说买啥、买多少，如“帮俺代购两袋复合肥”，我帮您登记，到货了发短信告诉您。';

/** What the 代购 service does (from the knowledge base when it answers), and how to ask for it here. */
async function aboutOrdering(input: SkillInput): Promise<SkillResult> {
  const how = await knowledgeSkill(input, 'service');
  if (!how.escalate) return { ...how, intent: 'order', text: `${how.text}\n${HOW_TO_ORDER}` };
  return reply('order', `按方案，益农信息社帮助农民代购农资、工业品并提供物流到家，化肥、种子都能代购。${HOW_TO_ORDER}`, ['帮俺代购两袋复合肥'], 0.9);
}

async function lookup(input: SkillInput, phone: string): Promise<SkillResult> {
  const orders = await ordersOfFarmer(input.deps.pool, phone, 5);
  if (!orders.length) {
    return reply('order', '没查到您的代购记录。想让信息社帮您买农资，直接说，如“帮俺代购两袋复合肥”。', [], 0.9);
  }
  const open = orders.filter((o) => ['requested', 'confirmed', 'arrived'].includes(o.status));
  const shown = (open.length ? open : orders.slice(0, 1)).slice(0, 3);
  const head = open.length ? '您的代购：' : '您最近的一单代购：';
  return {
    text: `${head}\n${shown.map((o, i) => `${i + 1}. ${status(o, input)}`).join('\n')}${shown.some((o) => o.status === 'arrived') ? '\n到货的请带上手机号去取。' : ''}`,
    intent: 'order', confidence: 0.95,
    citations: [{ documentId: 'table:orders', title: '代购订单', snippet: shown[0].items }],
  };
}

async function cancel(input: SkillInput, phone: string | undefined): Promise<SkillResult> {
  if (!phone) return reply('order', '请先发您的手机号，我帮您找到这单代购。');
  const open = (await ordersOfFarmer(input.deps.pool, phone, 5)).filter((o) => o.status === 'requested');
  if (!open.length) return reply('order', '没有能取消的代购：信息员已确认的单子，请直接跟信息员说。');
  const order = open[0];
  const done = await withTransaction(input.deps.pool, (client) => cancelByFarmer(client, order.id, phone, input.now));
  if (!done) return reply('order', '这单信息员刚刚确认了，不能在这里取消，请直接跟信息员说。');
  return reply('order', `已取消代购：${order.items}。`);
}

function next(input: SkillInput): SkillResult {
  const pending = input.context.pending!;
  const f = pending.fields as Fields;
  if (!f.quantity && !f.askedQuantity) {
    f.askedQuantity = '1';
    pending.awaiting = 'quantity';
    return reply('order', `要多少？（如：两袋、50斤）`, ['取消']);
  }
  if (!f.phone) {
    pending.awaiting = 'phone';
    return reply('order', '您的手机号是多少？到货了发短信告诉您。', ['取消']);
  }
  if (!f.place) {
    pending.awaiting = 'place';
    return reply('order', '您在哪个村或哪个镇？到最近的益农信息社取货。（如：金乡县胡集镇后王村）', ['取消']);
  }
  pending.awaiting = undefined;
  return reply('order', '');
}

export async function stepOrder(input: SkillInput): Promise<SkillResult> {
  const pending = input.context.pending!;
  const f = pending.fields as Fields;
  const t = input.text.trim();
  if (pending.awaiting === 'quantity') {
    const q = readQuantity(t);
    // One question only: an answer without a number is kept as said, and the officer sorts it out.
    if (q) f.quantity = String(q.quantity);
    f.items = q && !readQuantity(f.items!) ? `${f.items}（${t}）` : q ? f.items : `${f.items}（数量：${t.slice(0, 30)}）`;
  } else if (pending.awaiting === 'phone') {
    const phone = phoneIn(t);
    if (!phone) return reply('order', '手机号不对，请发 11 位手机号，如 13800000000。', ['取消']);
    f.phone = phone;
    memory(input).phone = phone;
    if (f.lookup) {
      input.context.pending = undefined;
      return lookup(input, phone);
    }
  } else if (pending.awaiting === 'place') {
    const slots = extractSlots(t, input.deps.lexicon, input.now);
    if (!slots.county && !slots.town && !slots.village) return reply('order', '没认出地方，请说县和镇，如：金乡县胡集镇。', ['取消']);
    f.place = JSON.stringify({ county: slots.county, town: slots.town, village: slots.village });
  }
  if (!f.place) {
    const { slots } = input;
    const county = slots.county ?? input.conversation.county ?? undefined;
    if (county || slots.town || slots.village) f.place = JSON.stringify({ county, town: slots.town, village: slots.village });
  }
  const asked = next(input);
  if (input.context.pending?.awaiting) return asked;
  return save(input, f);
}

async function save(input: SkillInput, f: Fields): Promise<SkillResult> {
  input.context.pending = undefined;
  const place = JSON.parse(f.place!) as { county?: string; town?: string; village?: string };
  const station = await stationFor(input.deps.pool, place);
  const forFarmer = Boolean(input.context.onBehalfOf);
  try {
    const order = await withTransaction(input.deps.pool, async (client) => {
      const created = await createOrder(client, {
        phone: f.phone!, items: f.items!, quantity: f.quantity ? Number(f.quantity) : undefined, allowUnstated: true,
        county: place.county, station: station && station !== 'unknown' ? station.id : undefined,
        // 代问: the farmer is told by SMS, not in the officer's conversation
        conversationId: forFarmer ? null : input.conversation.id,
        channel: forFarmer ? 'sms' : input.conversation.channel, createdBy: input.principal?.name ?? '农户',
      }, input.now);
      if (input.principal && isStaff(input)) {
        await recordEvent(client, { entity: 'order', entityId: created.id, action: 'requested', actor: input.principal, detail: { items: created.items }, at: input.now });
      }
      return created;
    });
    const where = order.stationName ?? `${order.county ?? ''}的益农信息社`;
    const amount = order.quantity ? '' : '数量信息员会打电话跟您确认。';
    // No station in the farmer's town does 代购 (stationFor took the county's): say so, or they go to their own.
    const town = (t?: string | null) => t?.replace(/(镇|乡|街道)$/, '');
    const elsewhere = place.town && station && station !== 'unknown' && town(station.town) !== town(place.town);
    const pickUp = elsewhere ? `。${place.town}的益农信息社不办代购，要到${where}取货。` : `，在${where}取货。`;
    return {
      text: `已登记代购：${order.items}${pickUp}${amount}信息员确认后会告诉您价格，到货了再通知您。问进度发“我的代购到了没”。`,
      intent: 'order', confidence: 0.95, quickReplies: ['我的代购到了没'],
    };
  } catch (err) {
    if (!(err instanceof DataError)) throw err;
    return reply('order', `没登记上：${err.message}。请重新说一遍，如“帮俺代购两袋复合肥”。`);
  }
}
