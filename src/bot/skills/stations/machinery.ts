import { withTransaction } from '../../../db/pool.ts';
import {
  createMachineryPost, DataError, machineType, parseQuotedPrice, searchMachineryPosts, type MachineryPost, type MachinerySide,
} from '../../../data/index.ts';
import { recordEvent, requireCounty, ScopeError } from '../../../services/actor.ts';
import { outsideCounties } from '../../../accounts/principal.ts';
import { outOfCountyRefusal } from '../publish.ts';
import { extractSlots } from '../../slots.ts';
import type { SkillInput, SkillResult } from '../../skill.ts';
import { availability, dayLabel, farmerPhone, futureDay, isStaff, memory, phoneIn, reply } from './common.ts';
import { offersMachine } from './intents.ts';

// Farm machinery by chat: "俺们镇上谁家有收割机" finds the nearest offers (village, then town, then county);
// nothing found offers a 求租 that owners in the county see; an owner or an officer registers a machine in
// a guided exchange that asks again for what it cannot read (a phone, a price in words).

type Fields = Record<string, string | undefined>;
const DISTANCE = ['本村', '本镇', '本县'];

function words(input: SkillInput) {
  return input.deps.machines ?? new Map<string, string>();
}

/** The asker's place: what this message says, else what the conversation knows. */
function placeOf(input: SkillInput) {
  const { slots } = input;
  return { county: slots.county ?? input.conversation.county ?? undefined, town: slots.town, village: slots.village };
}

function line(p: MachineryPost & { distance: number }, i: number, input: SkillInput): string {
  const when = p.availableFrom || p.availableTo
    ? `｜${p.availableFrom ? dayLabel(p.availableFrom, input.now) : ''}到${p.availableTo ? dayLabel(p.availableTo, input.now) : '以后'}有空`
    : '';
  const what = p.machineText !== p.machine ? `${p.machine}（${p.machineText}）` : p.machine;
  return `${i + 1}、${what}｜${DISTANCE[p.distance]} ${p.county}${p.town ?? ''}${p.village ?? ''}｜${p.price ?? '价格电话问'}` +
    `｜${p.owner ? `${p.owner} ` : ''}电话${p.contact}${when}｜${dayLabel(p.postedAt, input.now)}发布`;
}

export async function machinerySkill(input: SkillInput): Promise<SkillResult> {
  const text = input.text.replace(/\s+/g, '');
  const mem = memory(input);
  if (offersMachine(text)) {
    return startMachineryPost(input, 'offer');
  }
  if (/^(求租|发求租|发个求租|发一条求租|帮我发求租|帮俺发求租)/.test(text)) return startMachineryPost(input, 'want');
  const side: MachinerySide = /谁要租|谁想租|有人要租|有人想租|求租的|有没有人租|谁租/.test(text) ? 'want' : 'offer';
  const place = placeOf(input);
  const machine = machineType(words(input), input.text);
  if (!place.county && !place.town) {
    input.context.clarify = { intent: 'machinery', slot: 'place', slots: { ...input.slots }, question: input.text };
    return reply('machinery', `您在哪个县、哪个镇？我按离您近的帮您找${machine ? `${machine}等` : ''}农机：先找本村，再找本镇、本县。`, ['金乡县胡集镇', '嘉祥县']);
  }
  const day = futureDay(input.text, input.now);
  const search = { ...place, machine, side, now: input.now, limit: 5 };
  let posts = await searchMachineryPosts(input.deps.pool, { ...search, day });
  let note = '';
  if (!posts.length && day) {
    posts = await searchMachineryPosts(input.deps.pool, search);
    if (posts.length) note = `${dayLabel(day, input.now)}有空的没查到，下面这些可以打电话问问：\n`;
  }
  input.context.lastSlots = { ...input.slots };
  const where = place.village ?? place.town ?? place.county ?? '';
  const what = machine ?? '农机';
  if (!posts.length) {
    if (side === 'want') {
      return reply('machinery', `暂时没有${where}的${what}求租信息。`, [], 0.9);
    }
    mem.wantOffer = { machine: machine ?? undefined, ...place, day };
    return reply(
      'machinery',
      `暂时没查到${where}的${what}出租信息。要不要帮您发一条求租？${place.county ?? '县'}里的机主都能看到，会打电话联系您。回复“求租”发布，不用就回复“取消”。`,
      ['求租', '取消'],
      0.9,
    );
  }
  mem.wantOffer = undefined;
  const head = side === 'want' ? `${where}附近想租${what}的（近的在前）：` : `${where}附近的${what}出租信息（近的在前）：`;
  return {
    text: `${head}\n${note}${posts.slice(0, 3).map((p, i) => line(p, i, input)).join('\n')}\n价格以机主报的为准，用之前当面讲好。`,
    intent: 'machinery',
    confidence: 0.9,
    citations: [{ documentId: 'table:machinery_posts', title: '农机信息', snippet: `${posts[0].machine} ${posts[0].contact}` }],
  };
}

