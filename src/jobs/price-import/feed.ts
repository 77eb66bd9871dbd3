import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { formatOf, type PriceFormat } from './read.ts';

export interface Download {
  path: string;
  format: PriceFormat | null;
  /** Remove the temporary copy. */
  dispose(): Promise<void>;
}

/** The feed could not be fetched (unreachable, an HTTP error, too large): the run fails with this reason. */
export class FeedError extends Error {}

function formatFrom(url: string, contentType: string | null): PriceFormat | null {
  const type = (contentType ?? '').toLowerCase();
  if (type.includes('csv')) return 'csv';
  if (type.includes('ndjson') || type.includes('jsonl') || type.includes('json-seq')) return 'jsonl';
  if (type.includes('json')) return formatOf(new URL(url).pathname) ?? 'json';
  return formatOf(new URL(url).pathname);
}

/**
 * Fetch the price feed into a temporary file, never more than `maxBytes` (the body is counted as it
 * arrives, whatever Content-Length claims), so the file importer can stream it like a dropped file.
 */
export async function downloadFeed(
  url: string,
  opts: { maxBytes: number; timeoutMs: number; signal?: AbortSignal },
): Promise<Download> {
  const signal = AbortSignal.any([AbortSignal.timeout(opts.timeoutMs), ...(opts.signal ? [opts.signal] : [])]);
  let res: Response;
  try {
    res = await fetch(url, { signal, headers: { accept: 'text/csv, application/x-ndjson, application/json;q=0.9, */*;q=0.5' } });
  } catch (err) {
    throw new FeedError(`价格数据源 ${url} 无法访问：${(err as Error).message}`, { cause: err });
  }
  if (!res.ok || !res.body) {
    await res.body?.cancel().catch(() => {});
    throw new FeedError(`价格数据源 ${url} 返回 HTTP ${res.status}`);
  }
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (declared > opts.maxBytes) {
    await res.body.cancel().catch(() => {});
    throw new FeedError(`价格数据源 ${url} 的内容有 ${declared} 字节，超过上限 ${opts.maxBytes} 字节（PRICE_IMPORT_MAX_MB）`);
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), 'yinong-feed-'));
  const file = path.join(dir, 'feed');
  const dispose = () => rm(dir, { recursive: true, force: true });
  let received = 0;
  try {
    const limit = new Transform({
      transform(chunk: Buffer, _enc, done) {
        received += chunk.length;
        if (received > opts.maxBytes) {
          done(new FeedError(`价格数据源 ${url} 的内容超过上限 ${opts.maxBytes} 字节（PRICE_IMPORT_MAX_MB），已停止下载`));
        } else done(null, chunk);
      },
    });
    await pipeline(Readable.fromWeb(res.body as unknown as WebReadableStream<Uint8Array>), limit, createWriteStream(file));
  } catch (err) {
    await dispose();
    if (err instanceof FeedError) throw err;
    throw new FeedError(`价格数据源 ${url} 下载中断：${(err as Error).message}`, { cause: err });
  }
  return { path: file, format: formatFrom(url, res.headers.get('content-type')), dispose };
}
