import type { FastifyPluginAsync } from 'fastify';
import { postRoutes } from './posts.ts';
import { orderRoutes } from './orders.ts';
import { trainingRoutes } from './trainings.ts';
import { exchangeRoutes } from './exchange.ts';

/** The stations' services (issue 14): machinery posts, 代购 orders, trainings, the provincial exchange. */
export const serviceRoutes: FastifyPluginAsync = async (app) => {
  await app.register(postRoutes);
  await app.register(orderRoutes);
  await app.register(trainingRoutes);
  await app.register(exchangeRoutes);
};
