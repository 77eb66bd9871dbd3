import type { Queryable } from '../db/pool.ts';
import { chinaDayEnd, chinaDayStart } from '../data/fields.ts';
import { groupQuestions, type QuestionGroup, type WordCutter } from './question-groups.ts';

export interface ServiceQuery {
  /** China days, inclusive */
  from: string;
  to: string;
  /** one county; undefined = every county */
  county?: string;
  /** a county administrator's counties: the figures cover only these */
  counties?: readonly string[];
}

export interface ExpertFigures {
  expertId: string;
  username: string;
  name: string;
  answered: number;
  medianResponseMinutes: number | null;
  overdue: number;
}

export interface ServiceFigures {
  from: string;
  to: string;
  county: string | null;
  // Every figure counts by the conversation's county (IN_COUNTIES below), over the period's China days.
  /** messages written by farmers and officers (one per turn; the replies are not turns) */
  turns: number;
  /** turns by the conversation's channel */
  byChannel: Record<string, number>;
  /** the assistant's replies by intent */
  byIntent: Record<string, number>;
  /** the assistant's replies that answered (not handed to an expert) */
  answered: number;
  /** the assistant's replies handed to an expert: each made one ticket */
  escalated: number;
  /** tickets made in the period and still waiting for an expert (open, assigned, reopened) */
  ticketsOpen: number;
  /** of those, past their due time now */
  ticketsOverdue: number;
  /** tickets made in the period: minutes to their first answer, median */
  medianFirstResponseMinutes: number | null;
  /** tickets made in the period that were answered in time, of those answered or already overdue */
  slaMetShare: number | null;
  /** the escalated questions of the period, grouped by what they ask */
  topUnanswered: QuestionGroup[];
  byDay: { day: string; channel: string; turns: number; answered: number; escalated: number }[];
  byExpert: ExpertFigures[];
}

// China days: the bureau reads "Tuesday" in Beijing time whatever the server's zone.
const CHINA_DAY = `to_char((m.created_at AT TIME ZONE 'UTC') + interval '8 hours', 'YYYY-MM-DD')`;

/** Which counties a query covers, as one SQL array parameter (NULL = all). */
function countyList(s: ServiceQuery): string[] | null {
  if (s.county) return s.counties && !s.counties.includes(s.county) ? [] : [s.county];
  return s.counties ? [...s.counties] : null;
}

const round1 = (n: number | null | undefined) => (n === null || n === undefined ? null : Math.round(Number(n) * 10) / 10);

/**
 * One rule for "a county's figures", the same in every figure below (and on the admin page, which shows them
 * side by side): a message, an escalation and a ticket belong to the county of the conversation they are in
 * (`conversations.county`: the county the farmer said they live in, or their asker's), never to a county a
 * question merely names. So a 嘉祥县 farmer asking about 金乡县 garlic counts for 嘉祥县 in turns, answers,
 * escalations, open and overdue tickets and the unanswered questions alike, and escalated = tickets made.
 * A conversation whose county is unknown counts only in the whole city's figures.
 */
const IN_COUNTIES = `($3::text[] IS NULL OR c.county = ANY($3::text[]))`;

/**
 * What the service did in a period: farmers' turns by channel and day, the bot's answers by intent, what
 * went to the experts and how fast they answered, and the questions the bot could not answer, grouped.
 */
