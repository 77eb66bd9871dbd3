import { isApiError, RuntimeError, type IntegrationSpecificClient } from '@botpress/sdk';
import type { Yinong } from './types.ts';

export type Client = IntegrationSpecificClient<Yinong>;
type States = Yinong['states'];

/** A state, or undefined when it was never set (Botpress answers 404). */
export async function readState<N extends keyof States & string>(
  client: Client,
  type: States[N]['type'],
  id: string,
  name: N,
): Promise<States[N]['payload'] | undefined> {
  try {
    const { state } = await client.getState({ type, id, name } as never);
    return (state as { payload: States[N]['payload'] }).payload;
  } catch (err) {
    if (isApiError(err) && err.code === 404) return undefined;
    throw err;
  }
}

export async function writeState<N extends keyof States & string>(
  client: Client,
  type: States[N]['type'],
  id: string,
  name: N,
  payload: States[N]['payload'],
): Promise<void> {
  await client.setState({ type, id, name, payload } as never);
}

/** The webhook registered for this installation: every action and delivery needs it. */
export async function deliveryOf(client: Client, integrationId: string): Promise<States['delivery']['payload']> {
  const delivery = await readState(client, 'integration', integrationId, 'delivery');
  if (!delivery) throw new RuntimeError('集成还没有在益农助手服务器上注册 webhook：请在 Botpress 里重新保存集成配置');
  return delivery;
}
