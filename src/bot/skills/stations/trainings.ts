import { withTransaction } from '../../../db/pool.ts';
import { DataError } from '../../../data/index.ts';
import { recordEvent } from '../../../services/actor.ts';
import { listTrainings, placesOfFarmer, signUp, signupText, TrainingClosed, whenLabel, type Training } from '../../../services/trainings.ts';
import type { SkillInput, SkillResult } from '../../skill.ts';
import { farmerPhone, isStaff, memory, phoneIn, reply } from './common.ts';

// Trainings by chat or SMS: "最近有啥培训" lists the upcoming sessions nearest and soonest first;
// "报名" (or "报名2" for the second listed) takes a seat or a place on the waiting list; the same phone
// again gets the place it already holds.

function left(t: Training): string {
  const free = t.capacity - t.seated;
  return free > 0 ? `还剩${free}个名额` : `已满，可排候补（${t.waitlisted}人在排）`;
}

function topicIn(text: string): string | undefined {
  return /手机/.test(text) ? '手机' : /电商|网上卖|网店/.test(text) ? '电商' : /病虫|打药|植保/.test(text) ? '病虫害' : undefined;
}

export async function trainingSkill(input: SkillInput): Promise<SkillResult> {
  const text = input.text.replace(/\s+/g, '');
  const mine = /(我|俺)(报|报名)的|(我|俺)的(座位|培训)|报上了吗|报上没/.test(text);
  if (mine) return myPlaces(input);
  if (/^(我要|俺要|想|我想|俺想|给我|帮我|帮俺)?报名/.test(text)) return startSignup(input);
  return list(input);
}

async function upcoming(input: SkillInput, topic?: string): Promise<(Training & { distance: number })[]> {
  const { slots } = input;
  const county = slots.county ?? input.conversation.county ?? undefined;
  const found = await listTrainings(input.deps.pool, { county, town: slots.town, from: input.now, topic, limit: 5 });
  if (found.length || !topic) return found;
  return listTrainings(input.deps.pool, { county, town: slots.town, from: input.now, limit: 5 });
}

async function list(input: SkillInput): Promise<SkillResult> {
  const trainings = await upcoming(input, topicIn(input.text));
  const mem = memory(input);
  if (!trainings.length) {
    mem.trainings = [];
    return reply('training', '最近两个月还没有安排培训。有了信息员会通知，也可以过几天再问我。', [], 0.9);
  }
  mem.trainings = trainings.slice(0, 3).map((t) => t.id);
  const where = input.slots.town ?? input.slots.county ?? input.conversation.county;
  const lines = trainings.slice(0, 3).map((t, i) => `${i + 1}、${whenLabel(t.startsAt)}｜${t.topic}｜${t.place}｜${left(t)}`);
  return {
    text: `${where ? `${where}附近` : '最近'}的培训（近的、早的在前），回复“报名1”报第1期：\n${lines.join('\n')}`,
    intent: 'training', confidence: 0.9,
    quickReplies: trainings.slice(0, 3).map((_, i) => `报名${i + 1}`),
    citations: [{ documentId: 'table:trainings', title: '培训安排', snippet: trainings[0].topic }],
  };
}

async function myPlaces(input: SkillInput): Promise<SkillResult> {
  const phone = farmerPhone(input);
  if (!phone) return reply('training', '请发一下您报名时留的手机号，我帮您查。');
  const places = await placesOfFarmer(input.deps.pool, phone, input.now);
  if (!places.length) return reply('training', '没查到您报名的培训。问“最近有啥培训”可以看安排。');
  return reply('training', `您报名的培训：\n${places.map((p, i) => `${i + 1}. ${whenLabel(p.startsAt)}｜${p.topic}｜${p.place}｜${p.status === 'seated' ? `座位${p.seat}号` : `候补第${p.position}位`}`).join('\n')}`);
}

