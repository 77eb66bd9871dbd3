import type { Config } from './config.ts';
import { onAfterCommitError, type Database } from './db/pool.ts';
import { createKnowledge, type Knowledge } from './knowledge/index.ts';
import { ConversationEvents } from './conversations/events.ts';
import { createAgent, type Agent } from './bot/index.ts';
import { createEscalation, type Escalation } from './escalation/index.ts';
import { Outbox, Turns, type Delivery } from './turns/index.ts';
import { apiDelivery } from './channels/api/delivery.ts';
import { smsDelivery } from './channels/sms/delivery.ts';
import { configureOutbox } from './channels/sms/outbox.ts';
import { webchatDelivery } from './channels/webchat/delivery.ts';
import { integrationDelivery } from './integrations/delivery.ts';
import { queueTicketClosed } from './integrations/outbox.ts';

/** Everything the application runs on, made once per process (or per test) and handed to buildApp. */
export interface Services {
  config: Config;
  db: Database;
  knowledge: Knowledge;
  events: ConversationEvents;
  outbox: Outbox;
  escalation: Escalation;
  agent: Agent;
  turns: Turns;
}

export interface ServiceOverrides {
  /** fixed time for tests and evaluations; default the real clock */
  clock?: () => Date;
  log?: (msg: string, err?: unknown) => void;
  /** a knowledge base made already (main.ts makes it before seeding) */
  knowledge?: Knowledge;
  /** more ways out, registered after web chat, SMS and the API (an integration's webhook) */
  deliveries?: Delivery[];
}

/**
 * The one composition root: main.ts, the tests, the benches and the CLIs all wire the application here,
 * so what runs in a test is what runs in production. Escalation is always there: an escalated reply
 * always becomes a ticket.
 */
export async function createServices(config: Config, db: Database, overrides: ServiceOverrides = {}): Promise<Services> {
  const log = overrides.log ?? (() => {});
  onAfterCommitError((err) => log('an after-commit callback failed', err));
  const knowledge = overrides.knowledge ?? (await createKnowledge(config, db));
  const events = new ConversationEvents((msg, err) => log(msg, err));
  configureOutbox({ budgetSegments: config.SMS_BUDGET_SEGMENTS });
  const outbox = new Outbox(events)
    .register(webchatDelivery(events))
    .register(smsDelivery(events, config.SMS_BUDGET_SEGMENTS))
    .register(apiDelivery(events))
    // an integration (a Botpress bot) that speaks for an API conversation gets its later messages on its webhook
    .register(integrationDelivery());
  for (const delivery of overrides.deliveries ?? []) outbox.register(delivery);
  const escalation = createEscalation(config, {
    pool: db.pool, events, knowledge, outbox, clock: overrides.clock, log,
    // an integration's session for a ticket (a Botpress handoff) ends with the ticket
    ticketEnded: queueTicketClosed,
  });
  const agent = await createAgent(config, { pool: db.pool, knowledge, clock: overrides.clock, log });
  const turns = new Turns({ pool: db.pool, agent, outbox, hooks: escalation.hooks, log });
  return { config, db, knowledge, events, outbox, escalation, agent, turns };
}