// --- the guided exchange -------------------------------------------------------------------------------

interface Spec {
  name: string;
  ask: (f: Fields, input: SkillInput) => string;
  /** undefined: not understood, ask again with `again` */
  read: (t: string, input: SkillInput) => string | undefined;
  again: string;
  needed: (f: Fields, input: SkillInput) => boolean;
}

const SPECS: Spec[] = [
  {
    name: 'machine', needed: () => true,
    ask: (f) => (f.side === 'want' ? '想租啥机器？（如：收割机、旋耕机）' : '是啥机器？（如：收割机、旋耕机、植保无人机）'),
    read: (t, i) => machineType(words(i), t) ?? (/机|铁牛|四轮|耧/.test(t) && t.length <= 12 ? t.trim() : undefined),
    again: '没听明白是啥机器，请说收割机、旋耕机、播种机、植保无人机、拖拉机这样的名字。',
  },
  {
    name: 'county', needed: () => true,
    ask: () => '在哪个县（市、区）、哪个镇？（如：金乡县胡集镇）',
    read: (t, i) => extractSlots(t, i.deps.lexicon, i.now).county,
    again: '没认出是哪个县，请说济宁的县（市、区），如：金乡县、嘉祥县胡集镇。',
  },
  {
    name: 'price', needed: () => true,
    ask: (f) => (f.side === 'want' ? '能出多少钱？（如：60元/亩、300元/天，或回复“面议”）' : '价格多少？（如：80元/亩、300元/天，或回复“面议”）'),
    read: (t) => parseQuotedPrice(t),
    again: '价格没看懂。请写成“80元/亩”“一亩80块”“300元/天”，或回复“面议”。',
  },
  {
    name: 'available', needed: () => true,
    ask: (f) => (f.side === 'want' ? '啥时候要用？（如：12月1日到12月5日、下礼拜，或回复“随时”）' : '啥时候有空？（如：12月1日到12月20日，或回复“随时”）'),
    read: (t, i) => {
      const a = availability(t, i.now);
      return a ? JSON.stringify(a) : undefined;
    },
    again: '日子没看懂，请写成“12月1日到12月20日”，或回复“随时”。',
  },
  {
    name: 'owner', needed: (f, i) => f.side === 'offer' && isStaff(i),
    ask: () => '机主怎么称呼？（如：王师傅；不想留名回复“不留”）',
    read: (t) => (/^(不留|不填|跳过|无|没有)$/.test(t.trim()) ? '-' : t.trim().length <= 20 ? t.trim() : undefined),
    again: '称呼太长了，写个姓就行，如：王师傅。',
  },
  {
    name: 'contact', needed: () => true,
    ask: (f) => (f.side === 'want' ? '您的手机号是多少？机主好联系您。' : '机主的手机号是多少？'),
    read: (t) => phoneIn(t),
    again: '手机号不对，请发 11 位手机号，如 13800000000。',
  },
];

function summary(f: Fields, input: SkillInput): string {
  const a = f.available ? (JSON.parse(f.available) as { from?: string; to?: string }) : {};
  const when = a.from || a.to ? `${a.from ? dayLabel(a.from, input.now) : ''}到${a.to ? dayLabel(a.to, input.now) : '以后'}` : '随时';
  const lines = [
    `类型：${f.side === 'want' ? '求租' : '出租'}`, `机器：${f.machine}`, `地点：${f.county}${f.town ?? ''}${f.village ?? ''}`,
    `价格：${f.price}`, `时间：${when}`, ...(f.owner && f.owner !== '-' ? [`机主：${f.owner}`] : []), `电话：${f.contact}`,
  ];
  return `请确认要发布的农机信息：\n${lines.join('\n')}\n回复“是”发布，回复“取消”放弃。`;
}

function next(input: SkillInput): SkillResult {
  const pending = input.context.pending!;
  const f = pending.fields as Fields;
  // An officer's machine in another county is refused as soon as the county is known, not after "是".
  const own = f.county && input.principal && isStaff(input) ? outsideCounties(input.principal, f.county) : undefined;
  if (own) {
    input.context.pending = undefined;
    return reply('machinery', outOfCountyRefusal('农机信息', f.county, own));
  }
  const missing = SPECS.find((s) => s.needed(f, input) && !f[s.name]);
  if (missing) {
    pending.awaiting = missing.name;
    pending.confirm = false;
    return reply('machinery', missing.ask(f, input), missing.name === 'price' ? ['面议', '取消'] : missing.name === 'available' ? ['随时', '取消'] : ['取消']);
  }
  pending.awaiting = undefined;
  pending.confirm = true;
  return reply('machinery', summary(f, input), ['是', '取消']);
}

