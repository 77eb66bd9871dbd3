import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { requireRole } from '../http/auth.ts';
import { errorResponse, uuidParam } from '../schemas/common.ts';
import { orderBody, orderChanged, orderCreated, ordersList, ordersQuery, orderStatusBody } from '../schemas/services.ts';
import { actorCounties, recordEvent, requireCounty } from '../services/actor.ts';
import { changeOrderStatus, createOrder, listOrders, orderNotice, type Order } from '../services/orders.ts';
import { tellFarmer } from '../services/notify.ts';
import { serviceTransaction } from './service-errors.ts';
import { guarded, noSuch } from './guarded.ts';

function view(o: Order) {
  return {
    id: o.id, phone: o.phone, items: o.items, quantity: o.quantity, unit: o.unit, county: o.county, station: o.station,
    stationName: o.stationName, channel: o.channel, status: o.status, price: o.price, note: o.note,
    createdAt: new Date(o.createdAt).toISOString(), statusChangedAt: new Date(o.statusChangedAt).toISOString(),
  };
}

/**
 * 代购 orders. An officer records one for a farmer (or the farmer asks by chat or SMS, src/bot/skills/stations),
 * works the queue of their county, confirms with their price and marks arrival; the farmer is told on their
 * own channel at each change, in the same transaction as the change.
 */
export const orderRoutes: FastifyPluginAsyncZod = async (app) => {
  const staff = guarded(requireRole(app.resolveToken, 'admin', 'officer'), ['orders']);

  app.post('/api/v1/orders', staff({
    summary: '登记一单代购（农户的手机号、要买的东西和数量）', body: orderBody,
    response: { 201: orderCreated, 400: errorResponse, 401: errorResponse, 403: errorResponse },
  }), async (request, reply) => {
    const actor = request.principal!;
    const b = request.body;
    const own = actorCounties(actor);
    const result = await serviceTransaction(app.db.pool, async (client) => {
      const order = await createOrder(client, {
        phone: b.phone, items: b.items, quantity: b.quantity, unit: b.unit, county: b.county ?? own?.[0],
        station: b.station, village: !b.station && !b.county ? (actor.village ?? undefined) : undefined,
        channel: 'api', createdBy: actor.name,
      });
      requireCounty(actor, order.county, '代购订单');
      await recordEvent(client, { entity: 'order', entityId: order.id, action: 'requested', actor, detail: { items: order.items, station: order.station } });
      const told = await tellFarmer(client, app.outbox, { conversationId: null, phone: order.phone, text: orderNotice(order) });
      return { order, told };
    });
    return reply.status(201).send({ id: result.order.id, status: 'requested' as const });
  });

  app.get('/api/v1/orders', staff({
    summary: '代购队列（信息员只看本县），等得最久的在前', querystring: ordersQuery,
    response: { 200: ordersList, 400: errorResponse, 401: errorResponse },
  }), async (request) => {
    const q = request.query;
    const orders = await listOrders(app.db.pool, { station: q.station, status: q.status, counties: actorCounties(request.principal!), limit: q.limit });
    return { orders: orders.map(view) };
  });

  app.post('/api/v1/orders/:id/status', staff({
    summary: '改代购状态：confirmed（要填价格）、arrived、collected、cancelled',
    params: uuidParam, body: orderStatusBody,
    response: { 200: orderChanged, 400: errorResponse, 401: errorResponse, 403: errorResponse, 404: errorResponse, 409: errorResponse },
  }), async (request) => {
    const result = await serviceTransaction(app.db.pool, (client) =>
      changeOrderStatus(client, app.outbox, request.params.id, request.body, request.principal!),
    );
    if (!result) throw noSuch('代购订单', request.params.id);
    return {
      ...view(result.order),
      told: { message: Boolean(result.told.message), sms: result.told.sms.length, ...(result.told.smsError ? { smsError: result.told.smsError } : {}) },
    };
  });
};
