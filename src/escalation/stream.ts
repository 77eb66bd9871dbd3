import { EventEmitter } from 'node:events';
import type { Ticket } from './tickets.ts';

/** What the console hears about a ticket: enough to decide whether to refresh, nothing about the farmer. */
export interface TicketChangeNotice {
  ticketId: string;
  kind: string;
  status: string;
  category: string;
  county: string | null;
  assigneeId: string | null;
  at: string;
}

export function noticeOf(t: Pick<Ticket, 'id' | 'status' | 'category' | 'county' | 'assigneeId'>, kind: string, at: Date): TicketChangeNotice {
  return { ticketId: t.id, kind, status: t.status, category: t.category, county: t.county, assigneeId: t.assigneeId, at: at.toISOString() };
}

/**
 * Ticket changes for the consoles open in this process (the stream route filters them by scope). Across
 * instances the consoles' periodic refresh covers what this process did not see.
 */
export class TicketStream {
  private readonly emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  publish(notice: TicketChangeNotice): void {
    this.emitter.emit('change', notice);
  }

  subscribe(listener: (n: TicketChangeNotice) => void): () => void {
    this.emitter.on('change', listener);
    return () => this.emitter.off('change', listener);
  }
}