/** A price quoted inside a one-line post ("发布农机 旋耕机 一亩六十 金乡县胡集镇"): the rest, or one of its words. */
function quotedPriceIn(text: string): string | undefined {
  if (!/[\d零一二两三四五六七八九十百千万]|面议/.test(text)) return undefined;
  const rest = /\d/.test(text) ? parseQuotedPrice(text.replace(/^.*?(\d)/, '$1')) : undefined;
  return rest ?? text.split(/[\s,，。；;、]+/).map(parseQuotedPrice).find(Boolean);
}

export function startMachineryPost(input: SkillInput, side: MachinerySide): SkillResult {
  const mem = memory(input);
  const f: Fields = { side };
  const offer = side === 'want' ? mem.wantOffer : undefined;
  const place = placeOf(input);
  const machine = machineType(words(input), input.text) ?? offer?.machine;
  if (machine) f.machine = machine;
  // An officer posts for many places: the county is the one this message names, never one left from before.
  f.county = (isStaff(input) ? input.slots.county : place.county) ?? offer?.county;
  f.town = place.town ?? offer?.town;
  f.village = place.village ?? offer?.village;
  const price = quotedPriceIn(input.text);
  if (price) f.price = price;
  if (offer?.day) f.available = JSON.stringify({ from: offer.day, to: offer.day });
  // A farmer posting for themself has their number already (SMS); an officer gives the owner's.
  const own = isStaff(input) && !input.context.onBehalfOf ? undefined : farmerPhone(input);
  f.contact = phoneIn(input.text) ?? own;
  mem.wantOffer = undefined;
  input.context.pending = { kind: 'machinery', fields: f };
  return next(input);
}

export async function stepMachineryPost(input: SkillInput): Promise<SkillResult> {
  const pending = input.context.pending!;
  const f = pending.fields as Fields;
  if (pending.confirm) {
    if (/^(是|是的|确认|对|好|发布|发|中|行|y|yes|ok)$/i.test(input.text.trim())) return save(input, f);
    return reply('machinery', '没有收到“是”，这条农机信息还没发布。回复“是”发布，回复“取消”放弃。', ['是', '取消']);
  }
  const spec = SPECS.find((s) => s.name === pending.awaiting);
  if (spec) {
    const value = spec.read(input.text, input);
    if (!value) return reply('machinery', spec.again, ['取消']);
    f[spec.name] = value;
    if (spec.name === 'county') {
      const slots = extractSlots(input.text, input.deps.lexicon, input.now);
      f.town = slots.town ?? f.town;
      f.village = slots.village ?? f.village;
    }
  }
  return next(input);
}

async function save(input: SkillInput, f: Fields): Promise<SkillResult> {
  const a = f.available ? (JSON.parse(f.available) as { from?: string; to?: string }) : {};
  const by = input.principal?.name ?? '农户';
  input.context.pending = undefined;
  let post: MachineryPost;
  try {
    // An officer posts for their own county only, as over the API (POST /api/v1/posts); a farmer for themself.
    if (input.principal && isStaff(input)) requireCounty(input.principal, f.county ?? null, '农机信息');
    post = await withTransaction(input.deps.pool, async (client) => {
      const created = await createMachineryPost(client, {
        side: f.side!, machine: f.machine!, owner: f.owner && f.owner !== '-' ? f.owner : undefined, county: f.county!, town: f.town,
        village: f.village, price: f.price, contact: f.contact!, availableFrom: a.from, availableTo: a.to, postedBy: by,
      }, words(input), { now: input.now });
      if (input.principal && isStaff(input)) {
        await recordEvent(client, { entity: 'machinery', entityId: created.id, action: 'posted', actor: input.principal, detail: { side: f.side, machine: f.machine }, at: input.now });
      }
      return created;
    });
  } catch (err) {
    if (err instanceof ScopeError) return reply('machinery', `没有发布：${err.message}。`);
    if (!(err instanceof DataError)) throw err;
    return reply('machinery', `没有发布：${err.message}。请重新说一遍再试。`);
  }
  if (post.side === 'want') {
    return reply('machinery', `已发布求租：${post.county}${post.town ?? ''}要租${post.machine}，${post.county}的机主都能看到，会打电话给您。30天后自动下架。`);
  }
  const wants = await searchMachineryPosts(input.deps.pool, { county: post.county, town: post.town ?? undefined, machine: post.machine, side: 'want', now: input.now, limit: 3 });
  const also = wants.length
    ? `\n县里正有人想租${post.machine}：\n${wants.map((w, i) => `${i + 1}. ${w.county}${w.town ?? ''}${w.village ?? ''}｜${w.price ?? '价格面议'}｜电话${w.contact}`).join('\n')}`
    : '';
  return reply('machinery', `已发布${post.machine}出租信息，${post.county}的村民现在就能查到，30天后自动下架。${also}`);
}
