/**
 * A streaming CSV reader for price files, written for speed: a line without a quote (nearly every line of a
 * price feed) is split on commas natively; a line with quotes goes through a small RFC 4180 parser, which
 * also joins a quoted field spanning lines. Fields are trimmed, blank lines skipped, a BOM dropped. Each
 * record carries the line it ends on, as the rejection reasons cite it. (csv-parse, used for the seed
 * files, spends ~10× longer on a 100,000-row feed: the import target is 10 s for that.)
 */
export interface CsvLine {
  line: number;
  record: string[];
}

/** The file's CSV is broken where no record boundary can be found (an unclosed quote, a huge record). */
export class CsvSyntaxError extends Error {}

/** Records a chunk at a time (one await per chunk, not per record: that overhead dominated). */
export async function* csvLines(chunks: AsyncIterable<string>, maxRecordChars: number): AsyncGenerator<CsvLine[]> {
  let carry = '';
  let lineNo = 0;
  let pending: string | null = null; // a quoted record still open at the end of a line
  let first = true;
  let out: CsvLine[] = [];
  const take = (raw: string): void => {
    lineNo++;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (pending !== null) {
      pending += `\n${line}`;
      if (pending.length > maxRecordChars) throw new CsvSyntaxError(`第 ${lineNo} 行附近的记录太长（引号没有闭合？）`);
      const record = parseQuoted(pending);
      if (record) {
        pending = null;
        out.push({ line: lineNo, record });
      }
      return;
    }
    if (line.length > maxRecordChars) throw new CsvSyntaxError(`第 ${lineNo} 行太长（${line.length} 个字符）`);
    if (!line.includes('"')) {
      if (!line.trim()) return;
      out.push({ line: lineNo, record: line.split(',').map((f) => f.trim()) });
      return;
    }
    const record = parseQuoted(line);
    if (record) out.push({ line: lineNo, record });
    else pending = line;
  };
  for await (let chunk of chunks) {
    if (first) {
      chunk = chunk.replace(/^\uFEFF/, '');
      first = false;
    }
    const text = carry + chunk;
    let start = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      take(text.slice(start, nl));
      start = nl + 1;
    }
    carry = text.slice(start);
    if (carry.length > maxRecordChars) throw new CsvSyntaxError(`第 ${lineNo + 1} 行太长（超过 ${maxRecordChars} 个字符）`);
    if (out.length) {
      yield out;
      out = [];
    }
  }
  if (carry) take(carry);
  if (out.length) yield out;
  // (set inside take(): TypeScript can't see that)
  const open = pending as string | null;
  if (open !== null) throw new CsvSyntaxError(`引号没有闭合：从第 ${lineNo - open.split('\n').length + 1} 行开始的引号到文件末尾也没有结束`);
}

/** One record with quotes: its trimmed fields, or null when a quoted field is still open. */
function parseQuoted(text: string): string[] | null {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c !== '"') field += c;
      else if (text[i + 1] === '"') {
        field += '"';
        i++;
      } else quoted = false;
    } else if (c === ',') {
      fields.push(field.trim());
      field = '';
    } else if (c === '"' && !field.trim()) {
      quoted = true;
      field = '';
    } else {
      field += c; // a quote inside an unquoted field is kept as written
    }
  }
  if (quoted) return null;
  fields.push(field.trim());
  return fields;
}
