import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ConversationEvents } from '../conversations/events.ts';
import type { Queryable } from '../db/pool.ts';
import type { BridgeObserver } from '../jobs/bridge.ts';
import type { JobObserver } from '../jobs/scheduler.ts';

/**
 * This process's Prometheus metrics. A registry per app (not prom-client's global one): tests build many
 * apps in one process, and each must count only its own. Counters here are per instance (sum them across
 * instances); the gauges read from the database (src/metrics/database.ts) describe the whole deployment
 * (take max, not sum).
 */
export interface Metrics {
  registry: Registry;
  jobs: JobObserver;
  bridge: BridgeObserver;
  observeHttp(method: string, route: string, status: number, seconds: number): void;
  /** Count turns and escalations as this instance publishes them; returns the undo. */
  watchEvents(events: ConversationEvents, q: Queryable): () => void;
  gauges: DatabaseGauges;
}

export interface DatabaseGauges {
  up: Gauge;
  tickets: Gauge<'status'>;
  ticketOldest: Gauge<'status'>;
  ticketsOverdue: Gauge;
  outbox: Gauge<'status'>;
  outboxOldestQueued: Gauge;
  inbox: Gauge<'status'>;
  jobLastSuccess: Gauge<'job'>;
  jobRunning: Gauge<'job'>;
  priceFiles: Gauge<'status'>;
}

const CHANNEL_CACHE = 10_000;

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];

  const http = new Histogram({
    name: 'yinong_http_request_duration_seconds', help: 'HTTP request latency by route pattern, method and status',
    labelNames: ['method', 'route', 'status'] as const, registers,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  });
  const turns = new Counter({
    name: 'yinong_turns_total', help: 'Farmer turns answered by this instance, by the reply\'s intent and the channel',
    labelNames: ['intent', 'channel'] as const, registers,
  });
  const escalations = new Counter({
    name: 'yinong_escalations_total', help: 'Turns this instance handed to the expert team, by channel',
    labelNames: ['channel'] as const, registers,
  });
  const jobRuns = new Counter({
    name: 'yinong_job_runs_total', help: 'Scheduled job runs in this instance by outcome',
    labelNames: ['job', 'outcome'] as const, registers,
  });
  const jobSkips = new Counter({
    name: 'yinong_job_ticks_skipped_total', help: 'Job ticks this instance skipped (locked: another instance runs it)',
    labelNames: ['job', 'reason'] as const, registers,
  });
  const jobSeconds = new Histogram({
    name: 'yinong_job_duration_seconds', help: 'Scheduled job run time', labelNames: ['job'] as const, registers,
    buckets: [0.01, 0.1, 0.5, 1, 5, 15, 60, 300, 1800],
  });
  const notifySent = new Counter({ name: 'yinong_bridge_notifications_sent_total', help: 'Messages announced to other instances', registers });
  const notifyReceived = new Counter({
    name: 'yinong_bridge_notifications_received_total', help: 'Announcements from other instances, by what became of them',
    labelNames: ['outcome'] as const, registers,
  });
  const bridgeUp = new Gauge({ name: 'yinong_bridge_connected', help: '1 while the LISTEN connection is up', registers });

  const gauges: DatabaseGauges = {
    up: new Gauge({ name: 'yinong_database_up', help: '1 when the last scrape could read the database', registers }),
    tickets: new Gauge({ name: 'yinong_tickets', help: 'Tickets by status (whole deployment)', labelNames: ['status'] as const, registers }),
    ticketOldest: new Gauge({
      name: 'yinong_ticket_oldest_age_seconds', help: 'Age of the oldest ticket still waiting, by status (whole deployment)',
      labelNames: ['status'] as const, registers,
    }),
    ticketsOverdue: new Gauge({ name: 'yinong_tickets_overdue', help: 'Waiting tickets past their due time', registers }),
    outbox: new Gauge({ name: 'yinong_sms_outbox', help: 'SMS outbox backlog by status (whole deployment)', labelNames: ['status'] as const, registers }),
    outboxOldestQueued: new Gauge({ name: 'yinong_sms_outbox_oldest_queued_seconds', help: 'Age of the oldest queued SMS', registers }),
    inbox: new Gauge({ name: 'yinong_sms_inbox', help: 'Inbound SMS waiting for a reply (received) or given up on (failed)', labelNames: ['status'] as const, registers }),
    jobLastSuccess: new Gauge({
      name: 'yinong_job_last_success_timestamp_seconds', help: 'When each job last succeeded on any instance (unix time)',
      labelNames: ['job'] as const, registers,
    }),
    jobRunning: new Gauge({ name: 'yinong_job_running', help: 'Runs in progress on any instance', labelNames: ['job'] as const, registers }),
    priceFiles: new Gauge({ name: 'yinong_price_files', help: 'Price files handled, by status', labelNames: ['status'] as const, registers }),
  };

  return {
    registry,
    gauges,
    jobs: {
      run: (job, outcome, seconds) => {
        jobRuns.inc({ job, outcome });
        jobSeconds.observe({ job }, seconds);
      },
      skipped: (job, reason) => jobSkips.inc({ job, reason }),
    },
    bridge: {
      sent: (n) => notifySent.inc(n),
      received: (outcome) => notifyReceived.inc({ outcome }),
      connected: (up) => bridgeUp.set(up ? 1 : 0),
    },
    observeHttp: (method, route, status, seconds) => http.observe({ method, route, status: String(status) }, seconds),
    watchEvents(events, q) {
      const channels = new Map<string, string>();
      // A turn may answer in more than one message: count the inbound message once.
      const counted = new Set<string>();
      const channelOf = async (conversationId: string): Promise<string> => {
        const known = channels.get(conversationId);
        if (known) return known;
        const { rows } = await q.query<{ channel: string }>('SELECT channel FROM conversations WHERE id = $1', [conversationId]);
        const channel = rows[0]?.channel ?? 'unknown';
        if (channels.size >= CHANNEL_CACHE) channels.delete(channels.keys().next().value!);
        channels.set(conversationId, channel);
        return channel;
      };
      return events.tap((m, origin) => {
        // Only what this instance published: the sum over instances counts every turn once.
        if (origin !== 'local' || m.author !== 'bot' || !m.replyTo || counted.has(m.replyTo)) return;
        counted.add(m.replyTo);
        if (counted.size > CHANNEL_CACHE) counted.delete(counted.values().next().value!);
        void channelOf(m.conversationId)
          .catch(() => 'unknown')
          .then((channel) => {
            turns.inc({ intent: m.intent ?? 'unknown', channel });
            if (m.escalated) escalations.inc({ channel });
          });
      });
    },
  };
}
