import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

export interface Scan {
  sha256: Buffer;
  bytes: number;
  /** Why the file can't be read as text at all (not UTF-8, binary); undefined when it can. */
  refusal?: string;
}

const NEWLINE = 0x0a;

function countNewlines(buf: Uint8Array, end = buf.length): number {
  let n = 0;
  for (let i = buf.indexOf(NEWLINE); i !== -1 && i < end; i = buf.indexOf(NEWLINE, i + 1)) n++;
  return n;
}

/** Whether bytes that aren't UTF-8 read cleanly as GBK: the usual case of a spreadsheet saved on Chinese Windows. */
function looksLikeGbk(sample: Uint8Array): boolean {
  try {
    new TextDecoder('gbk', { fatal: true }).decode(sample);
    return true;
  } catch {
    return false; // not GBK either, or this Node has no GBK decoder: say only "not UTF-8"
  }
}

/**
 * One pass over the file: its SHA-256 (what "imported once" is keyed on) and whether it is UTF-8 text. Bad
 * bytes are found here, before anything is written, so such a file is refused whole with the line they're on.
 */
export async function scanFile(path: string, signal?: AbortSignal): Promise<Scan> {
  const hash = createHash('sha256');
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let bytes = 0;
  let lines = 0;
  let refusal: string | undefined;
  for await (const chunk of createReadStream(path, { signal }) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    if (!refusal) {
      const nul = chunk.indexOf(0);
      if (nul !== -1) {
        refusal = `第 ${lines + countNewlines(chunk, nul) + 1} 行有 NUL 字节：这不是文本文件（Excel 表格请另存为“CSV UTF-8”）`;
      } else {
        try {
          decoder.decode(chunk, { stream: true });
        } catch {
          const at = firstBadByte(chunk);
          const line = lines + countNewlines(chunk, at) + 1;
          refusal = looksLikeGbk(lineAround(chunk, at))
            ? `不是 UTF-8 编码，看起来是 GBK/GB2312（第 ${line} 行起）：请用“CSV UTF-8”格式另存后重新放入`
            : `不是 UTF-8 编码（第 ${line} 行起有无法识别的字节）：请另存为 UTF-8 后重新放入`;
        }
      }
      lines += countNewlines(chunk);
    }
    bytes += chunk.length;
  }
  if (!refusal) {
    try {
      decoder.decode(); // a multi-byte character cut off at the end of the file
    } catch {
      refusal = `文件末尾的字符不完整：不是完整的 UTF-8 文本，请重新导出`;
    }
  }
  return { sha256: hash.digest(), bytes, refusal };
}

/**
 * Offset of the first byte that can't start or continue a UTF-8 sequence here (a sequence cut by the chunk's
 * end is not counted: the next chunk completes it). Leading continuation bytes belong to the previous chunk.
 */
function firstBadByte(b: Buffer): number {
  let i = 0;
  while (i < 3 && i < b.length && (b[i] & 0xc0) === 0x80) i++;
  while (i < b.length) {
    const c = b[i];
    const n = c < 0x80 ? 0 : c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
    if (n < 0) return i;
    for (let k = 1; k <= n; k++) {
      if (i + k >= b.length) return b.length;
      if ((b[i + k] & 0xc0) !== 0x80) return i;
    }
    i += n + 1;
  }
  return b.length;
}

/** The line holding offset `at` (at most 4 KB of it): a sample in one encoding, not a mix of the file's. */
function lineAround(b: Buffer, at: number): Buffer {
  const start = b.lastIndexOf(NEWLINE, at) + 1;
  const end = b.indexOf(NEWLINE, at);
  return b.subarray(start, Math.min(end === -1 ? b.length : end, start + 4096));
}
