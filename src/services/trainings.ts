import type { Queryable } from '../db/pool.ts';
import { parseSmsPhone } from '../privacy/phone.ts';
import { DataError } from '../data/errors.ts';
import { clean } from '../data/fields.ts';
import { checkCounty, checkText } from '../data/post-fields.ts';
import { MAX_CAPACITY, startMoment } from '../data/trainings.ts';
import { recordEvent, requireCounty, type Actor } from './actor.ts';

// Training sessions (培训) at stations and towns: created by administrators and officers, signed up for by
// chat or SMS (a seat, or a place on the waiting list), reminded the day before, attendance recorded.

export interface Training {
  id: string;
  topic: string;
  county: string;
  town: string | null;
  place: string;
  startsAt: Date;
  capacity: number;
  seated: number;
  waitlisted: number;
  attended: number;
  status: 'scheduled' | 'cancelled';
  createdBy: string | null;
}

export interface TrainingInput {
  topic: string;
  county: string;
  town?: string;
  place: string;
  startsAt: string | Date;
  capacity: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function createTraining(q: Queryable, input: TrainingInput, actor: Actor, now: Date = new Date()): Promise<Training> {
  const issues: string[] = [];
  const topic = checkText(input.topic, '培训主题', 50, issues, true);
  const county = checkCounty(input.county, issues);
  const town = checkText(input.town, '乡镇', 50, issues, false);
  const place = checkText(input.place, '地点', 100, issues, true);
  const startsAt = startMoment(input.startsAt);
  if (!startsAt) issues.push('开始时间无法识别，请写成 2026-12-05 09:00 这样的格式（带上几点，北京时间）');
  else if (startsAt <= now) issues.push('开始时间已经过了，请填以后的时间');
  if (!Number.isInteger(input.capacity) || input.capacity < 1 || input.capacity > MAX_CAPACITY) {
    issues.push(`名额应为 1 到 ${MAX_CAPACITY} 的整数`);
  }
  if (issues.length) throw new DataError(issues);
  requireCounty(actor, county, '培训');
  const { rows } = await q.query<{ id: string }>(
    `INSERT INTO trainings (topic, county, town, place, starts_at, capacity, created_by, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
    [topic, county, town, place, startsAt, input.capacity, actor.name, now],
  );
  await recordEvent(q, { entity: 'training', entityId: rows[0].id, action: 'created', actor, detail: { topic, county, place, startsAt, capacity: input.capacity }, at: now });
  return (await getTraining(q, rows[0].id))!;
}

const COLUMNS = `t.id, t.topic, t.county, t.town, t.place, t.starts_at AS "startsAt", t.capacity, t.status, t.created_by AS "createdBy",
  (SELECT count(*) FROM training_signups s WHERE s.training_id = t.id AND s.status = 'seated')::int AS seated,
  (SELECT count(*) FROM training_signups s WHERE s.training_id = t.id AND s.status = 'waitlisted')::int AS waitlisted,
  (SELECT count(*) FROM training_signups s WHERE s.training_id = t.id AND s.attended)::int AS attended`;

export async function getTraining(q: Queryable, id: string): Promise<Training | undefined> {
  if (!UUID.test(id)) return undefined;
  const { rows } = await q.query<Training>(`SELECT ${COLUMNS} FROM trainings t WHERE t.id = $1`, [id]);
  return rows[0];
}

export interface TrainingQuery {
  county?: string;
  town?: string;
  from: Date;
  /** only sessions before this moment (default: 60 days after `from`) */
  to?: Date;
  topic?: string;
  limit?: number;
}

/** Upcoming sessions, nearest first (the asker's town, then county, then the rest of the city), then soonest. */
export async function listTrainings(q: Queryable, s: TrainingQuery): Promise<(Training & { distance: number })[]> {
  const to = s.to ?? new Date(s.from.getTime() + 60 * 86_400_000);
  const { rows } = await q.query<Training & { distance: number }>(
    `SELECT ${COLUMNS},
       CASE WHEN $3::text IS NOT NULL AND starts_with(coalesce(t.town, t.place), $3) THEN 0
            WHEN $2::text IS NOT NULL AND t.county = $2 THEN 1 ELSE 2 END AS distance
     FROM trainings t
     WHERE t.status = 'scheduled' AND t.starts_at > $1 AND t.starts_at < $4
       AND ($5::text IS NULL OR strpos(t.topic, $5) > 0)
     ORDER BY distance, t.starts_at, t.id
     LIMIT $6`,
    [s.from, clean(s.county) ?? null, clean(s.town)?.replace(/(镇|乡|街道)$/, '') ?? null, to, clean(s.topic) ?? null,
      Math.min(Math.max(s.limit ?? 20, 1), 100)],
  );
  return rows.map((r) => ({ ...r, distance: Number(r.distance) }));
}

export interface Signup {
  id: string;
  trainingId: string;
  phone: string;
  status: 'seated' | 'waitlisted';
  seat: number | null;
  position: number | null;
  attended: boolean | null;
}

const SIGNUP_COLUMNS = `id, training_id AS "trainingId", phone, status, seat, position, attended`;

export class TrainingClosed extends Error {
  readonly code = 'training_closed';
}

/**
 * Sign a phone up: a free seat if there is one, else the end of the waiting list. The same phone again gets
 * the place it already holds (`existing`). The session row is locked for the count, so two farmers signing up
 * at once never get the same seat.
 */
export async function signUp(
  q: Queryable,
  trainingId: string,
  input: { phone: string; conversationId?: string | null },
  now: Date = new Date(),
): Promise<{ signup: Signup; existing: boolean; training: Training } | undefined> {
  if (!UUID.test(trainingId)) return undefined;
  const phone = parseSmsPhone(input.phone);
  if (!phone.ok) throw new DataError([`手机号有误：${phone.reason}`]);
  const { rows: locked } = await q.query<{ starts_at: Date; capacity: number; status: string }>(
    `SELECT starts_at, capacity, status FROM trainings WHERE id = $1 FOR UPDATE`,
    [trainingId],
  );
  if (!locked[0]) return undefined;
  const { rows: held } = await q.query<Signup>(
    `SELECT ${SIGNUP_COLUMNS} FROM training_signups WHERE training_id = $1 AND phone = $2`,
    [trainingId, phone.key],
  );
  if (held[0]) return { signup: held[0], existing: true, training: (await getTraining(q, trainingId))! };
  if (locked[0].status !== 'scheduled') throw new TrainingClosed('这期培训已取消，不能报名');
  if (new Date(locked[0].starts_at) <= now) throw new TrainingClosed('这期培训已经开始或结束了，不能再报名');
  const { rows: free } = await q.query<{ seat: number | null }>(
    `SELECT min(n)::int AS seat FROM generate_series(1, $2::int) AS n
     WHERE NOT EXISTS (SELECT 1 FROM training_signups WHERE training_id = $1 AND seat = n)`,
    [trainingId, locked[0].capacity],
  );
  const seat = free[0]?.seat ?? null;
  let row: Signup;
  if (seat !== null) {
    ({ rows: [row] } = await q.query<Signup>(
      `INSERT INTO training_signups (training_id, phone, status, seat, conversation_id, created_at)
       VALUES ($1, $2, 'seated', $3, $4, $5) RETURNING ${SIGNUP_COLUMNS}`,
      [trainingId, phone.key, seat, input.conversationId ?? null, now],
    ));
  } else {
    ({ rows: [row] } = await q.query<Signup>(
      `INSERT INTO training_signups (training_id, phone, status, position, conversation_id, created_at)
       VALUES ($1, $2, 'waitlisted',
               (SELECT coalesce(max(position), 0) + 1 FROM training_signups WHERE training_id = $1 AND status = 'waitlisted'),
               $3, $4)
       RETURNING ${SIGNUP_COLUMNS}`,
      [trainingId, phone.key, input.conversationId ?? null, now],
    ));
  }
  return { signup: row, existing: false, training: (await getTraining(q, trainingId))! };
}

export async function signupsOf(q: Queryable, trainingId: string): Promise<Signup[]> {
  const { rows } = await q.query<Signup>(
    `SELECT ${SIGNUP_COLUMNS} FROM training_signups WHERE training_id = $1
     ORDER BY status DESC, seat NULLS LAST, position NULLS LAST`,
    [trainingId],
  );
  return rows;
}

/** A farmer's places in upcoming sessions. */
export async function placesOfFarmer(q: Queryable, phone: string, now: Date): Promise<(Signup & { topic: string; place: string; startsAt: Date })[]> {
  const { rows } = await q.query<Signup & { topic: string; place: string; startsAt: Date }>(
    `SELECT s.id, s.training_id AS "trainingId", s.phone, s.status, s.seat, s.position, s.attended,
            t.topic, t.place, t.starts_at AS "startsAt"
     FROM training_signups s JOIN trainings t ON t.id = s.training_id
     WHERE s.phone = $1 AND t.starts_at > $2 AND t.status = 'scheduled' ORDER BY t.starts_at LIMIT 5`,
    [phone, now],
  );
  return rows;
}

/**
 * The officer's attendance list: each phone marked present or absent. An officer records only sessions of
 * their county; every change is an event.
 */
export async function recordAttendance(
  q: Queryable,
  trainingId: string,
  marks: { phone: string; attended: boolean }[],
  actor: Actor,
  now: Date = new Date(),
): Promise<{ updated: number; unknown: string[] } | undefined> {
  const training = await getTraining(q, trainingId);
  if (!training) return undefined;
  requireCounty(actor, training.county, '培训');
  const unknown: string[] = [];
  let updated = 0;
  for (const mark of marks) {
    const phone = parseSmsPhone(mark.phone);
    const key = phone.ok ? phone.key : mark.phone;
    const { rowCount } = await q.query(
      `UPDATE training_signups SET attended = $3, attended_at = $4 WHERE training_id = $1 AND phone = $2`,
      [trainingId, key, mark.attended, now],
    );
    if (rowCount) updated++;
    else unknown.push(mark.phone);
  }
  if (unknown.length) throw new DataError([`这些手机号没有报名这期培训：${unknown.join('、')}`]);
  await recordEvent(q, { entity: 'training', entityId: trainingId, action: 'attendance', actor, detail: { marks: marks.length, present: marks.filter((m) => m.attended).length }, at: now });
  return { updated, unknown };
}

/** Seated farmers of sessions starting on the next China day who have not been reminded yet. */
export async function dueTrainingReminders(q: Queryable, now: Date): Promise<(Signup & { topic: string; place: string; startsAt: Date; conversationId: string | null })[]> {
  const { rows } = await q.query<Signup & { topic: string; place: string; startsAt: Date; conversationId: string | null }>(
    `SELECT s.id, s.training_id AS "trainingId", s.phone, s.status, s.seat, s.position, s.attended,
            s.conversation_id AS "conversationId", t.topic, t.place, t.starts_at AS "startsAt"
     FROM training_signups s JOIN trainings t ON t.id = s.training_id
     WHERE t.status = 'scheduled' AND s.status = 'seated' AND s.reminded_at IS NULL
       AND (t.starts_at AT TIME ZONE 'Asia/Shanghai')::date = (($1::timestamptz AT TIME ZONE 'Asia/Shanghai')::date + 1)
     ORDER BY t.starts_at, s.seat`,
    [now],
  );
  return rows;
}

export async function markSignupReminded(q: Queryable, id: string, now: Date): Promise<boolean> {
  const { rowCount } = await q.query(`UPDATE training_signups SET reminded_at = $2 WHERE id = $1 AND reminded_at IS NULL`, [id, now]);
  return (rowCount ?? 0) > 0;
}

/** "12月5日 09:00" in China time. */
export function whenLabel(d: Date): string {
  const c = new Date(new Date(d).getTime() + 8 * 3_600_000);
  return `${c.getUTCMonth() + 1}月${c.getUTCDate()}日 ${String(c.getUTCHours()).padStart(2, '0')}:${String(c.getUTCMinutes()).padStart(2, '0')}`;
}

export function signupText(training: Pick<Training, 'topic' | 'place' | 'startsAt'>, s: Pick<Signup, 'status' | 'seat' | 'position'>, existing: boolean): string {
  const head = `${whenLabel(training.startsAt)}在${training.place}的“${training.topic}”培训`;
  if (s.status === 'seated') return `${existing ? '您已经报过名了：' : '报名成功：'}${head}，您的座位号是 ${s.seat} 号。前一天会发短信提醒您。`;
  return `${existing ? '您已经在候补名单上：' : '名额已满，已给您排上候补：'}${head}，候补第 ${s.position} 位，有空位时信息员会联系您。`;
}
