import { EventEmitter } from 'node:events';
import { afterCommit, type Queryable } from '../db/pool.ts';
import type { Message } from './types.ts';

/** Where a message came from: published in this process, or by another instance (the LISTEN/NOTIFY bridge). */
export type MessageOrigin = 'local' | 'remote';

/**
 * New messages, announced to whoever holds the farmer's open socket in this process. Across instances
 * the same events travel through PostgreSQL LISTEN/NOTIFY: the bridge (src/jobs/bridge.ts) taps what is
 * published here and NOTIFYs it, and re-emits what other instances published through `publishRemote`.
 * With the embedded PGlite (one process) nothing is bridged.
 */
export class ConversationEvents {
  private readonly emitter = new EventEmitter();
  private readonly taps = new Set<(m: Message, origin: MessageOrigin) => void>();

  /**
   * `log` hears a subscriber's or a tap's failure: publish runs after a turn committed (or inside an expert's
   * action), so one broken socket handler must neither fail that nor keep the message from the others.
   */
  constructor(private readonly log: (msg: string, err: unknown) => void = (msg, err) => console.error(msg, err)) {
    this.emitter.setMaxListeners(0);
  }

  publish(message: Message): void {
    this.emitter.emit(message.conversationId, message);
    this.notifyTaps(message, 'local');
  }

  /** A message another instance published: to this process's subscribers only (never sent on again). */
  publishRemote(message: Message): void {
    this.emitter.emit(message.conversationId, message);
    this.notifyTaps(message, 'remote');
  }

  /** Every message, local or remote (the cross-instance bridge, metrics). Returns the undo. */
  tap(listener: (m: Message, origin: MessageOrigin) => void): () => void {
    this.taps.add(listener);
    return () => this.taps.delete(listener);
  }

  /** Whether anyone in this process listens to the conversation (a remote message for nobody isn't loaded). */
  hasSubscribers(conversationId: string): boolean {
    return this.emitter.listenerCount(conversationId) > 0;
  }

  private notifyTaps(message: Message, origin: MessageOrigin): void {
    for (const tap of this.taps) {
      try {
        tap(message, origin);
      } catch (err) {
        // A tap (metrics, the bridge) must never break the publisher's turn.
        this.log(`a message tap failed (conversation ${message.conversationId})`, err);
      }
    }
  }

  subscribe(conversationId: string, listener: (m: Message) => void): () => void {
    const guarded = (m: Message) => {
      try {
        listener(m);
      } catch (err) {
        this.log(`a subscriber of conversation ${conversationId} failed`, err);
      }
    };
    this.emitter.on(conversationId, guarded);
    return () => this.emitter.off(conversationId, guarded);
  }
}

/** Publish a message once what wrote it has committed (at once when `q` is not inside a transaction). */
export function publishAfterCommit(events: ConversationEvents, q: Queryable, message: Message): void {
  afterCommit(q, () => events.publish(message));
}