export async function serviceFigures(q: Queryable, s: ServiceQuery, cutter: WordCutter, now = new Date()): Promise<ServiceFigures> {
  const start = chinaDayStart(s.from);
  const end = chinaDayEnd(s.to);
  const counties = countyList(s);
  const range = [start, end, counties];

  const { rows: days } = await q.query<{ day: string; channel: string; turns: number; answered: number; escalated: number }>(
    `SELECT ${CHINA_DAY} AS day, c.channel,
            count(*) FILTER (WHERE m.author IN ('farmer', 'officer'))::int AS turns,
            count(*) FILTER (WHERE m.author = 'bot' AND NOT m.escalated)::int AS answered,
            count(*) FILTER (WHERE m.author = 'bot' AND m.escalated)::int AS escalated
       FROM messages m JOIN conversations c ON c.id = m.conversation_id
      WHERE m.created_at >= $1 AND m.created_at < $2 AND ${IN_COUNTIES}
      GROUP BY 1, 2 ORDER BY 1, 2`,
    range,
  );
  const { rows: intents } = await q.query<{ intent: string; n: number }>(
    `SELECT coalesce(m.intent, 'unknown') AS intent, count(*)::int AS n
       FROM messages m JOIN conversations c ON c.id = m.conversation_id
      WHERE m.author = 'bot' AND m.created_at >= $1 AND m.created_at < $2 AND ${IN_COUNTIES}
      GROUP BY 1 ORDER BY 2 DESC, 1`,
    range,
  );
  // A ticket's first answer is its first 'answered' event (answered_at moves with every later answer).
  const { rows: [tickets] } = await q.query<{ open: number; overdue: number; median: number | null; met: number; judged: number }>(
    `WITH first AS (
       SELECT ticket_id, min(created_at) AS at FROM ticket_events WHERE kind = 'answered' GROUP BY ticket_id
     ), t AS (
       SELECT t.status, t.due_at, t.created_at, f.at AS first_answer
         FROM tickets t JOIN conversations c ON c.id = t.conversation_id LEFT JOIN first f ON f.ticket_id = t.id
        WHERE t.created_at >= $1 AND t.created_at < $2 AND ${IN_COUNTIES}
     )
     SELECT count(*) FILTER (WHERE status IN ('open', 'assigned', 'reopened'))::int AS open,
            count(*) FILTER (WHERE status IN ('open', 'assigned', 'reopened') AND due_at < $4)::int AS overdue,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM first_answer - created_at) / 60)
              FILTER (WHERE first_answer IS NOT NULL) AS median,
            count(*) FILTER (WHERE first_answer <= due_at)::int AS met,
            count(*) FILTER (WHERE first_answer IS NOT NULL OR due_at < $4)::int AS judged
       FROM t`,
    [...range, now],
  );
  const { rows: experts } = await q.query<{ id: string; username: string; name: string; answered: number; median: number | null; overdue: number }>(
    `WITH first AS (
       SELECT DISTINCT ON (ticket_id) ticket_id, created_at AS at, actor_id FROM ticket_events
        WHERE kind = 'answered' ORDER BY ticket_id, created_at
     ), t AS (
       SELECT t.id, t.assignee_id, t.status, t.due_at, t.created_at, f.at AS first_answer, f.actor_id
         FROM tickets t JOIN conversations c ON c.id = t.conversation_id LEFT JOIN first f ON f.ticket_id = t.id
        WHERE t.created_at >= $1 AND t.created_at < $2 AND ${IN_COUNTIES}
     )
     SELECT u.id, u.username, u.name,
            count(*) FILTER (WHERE t.actor_id = u.id)::int AS answered,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM t.first_answer - t.created_at) / 60)
              FILTER (WHERE t.actor_id = u.id) AS median,
            count(*) FILTER (WHERE (t.actor_id = u.id AND t.first_answer > t.due_at)
              OR (t.first_answer IS NULL AND t.assignee_id = u.id AND t.due_at < $4
                  AND t.status IN ('open', 'assigned', 'reopened')))::int AS overdue
       FROM users u JOIN t ON t.actor_id = u.id OR t.assignee_id = u.id
      WHERE u.role = 'expert'
      GROUP BY u.id, u.username, u.name ORDER BY answered DESC, u.username`,
    [...range, now],
  );
  const { rows: asked } = await q.query<{ question: string; category: string; commodity: string | null }>(
    `SELECT e.question, e.category, e.commodity FROM escalations e JOIN conversations c ON c.id = e.conversation_id
      WHERE e.created_at >= $1 AND e.created_at < $2 AND ${IN_COUNTIES}
      ORDER BY e.created_at DESC LIMIT 5000`,
    range,
  );

  const byChannel: Record<string, number> = {};
  for (const d of days) byChannel[d.channel] = (byChannel[d.channel] ?? 0) + d.turns;
  const sum = (f: (d: (typeof days)[number]) => number) => days.reduce((n, d) => n + f(d), 0);
  return {
    from: s.from, to: s.to, county: s.county ?? null,
    turns: sum((d) => d.turns),
    byChannel,
    byIntent: Object.fromEntries(intents.map((i) => [i.intent, i.n])),
    answered: sum((d) => d.answered),
    escalated: sum((d) => d.escalated),
    ticketsOpen: tickets.open,
    ticketsOverdue: tickets.overdue,
    medianFirstResponseMinutes: round1(tickets.median),
    slaMetShare: tickets.judged ? Math.round((tickets.met / tickets.judged) * 1000) / 1000 : null,
    topUnanswered: groupQuestions(asked, cutter),
    byDay: days,
    byExpert: experts.map((e) => ({
      expertId: e.id, username: e.username, name: e.name, answered: e.answered, medianResponseMinutes: round1(e.median), overdue: e.overdue,
    })),
  };
}
