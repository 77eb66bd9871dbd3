import {
  DataError, createLaborPost, createSupplyPost, upsertPrices, validatePriceRow,
} from '../../data/index.ts';
import { chinaDay } from '../dates.ts';
import { extractSlots } from '../slots.ts';
import type { SkillInput, SkillResult } from '../skill.ts';
import type { ConversationContext } from '../../conversations/types.ts';
import { outsideCounties } from '../../accounts/principal.ts';

type Kind = 'price' | 'labor' | 'supply';
type Fields = Record<string, string | undefined>;

interface FieldSpec {
  name: string;
  ask: string;
  required: boolean;
  /** read the field from an answer; undefined = not understood */
  read: (text: string, input: SkillInput) => string | undefined;
}

const slotsOf = (text: string, input: SkillInput) =>
  extractSlots(text, input.deps.lexicon, input.now, []);
const phoneIn = (t: string) => /(?<!\d)(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})(?!\d)/.exec(t)?.[1];
/** "3.5" or "3.2-3.6"; a negative number ("-5") is refused, not read as 5. */
const priceIn = (t: string) => {
  if (/(^|[^\d])[-－−]\s*\d/.test(t.trim()) && !/\d\s*[-~到至]\s*\d/.test(t)) return undefined;
  return /(\d+(?:\.\d+)?)(?:\s*[-~到至]\s*(\d+(?:\.\d+)?))?/.exec(t)?.[0]?.replace(/\s/g, '');
};
const anyText = (t: string) => (t.trim().length >= 1 ? t.trim().slice(0, 100) : undefined);

const SPECS: Record<Kind, FieldSpec[]> = {
  price: [
    { name: 'commodity', ask: '是哪种农产品？（如：大蒜）', required: true, read: (t, i) => slotsOf(t, i).commodity },
    { name: 'market', ask: '是哪个市场或哪里的收购价？', required: true, read: anyText },
    { name: 'price', ask: '价格是多少？（如：3.5 或 3.2-3.6，单位元/斤）', required: true, read: priceIn },
  ],
  labor: [
    { name: 'kind', ask: '是招工还是找活？', required: true, read: (t) => (/招|雇|缺人/.test(t) ? 'hiring' : /找活|找工作|打工/.test(t) ? 'seeking' : undefined) },
    { name: 'work', ask: '干什么活？（如：冷库分拣大蒜）', required: true, read: anyText },
    { name: 'county', ask: '在哪个县（市、区）？', required: true, read: (t, i) => slotsOf(t, i).county },
    { name: 'pay', ask: '工钱多少？（不清楚回复“面议”）', required: true, read: anyText },
    { name: 'contact', ask: '联系电话是多少？', required: true, read: phoneIn },
  ],
  supply: [
    { name: 'kind', ask: '是要卖还是要买？', required: true, read: (t) => (/收|买|求购/.test(t) ? 'buy' : /卖|出售|供应/.test(t) ? 'sell' : undefined) },
    { name: 'commodity', ask: '是什么产品？', required: true, read: (t, i) => slotsOf(t, i).commodity ?? anyText(t) },
    { name: 'county', ask: '在哪个县（市、区）？', required: true, read: (t, i) => slotsOf(t, i).county },
    { name: 'quantity', ask: '数量多少？（如：20吨）', required: true, read: anyText },
    { name: 'contact', ask: '联系电话是多少？', required: true, read: phoneIn },
  ],
};

const LABELS: Record<string, string> = {
  commodity: '产品', market: '市场', price: '价格', kind: '类型', work: '活儿', county: '地点', pay: '工钱',
  contact: '电话', quantity: '数量', town: '乡镇',
};
const KIND_LABELS: Record<string, string> = { hiring: '招工', seeking: '找活', sell: '出售', buy: '收购' };
const TITLES: Record<Kind, string> = { price: '价格', labor: '用工信息', supply: '供求信息' };

/** Fill what the first message already says ("发布价格 金乡大蒜 3.5元/斤"). */
function prefill(kind: Kind, text: string, input: SkillInput): Fields {
  const fields: Fields = {};
  if (!text) return fields;
  const slots = extractSlots(text, input.deps.lexicon, input.now, []);
  for (const spec of SPECS[kind]) {
    if (spec.read === anyText) continue; // free text fields are asked, not guessed
    const v = spec.name === 'county' ? slots.county : spec.name === 'commodity' ? slots.commodity : spec.read(text, input);
    if (v) fields[spec.name] = v;
  }
  if (kind === 'supply' && slots.quantity) fields.quantity = slots.quantity;
  if (slots.town) fields.town = slots.town;
  if (/公斤|千克/.test(text)) fields.unit = '元/公斤';
  return fields;
}

function nextMissing(kind: Kind, fields: Fields): FieldSpec | undefined {
  return SPECS[kind].find((s) => s.required && !fields[s.name]);
}

function summary(kind: Kind, fields: Fields): string {
  const parts = Object.entries(fields)
    .filter(([k, v]) => v && LABELS[k])
    .map(([k, v]) => `${LABELS[k]}：${KIND_LABELS[v!] ?? v}`);
  return `请确认要发布的${TITLES[kind]}：\n${parts.join('\n')}\n回复“是”发布，回复“取消”放弃。`;
}

