// What the outbox worker needs from a gateway, whatever protocol is behind it.

export interface GatewayMessage {
  /** the outbox row id: the request id a gateway dedupes on */
  id: string;
  /** E.164 */
  to: string;
  text: string;
}

export interface SmsGateway {
  readonly name: 'http' | 'smpp' | 'console';
  /** Sending the same id again is one SMS at the gateway: an interrupted attempt may simply be repeated. */
  readonly idempotent: boolean;
  /** Messages in flight at once. */
  readonly window: number;
  /** False while the gateway cannot take messages (SMPP not bound): the worker waits rather than fail them. */
  ready(): boolean;
  /** Hand over one SMS; resolves with the gateway's ids (one per part where the protocol has parts). */
  send(msg: GatewayMessage, signal?: AbortSignal): Promise<{ gatewayIds: string[] }>;
  start?(): Promise<void>;
  stop?(): Promise<void>;
}

/** A failed hand-over. `permanent`: the gateway refused this message and will refuse it again. */
export class GatewayError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
    readonly retryAfterMs?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
