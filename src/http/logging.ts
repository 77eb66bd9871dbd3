import type { FastifyRequest } from 'fastify';
import pino, { type LoggerOptions } from 'pino';
import { maskPii } from '../privacy/pii.ts';

// Log lines are read by operators and shipped to log stores: no farmer's phone, ID or card number in them.
// The request line's URL is masked (a query string may still carry a number from an old client), as are the
// message and the top-level strings of every line, and the bearer token is never written.

function maskedUrl(url: string): string {
  let decoded = url;
  try {
    decoded = decodeURIComponent(url);
  } catch {
    // a URL that does not decode is logged as it came, still masked
  }
  const masked = maskPii(decoded);
  return masked === decoded ? url : masked;
}

const serializers = {
  req(req: FastifyRequest) {
    return { method: req.method, url: maskedUrl(req.url), host: req.host, remoteAddress: req.ip };
  },
  err(err: Error) {
    const out = pino.stdSerializers.err(err);
    return { ...out, message: maskPii(out.message), stack: out.stack ? maskPii(out.stack) : out.stack };
  },
};

/** The options of every logger the server makes (main.ts and buildApp's default). */
export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    redact: ['req.headers.authorization', 'headers.authorization'],
    serializers,
    hooks: {
      // The message of a line ("webchat 代问 13812345678") and its string arguments.
      logMethod(args, method) {
        method.apply(this, args.map((a) => (typeof a === 'string' ? maskPii(a) : a)) as Parameters<typeof method>);
      },
    },
    formatters: {
      log(obj) {
        for (const [k, v] of Object.entries(obj)) if (typeof v === 'string') obj[k] = maskPii(v);
        return obj;
      },
    },
  };
}
