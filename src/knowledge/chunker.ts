export interface ChunkDraft {
  ordinal: number;
  /** Headings above the chunk, outermost first (the document title is not repeated here). */
  headingPath: string[];
  content: string;
}

export const CHUNK_MAX_CHARS = 360;
/** Bump when chunking changes: it is part of the content hash, so documents are re-chunked once. */
export const CHUNKER_VERSION = 1;

const HEADING = /^(#{1,6})\s+(.+?)\s*#*\s*$/;

/**
 * Markdown to chunks: sections by heading (the heading path kept with each chunk), sections packed
 * sentence by sentence up to CHUNK_MAX_CHARS. Hand-written because LangChain's recursive splitter keeps
 * a separator at the start of the next piece, so Chinese chunks would open with "。".
 */
export function chunkMarkdown(markdown: string, maxChars = CHUNK_MAX_CHARS): ChunkDraft[] {
  const chunks: ChunkDraft[] = [];
  const stack: { level: number; text: string }[] = [];
  let body: string[] = [];
  const flush = () => {
    const text = body.join('\n').trim();
    body = [];
    if (!text) return;
    const headingPath = stack.map((h) => h.text);
    for (const piece of packSentences(text, maxChars)) {
      chunks.push({ ordinal: chunks.length, headingPath, content: piece });
    }
  };
  for (const line of markdown.split(/\r?\n/)) {
    const m = HEADING.exec(line);
    if (m) {
      flush();
      const level = m[1].length;
      while (stack.length && stack[stack.length - 1].level >= level) stack.pop();
      stack.push({ level, text: stripInline(m[2]) });
    } else {
      body.push(line);
    }
  }
  flush();
  return chunks;
}

/** Split into sentences (ends kept) and pack them greedily; an over-long sentence is cut at commas, then hard. */
export function packSentences(text: string, maxChars = CHUNK_MAX_CHARS): string[] {
  const sentences = splitSentences(text).flatMap((s) => (s.length <= maxChars ? [s] : splitLong(s, maxChars)));
  const out: string[] = [];
  let current = '';
  for (const s of sentences) {
    if (current && current.length + s.length > maxChars) {
      out.push(current.trim());
      current = '';
    }
    current += s;
  }
  if (current.trim()) out.push(current.trim());
  return out;
}

export function splitSentences(text: string): string[] {
  const cleaned = text
    .split(/\n+/)
    .map((l) => stripInline(l.trim()))
    .filter(Boolean)
    // a line break without an end mark still ends a thought (list items, table rows)
    .map((l) => (/[。！？；!?;：:]$/.test(l) ? l : `${l}\n`))
    .join('');
  return cleaned.match(/[^。！？；!?;\n]+[。！？；!?;\n]*|[。！？；!?;\n]+/g)?.map((s) => s.replace(/\n$/, '；')) ?? [];
}

function splitLong(sentence: string, maxChars: number): string[] {
  const parts = sentence.match(/[^，,、]+[，,、]*/g) ?? [sentence];
  const out: string[] = [];
  let current = '';
  for (const p of parts) {
    if (current && current.length + p.length > maxChars) {
      out.push(current);
      current = '';
    }
    if (p.length > maxChars) {
      for (let i = 0; i < p.length; i += maxChars) out.push(p.slice(i, i + maxChars));
    } else current += p;
  }
  if (current) out.push(current);
  return out;
}

function stripInline(text: string): string {
  return text
    .replace(/^\s*([-*+]|\d+[.)、])\s+/, '')
    .replace(/\*\*|__|`/g, '')
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/^\|(.*)\|$/, (_, row: string) => row.split('|').map((c) => c.trim()).join('，'));
}
