import type pg from 'pg';
import type { Config } from '../config.ts';
import type { ConversationEvents } from '../conversations/events.ts';
import type { Conversation, Message } from '../conversations/types.ts';
import type { Queryable } from '../db/pool.ts';
import type { Principal } from '../accounts/principal.ts';
import type { Knowledge } from '../knowledge/index.ts';
import type { Outbox } from '../turns/outbox.ts';
import { claimTicket, closeTicket, replyToTicket, transferTicket, type ReplyResult } from './actions.ts';
import { latestExpertReply, saveExpertAnswer, type ExpertAnswer } from './answers.ts';
import { actorOf, type EscalationContext, type EscalationSettings } from './context.ts';
import { conflict, missing, refused } from './errors.ts';
import { expertDigest, type DigestReport } from './digest.ts';
import { followUp } from './follow-up.ts';
import { alreadyWithExpertText, forwardedToExpertText, waitingTicketOf } from './waiting.ts';
import { openTicket, type Escalated } from './intake.ts';
import { canSee, scopeOf } from './scope.ts';
import { TicketStream } from './stream.ts';
import { sweepTickets, type SweepReport } from './sweep.ts';
import { getTicket, type Ticket } from './tickets.ts';
import { parseWorkDays, parseWorkHours } from '../settings/work-hours.ts';

export type { TicketScope } from './scope.ts';
export type { Ticket, TicketStatus } from './tickets.ts';

export function escalationSettings(config: Config): EscalationSettings {
  const hours = parseWorkHours(config.EXPERT_WORK_HOURS);
  const days = parseWorkDays(config.EXPERT_WORK_DAYS);
  if (!hours || !days) throw new Error('EXPERT_WORK_HOURS / EXPERT_WORK_DAYS were not validated');
  return {
    team: { days, ...hours },
    slaHours: config.TICKET_SLA_HOURS,
    urgentSlaHours: config.TICKET_URGENT_SLA_HOURS,
    autoCloseHours: config.TICKET_AUTO_CLOSE_HOURS,
    expireDays: config.TICKET_EXPIRE_DAYS,
    smsNotify: config.EXPERT_SMS_NOTIFY,
  };
}

export interface KnowledgeOutcome {
  saved: boolean;
  answer?: ExpertAnswer;
  /** why the answer could not be saved (the reply itself went out) */
  error?: string;
}

/**
 * Expert escalation: the agent's hooks (a ticket per escalated turn, follow-ups to the expert who holds the
 * conversation) and what the console does with tickets. One per process.
 */
export class Escalation {
  readonly ctx: EscalationContext;
  readonly hooks: {
    onEscalated: (client: Queryable, e: Escalated) => Promise<{ wait?: string }>;
    onFollowUpToExpert: (conversation: Conversation, message: Message) => Promise<void>;
    ticketWaiting: (client: Queryable, conversationId: string) => Promise<{ question: string; notice: string; forwarded: string } | undefined>;
  };

  constructor(ctx: EscalationContext) {
    this.ctx = ctx;
    this.hooks = {
      onEscalated: (client, e) => openTicket(this.ctx, client, e),
      onFollowUpToExpert: (conversation, message) => followUp(this.ctx, conversation, message),
      ticketWaiting: async (client, conversationId) => {
        const t = await waitingTicketOf(client, conversationId);
        return t && { question: t.question, notice: alreadyWithExpertText(t), forwarded: forwardedToExpertText(t) };
      },
    };
  }

  get stream(): TicketStream {
    return this.ctx.stream;
  }

  claim(p: Principal, id: string): Promise<Ticket> {
    return claimTicket(this.ctx, p, id);
  }

  async reply(
    p: Principal,
    id: string,
    body: { text: string; saveToKnowledgeBase?: boolean; question?: string },
  ): Promise<ReplyResult & { knowledge?: KnowledgeOutcome }> {
    const result = await replyToTicket(this.ctx, p, id, body.text);
    if (!body.saveToKnowledgeBase) return result;
    try {
      const answer = await saveExpertAnswer(this.ctx, result.ticket, { ...actorOf(p), displayName: p.name }, {
        question: body.question ?? result.ticket.question, answer: body.text,
      });
      return { ...result, knowledge: { saved: true, answer } };
    } catch (err) {
      // The farmer has the answer already; saving can be retried from the ticket.
      this.ctx.log(`saving the answer of ticket ${id} to the knowledge base failed`, err);
      return { ...result, knowledge: { saved: false, error: '答复已发出，但存入知识库失败，请稍后在问题页重试' } };
    }
  }

  /** Save (or save again, edited) a ticket's expert answer as a reviewed Q&A document. */
  async saveToKnowledge(p: Principal, id: string, body: { question?: string; answer?: string }): Promise<ExpertAnswer> {
    const ticket = await getTicket(this.ctx.pool, id);
    if (!ticket) throw missing('not_found', `没有编号为 ${id} 的问题`);
    if (!(await canSee(this.ctx.pool, scopeOf(p), ticket))) throw refused('out_of_scope', '这个问题不在您的专业或服务区县范围内');
    if (p.role !== 'admin' && (p.role !== 'expert' || ticket.assigneeId !== p.userId)) {
      throw refused('not_yours', '只有负责这个问题的专家或管理员可以把答复存入知识库');
    }
    const answer = body.answer?.trim() || (await latestExpertReply(this.ctx.pool, id));
    if (!answer) throw conflict('not_answered', '这个问题还没有专家答复，不能存入知识库');
    return saveExpertAnswer(this.ctx, ticket, { ...actorOf(p), displayName: p.name }, {
      question: body.question?.trim() || ticket.question, answer,
    });
  }

  transfer(p: Principal, id: string, body: { to: string; note?: string }): Promise<Ticket> {
    return transferTicket(this.ctx, p, id, body);
  }

  close(p: Principal, id: string, note?: string): Promise<Ticket> {
    return closeTicket(this.ctx, p, id, note);
  }

  /** SLA reminders, auto-close and expiry: for the scheduler. */
  sweep(): Promise<SweepReport> {
    return sweepTickets(this.ctx);
  }

  /** One text a day for each expert with work waiting: for the scheduler. */
  digest(): Promise<DigestReport> {
    return expertDigest(this.ctx);
  }
}

export function createEscalation(
  config: Config,
  deps: {
    pool: pg.Pool;
    events: ConversationEvents;
    knowledge: Knowledge;
    outbox: Outbox;
    ticketEnded: EscalationContext['ticketEnded'];
    clock?: () => Date;
    log?: (msg: string, err?: unknown) => void;
  },
): Escalation {
  return new Escalation({
    pool: deps.pool,
    events: deps.events,
    knowledge: deps.knowledge,
    outbox: deps.outbox,
    stream: new TicketStream(),
    settings: escalationSettings(config),
    ticketEnded: deps.ticketEnded,
    now: deps.clock ?? (() => new Date()),
    log: deps.log ?? (() => {}),
  });
}
