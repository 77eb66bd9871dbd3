import { EventEmitter } from 'node:events';
import type { Message } from './types.ts';

/**
 * New messages, announced to whoever holds the farmer's open socket in this process. Across instances
 * the same events travel through PostgreSQL LISTEN/NOTIFY (see the jobs/instances work).
 */
export class ConversationEvents {
  private readonly emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  publish(message: Message): void {
    this.emitter.emit(message.conversationId, message);
  }

  subscribe(conversationId: string, listener: (m: Message) => void): () => void {
    this.emitter.on(conversationId, listener);
    return () => this.emitter.off(conversationId, listener);
  }
}
