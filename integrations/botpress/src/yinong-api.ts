import { RuntimeError } from '@botpress/sdk';
import type { Configuration } from './types.ts';

/** Our server's answer when it refused a request: its Chinese message is what the bot builder sees. */
interface ApiError {
  error?: { code?: string; message?: string };
}

/**
 * Our server's REST API with the integration token. A refusal (4xx) becomes a RuntimeError carrying the
 * server's own message, so the bot builder reads why in Botpress's logs; an unreachable server says where.
 */
export class YinongApi {
  private readonly base: string;

  constructor(private readonly config: Configuration) {
    this.base = config.baseUrl.replace(/\/+$/, '');
  }

  async call<T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.config.token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(20_000),
      });
    } catch (err) {
      throw new RuntimeError(`连不上益农助手服务器 ${this.base}：${(err as Error).message}`, err as Error);
    }
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : {};
    } catch (err) {
      throw new RuntimeError(`益农助手服务器的回答不是 JSON（HTTP ${res.status}）`, err as Error);
    }
    if (!res.ok) {
      const e = (json as ApiError).error;
      const hint = res.status === 401 ? '（请检查集成配置里的 token 是否在服务器的 INTEGRATION_TOKENS 里）' : '';
      throw new RuntimeError(`益农助手服务器拒绝了请求（HTTP ${res.status} ${e?.code ?? ''}）：${e?.message ?? text.slice(0, 200)}${hint}`);
    }
    return json as T;
  }
}