export function canPublish(input: SkillInput): boolean {
  return input.principal?.role === 'officer' || input.principal?.role === 'admin';
}

/** Start a guided exchange for a 信息员: ask for what is missing, confirm, then save. */
export function startPublish(input: SkillInput, kind: Kind, rest: string): SkillResult {
  const fields = prefill(kind, rest, input);
  input.context.pending = { kind, fields };
  return continuePublish(input, undefined);
}

/** One step of the exchange; `answer` is the officer's reply to the last question. */
export async function stepPublish(input: SkillInput): Promise<SkillResult> {
  const pending = input.context.pending!;
  const kind = pending.kind as Kind;
  const fields = pending.fields as Fields;
  if (pending.confirm) {
    if (/^(是|是的|确认|对|好|发布|y|yes|ok)$/i.test(input.text.trim())) return save(input, kind, fields);
    return reply(input, '没有收到“是”，这条信息还没发布。回复“是”发布，回复“取消”放弃。', ['是', '取消']);
  }
  const spec = SPECS[kind].find((s) => s.name === pending.awaiting);
  if (spec) {
    const value = spec.read(input.text, input);
    if (!value) return reply(input, `没看明白，${spec.ask}`, []);
    fields[spec.name] = value;
  }
  return continuePublish(input, undefined);
}

function continuePublish(input: SkillInput, _answer: string | undefined): SkillResult {
  const pending = input.context.pending!;
  const kind = pending.kind as Kind;
  const fields = pending.fields as Fields;
  // Another county's post is refused as soon as its county is given, not after the officer confirms it.
  if (fields.county) {
    const refused = outOfCounty(input, fields.county);
    if (refused) {
      input.context.pending = undefined;
      return { text: refusal(kind, fields.county, refused), intent: kind, confidence: 0.95 };
    }
  }
  const missing = nextMissing(kind, fields);
  if (missing) {
    pending.awaiting = missing.name;
    pending.confirm = false;
    const quick = missing.name === 'kind' ? (kind === 'labor' ? ['招工', '找活'] : ['卖', '买']) : [];
    return reply(input, missing.ask, [...quick, '取消']);
  }
  pending.awaiting = undefined;
  pending.confirm = true;
  return reply(input, summary(kind, fields), ['是', '取消']);
}

function reply(input: SkillInput, text: string, quickReplies: string[]): SkillResult {
  const kind = input.context.pending?.kind as Kind | undefined;
  return { text, intent: kind === 'price' ? 'price' : (kind ?? 'unknown'), confidence: 0.95, quickReplies };
}

/** An officer outside `county` (undefined: nothing to check): their own counties, for the refusal; administrators may post anywhere. */
function outOfCounty(input: SkillInput, county: string | null | undefined): string | undefined {
  if (county === undefined || !input.principal) return undefined;
  return outsideCounties(input.principal, county);
}

function refusal(kind: Kind, county: string | undefined, own: string): string {
  return outOfCountyRefusal(TITLES[kind], county, own);
}

/** What an officer is told when a post by chat names a county outside their own (also for machines). */
export function outOfCountyRefusal(what: string, county: string | undefined, own: string): string {
  return `没有发布：只能发布本县的${what}：这条是${county ?? '未指明县'}的，您负责${own}。`;
}

async function save(input: SkillInput, kind: Kind, f: Fields): Promise<SkillResult> {
  const { deps, now } = input;
  const by = input.principal?.name ?? '信息员';
  const done = (ctx: ConversationContext) => { ctx.pending = undefined; };
  try {
    // An officer posts for their own county only (the services' rule, src/services/actor.ts); a price names
    // its county only when the officer gave one.
    const refused = outOfCounty(input, kind === 'price' && !f.county ? undefined : (f.county ?? null));
    if (refused) {
      done(input.context);
      return { text: refusal(kind, f.county, refused), intent: kind, confidence: 0.95 };
    }
    if (kind === 'price') {
      const [low, high = low] = f.price!.split(/[-~到至]/);
      const avg = ((Number(low) + Number(high)) / 2).toFixed(2);
      const checked = validatePriceRow(
        { commodity: f.commodity, market: f.market, county: f.county, date: chinaDay(now), low, avg, high, unit: f.unit ?? '元/斤', source: `信息员${by}发布` },
        1,
        { today: chinaDay(now) },
      );
      if (!checked.ok) throw new DataError([checked.reason]);
      await upsertPrices(deps.pool, [checked.row]);
    } else if (kind === 'labor') {
      await createLaborPost(deps.pool, {
        kind: f.kind!, work: f.work!, title: f.work!, county: f.county!, town: f.town, pay: f.pay, contact: f.contact!, postedBy: by,
      }, { now });
    } else {
      await createSupplyPost(deps.pool, {
        kind: f.kind!, commodity: f.commodity!, county: f.county!, town: f.town, quantity: f.quantity, price: f.price, contact: f.contact!, postedBy: by,
      }, { now });
    }
  } catch (err) {
    if (!(err instanceof DataError)) throw err;
    done(input.context);
    return { text: `没有发布：${err.message}。请重新发送“发布${TITLES[kind]}”再试。`, intent: kind, confidence: 0.95 };
  }
  done(input.context);
  return { text: `已发布${TITLES[kind]}，村民现在就能查到。`, intent: kind, confidence: 0.95 };
}
