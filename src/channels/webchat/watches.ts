import type { ConversationEvents } from '../../conversations/events.ts';
import type { Message } from '../../conversations/types.ts';

/** Farmers' conversations an officer watches live after asking for them (代问). */
const MAX_WATCHED = 20;

/**
 * The conversations one socket follows while it is open: its own thread first, then the farmers an officer
 * asked for (代问), the one asked for longest ago forgotten past MAX_WATCHED.
 */
export class Watches {
  private readonly stops = new Map<string, () => void>();
  private frozen = false;

  constructor(private readonly events: ConversationEvents) {}

  has(conversationId: string): boolean {
    return this.stops.has(conversationId);
  }

  /** Follow a conversation's new messages; `asked` for a farmer's conversation an officer asked in. */
  follow(conversationId: string, listener: (m: Message) => void, asked = false): void {
    if (this.frozen) return; // the socket closed while a hello or a turn was on its way
    if (asked && this.stops.size > MAX_WATCHED) {
      // The map keeps insertion order, and our own thread is first.
      const [oldest, stop] = [...this.stops][1];
      stop();
      this.stops.delete(oldest);
    }
    this.stops.set(conversationId, this.events.subscribe(conversationId, listener));
  }

  /** Follow nothing new from now on: the socket is closing. */
  freeze(): void {
    this.frozen = true;
  }

  stopAll(): void {
    this.frozen = true;
    for (const stop of this.stops.values()) stop();
    this.stops.clear();
  }
}