/** "报名" / "报名2" / "报名 13800000000": pick the session, then the phone, then sign up. */
function startSignup(input: SkillInput): Promise<SkillResult> | SkillResult {
  const mem = memory(input);
  const digits = /^[^\d]*?报名\s*(第)?\s*(\d{1,2})(?!\d)/.exec(input.text);
  const listed = mem.trainings ?? [];
  const fields: Record<string, string | undefined> = { phone: phoneIn(input.text) ?? farmerPhone(input) };
  if (digits) {
    const id = listed[Number(digits[2]) - 1];
    if (!id) return reply('training', listed.length ? `没有第${digits[2]}期，请回复“报名1”到“报名${listed.length}”。` : '请先问“最近有啥培训”，看了安排再报名。', ['最近有啥培训']);
    fields.trainingId = id;
  } else if (listed.length === 1) {
    fields.trainingId = listed[0];
  }
  input.context.pending = { kind: 'signup', fields };
  return continueSignup(input);
}

async function continueSignup(input: SkillInput): Promise<SkillResult> {
  const pending = input.context.pending!;
  const f = pending.fields as Record<string, string | undefined>;
  if (!f.trainingId) {
    const trainings = await upcoming(input, topicIn(input.text));
    if (!trainings.length) {
      input.context.pending = undefined;
      return reply('training', '最近两个月还没有安排培训，暂时没法报名。');
    }
    memory(input).trainings = trainings.map((t) => t.id);
    if (trainings.length === 1) f.trainingId = trainings[0].id;
    else {
      pending.awaiting = 'training';
      return reply('training', `报哪一期？回复序号：\n${trainings.map((t, i) => `${i + 1}. ${whenLabel(t.startsAt)}｜${t.topic}｜${t.place}｜${left(t)}`).join('\n')}`, trainings.slice(0, 3).map((_, i) => String(i + 1)));
    }
  }
  if (!f.phone) {
    pending.awaiting = 'phone';
    return reply('training', '报名要留手机号，前一天发短信提醒您。您的手机号是多少？', ['取消']);
  }
  return save(input, f.trainingId!, f.phone);
}

export async function stepSignup(input: SkillInput): Promise<SkillResult> {
  const pending = input.context.pending!;
  const f = pending.fields as Record<string, string | undefined>;
  const t = input.text.trim();
  if (pending.awaiting === 'training') {
    const n = /^(第)?\s*(\d{1,2})\s*(期|个)?$|报名\s*(\d{1,2})/.exec(t);
    const listed = memory(input).trainings ?? [];
    const id = n ? listed[Number(n[2] ?? n[4]) - 1] : undefined;
    if (!id) return reply('training', `请回复 1 到 ${listed.length} 的序号。`, ['取消']);
    f.trainingId = id;
  } else if (pending.awaiting === 'phone') {
    const phone = phoneIn(t);
    if (!phone) return reply('training', '手机号不对，请发 11 位手机号，如 13800000000。', ['取消']);
    f.phone = phone;
    memory(input).phone = phone;
  }
  pending.awaiting = undefined;
  return continueSignup(input);
}

async function save(input: SkillInput, trainingId: string, phone: string): Promise<SkillResult> {
  input.context.pending = undefined;
  const forFarmer = Boolean(input.context.onBehalfOf);
  try {
    const result = await withTransaction(input.deps.pool, async (client) => {
      const r = await signUp(client, trainingId, { phone, conversationId: forFarmer ? null : input.conversation.id }, input.now);
      if (r && !r.existing && input.principal && isStaff(input)) {
        await recordEvent(client, { entity: 'signup', entityId: r.signup.id, action: r.signup.status, actor: input.principal, detail: { trainingId }, at: input.now });
      }
      return r;
    });
    if (!result) return reply('training', '这期培训找不到了，可能已经取消。问“最近有啥培训”看看别的。');
    return reply('training', signupText(result.training, result.signup, result.existing));
  } catch (err) {
    if (err instanceof DataError || err instanceof TrainingClosed) return reply('training', `没报上：${err.message}。`);
    throw err;
  }
}
