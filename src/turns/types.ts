import type { Principal } from '../accounts/principal.ts';
import type { Said } from '../bot/index.ts';
import type { Channel, Conversation, Message } from '../conversations/types.ts';

/** What every channel hands in: the text as sent, and the channel's id for it (a resend is answered once). */
export interface Inbound {
  text: string;
  channelMessageId?: string;
}

/**
 * Who is speaking: the farmer, or a 信息员 (for a farmer: 代问). `principal` is the account behind the words
 * when there is one (an officer, an integration, an admin); the agent needs it for officers' commands.
 * Channels build it with `speakerFor` (src/turns/speaker.ts), the one place the rule is written.
 */
export interface Speaker {
  author: 'farmer' | 'officer';
  principal?: Principal;
  /** the farmer an officer named for this turn (代问): recorded, so the farmer's record is theirs to read */
  forFarmer?: string;
  /**
   * The conversation is the speaker's own, keyed by what the channel verified about the sender (the SMS
   * sender's phone, the officer's own web-chat thread): no record scope to check.
   */
  own?: boolean;
}

/**
 * A channel, as the turn pipeline sees it: where a message belongs, who sent it, and how a reply looks on
 * that channel. The channel's own edge (webhook, socket, HTTP route) builds the `Inbound` and calls
 * `Turns.receive`; what goes back out leaves through the outbox's `Delivery` for the channel.
 */
export interface ChannelAdapter<I extends Inbound = Inbound> {
  readonly channel: Channel;
  conversation(inbound: I, said: Said): Promise<Conversation>;
  speaker(inbound: I, said: Said, conversation: Conversation): Promise<Speaker>;
}

export interface TurnOutcome {
  conversation: Conversation;
  inbound: Message;
  replies: Message[];
  duplicate: boolean;
  /** escalation (ticket) id per escalated reply id */
  tickets: Record<string, string>;
}
