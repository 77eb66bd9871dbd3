// The turn pipeline: inbox → agent → outbox, the same for every channel (see docs/architecture.md).
export { Turns, type TurnsDeps } from './receive.ts';
export { Outbox, type Delivery, type Outgoing, type Receipt } from './outbox.ts';
export type { EscalatedTurn, TurnHooks } from './hooks.ts';
export type { ChannelAdapter, Inbound, Speaker, TurnOutcome } from './types.ts';
export { admit, speakerFor } from './speaker.ts';
