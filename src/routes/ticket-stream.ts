import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { expertSees, scopeOf, type TicketScope } from '../escalation/scope.ts';
import type { TicketChangeNotice } from '../escalation/stream.ts';

// The stream is for experts and administrators (officers are refused before it opens): their pure test.
const visible = (scope: TicketScope, n: TicketChangeNotice): boolean => expertSees(scope, n);

/**
 * Server-Sent Events of ticket changes in the caller's scope: the console refreshes its lists when one
 * arrives (and every minute anyway, for changes made on other instances). Read with fetch() so the bearer
 * token travels in the header, not the URL. Call while registering routes (it adds a close hook).
 */
export function ticketStreamHandler(app: FastifyInstance): (request: FastifyRequest, reply: FastifyReply) => void {
  const streams = new Set<FastifyReply>();
  // An open stream would hold a closing server for ever: end them first.
  app.addHook('preClose', async () => {
    for (const r of streams) r.raw.end();
  });
  return (request, reply) => {
    const scope = scopeOf(request.principal!);
    reply.hijack();
    reply.raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    reply.raw.write(`retry: 5000\nevent: hello\ndata: {}\n\n`);
    const unsubscribe = app.escalation.stream.subscribe((n) => {
      if (visible(scope, n)) reply.raw.write(`event: ticket\ndata: ${JSON.stringify(n)}\n\n`);
    });
    const ping = setInterval(() => reply.raw.write(': ping\n\n'), 25_000);
    streams.add(reply);
    const done = () => {
      clearInterval(ping);
      unsubscribe();
      streams.delete(reply);
    };
    request.raw.on('close', done);
    reply.raw.on('close', done);
  };
}
