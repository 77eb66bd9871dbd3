/** Parts of the system that bring jobs of their own; each is wired when present (src/main.ts). */
export interface JobSources {
  /** Ticket SLA: reminders, overdue notices, auto-close, expiry (src/escalation). */
  escalation?: { sweep(): Promise<object> };
  /** SMS outbox: attempts stuck in sending after a crash (src/channels/sms). */
  smsOutbox?: { sweep(): Promise<object> };
  /** Daily digests: the experts' from src/escalation (a 信息员 digest would join it here). */
  digest?: { send(now: Date): Promise<object> };
}
