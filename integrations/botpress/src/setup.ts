import type { IntegrationProps } from '@botpress/sdk';
import { readState, writeState } from './state.ts';
import type { Yinong } from './types.ts';
import { YinongApi } from './yinong-api.ts';

type Props = IntegrationProps<Yinong>;

interface RegisteredWebhook {
  id: string;
  secret: string;
}

/**
 * Installing (or re-saving the configuration): the integration registers its Botpress webhook URL with our
 * server, which answers with the secret it will sign deliveries with. Kept in the integration's state.
 */
export const register: Props['register'] = async ({ ctx, client, webhookUrl, logger }) => {
  const api = new YinongApi(ctx.configuration);
  const w = await api.call<RegisteredWebhook>('PUT', '/api/v1/integration/webhook', {
    url: webhookUrl, label: `Botpress bot ${ctx.botId}`,
  });
  await writeState(client, 'integration', ctx.integrationId, 'delivery', { webhookId: w.id, secret: w.secret, webhookUrl });
  logger.forBot().info(`益农助手：webhook 已注册（${w.id}），专家答复会投递到这里`);
};

/** Uninstalling: our server stops delivering; events still queued stay there, unsent. */
export const unregister: Props['unregister'] = async ({ ctx, client, logger }) => {
  const delivery = await readState(client, 'integration', ctx.integrationId, 'delivery');
  if (!delivery) return;
  await new YinongApi(ctx.configuration).call('DELETE', `/api/v1/integration/webhooks/${delivery.webhookId}`);
  logger.forBot().info('益农助手：webhook 已停用');
};
