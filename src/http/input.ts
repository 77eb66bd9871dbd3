import type { FastifyInstance } from 'fastify';
import { cleanDeep } from '../privacy/clean-text.ts';

/**
 * The one place where what a client sent is made storable, for every route: NUL bytes dropped and lone
 * surrogates replaced in every string of the body, the query and the path parameters, before validation,
 * so no handler, skill or SQL statement below ever meets them. (Header values cannot carry either: Node's
 * parser refuses NUL, and they are Latin-1.) The web-chat socket and the SMS/SMPP inbound clean their own
 * frames with the same function.
 */
export function registerInputCleaning(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    if (request.body !== undefined && request.body !== null) request.body = cleanDeep(request.body);
    if (request.query) request.query = cleanDeep(request.query);
    if (request.params) request.params = cleanDeep(request.params);
  });
}
