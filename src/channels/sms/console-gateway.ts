import { randomUUID } from 'node:crypto';
import type { GatewayMessage, SmsGateway } from './gateway.ts';
import { maskPhone } from './phone.ts';

export type ConsoleLog = (fields: Record<string, unknown>, msg: string) => void;

/** Development: outgoing texts are written to the log instead of a phone (and kept, for the dev route). */
export class ConsoleGateway implements SmsGateway {
  readonly name = 'console';
  readonly idempotent = true;
  readonly window: number;
  readonly sent: (GatewayMessage & { gatewayId: string; at: string })[] = [];

  constructor(private readonly log: ConsoleLog, window = 4) {
    this.window = window;
  }

  ready(): boolean {
    return true;
  }

  async send(msg: GatewayMessage): Promise<{ gatewayIds: string[] }> {
    const gatewayId = `console-${randomUUID()}`;
    this.log({ to: maskPhone(msg.to), id: msg.id, text: msg.text }, 'SMS (console gateway)');
    this.sent.push({ ...msg, gatewayId, at: new Date().toISOString() });
    if (this.sent.length > 500) this.sent.splice(0, this.sent.length - 500);
    return { gatewayIds: [gatewayId] };
  }
}
