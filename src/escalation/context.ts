import type pg from 'pg';
import type { ConversationEvents } from '../conversations/events.ts';
import type { Queryable } from '../db/pool.ts';
import type { Knowledge } from '../knowledge/index.ts';
import type { Principal } from '../accounts/principal.ts';
import type { Outbox } from '../turns/outbox.ts';
import type { TicketStream } from './stream.ts';
import type { Actor } from './tickets.ts';
import type { WorkSchedule } from './working-time.ts';

export interface EscalationSettings {
  /** the team's working time: SLA hours count only inside it, and experts without their own hours keep it */
  team: WorkSchedule;
  slaHours: number;
  urgentSlaHours: number;
  /** an answered ticket with no follow-up for this long is closed and the assistant takes over again */
  autoCloseHours: number;
  /** a ticket nobody answered for this many days is expired and the farmer told */
  expireDays: number;
  /** text experts about new, handed-over, reopened and overdue tickets */
  smsNotify: boolean;
}

/** What every escalation step needs; one per process, shared by the agent's hooks and the routes. */
export interface EscalationContext {
  pool: pg.Pool;
  events: ConversationEvents;
  knowledge: Knowledge;
  stream: TicketStream;
  /** every answer and notice leaves through it, on the farmer's channel */
  outbox: Outbox;
  settings: EscalationSettings;
  /**
   * A ticket ended (closed, auto-closed, expired), inside its transaction: an integration that holds a
   * session for it (a Botpress handoff) is told. Wired in src/compose.ts, so escalation knows no integration.
   */
  ticketEnded(q: Queryable, ticket: { id: string; conversationId: string }): Promise<unknown>;
  now(): Date;
  log(msg: string, err?: unknown): void;
}

export function actorOf(p: Principal): Actor {
  return { id: p.userId ?? null, name: p.username ?? p.name };
}
