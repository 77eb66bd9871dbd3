import { describe, expect, it } from 'vitest';
import { csvLines, CsvSyntaxError } from '../../src/jobs/price-import/csv-lines.ts';

async function read(chunks: string[], max = 1000) {
  const out: { line: number; record: string[] }[] = [];
  async function* source() {
    yield* chunks;
  }
  for await (const batch of csvLines(source(), max)) out.push(...batch);
  return out;
}

describe('csvLines', () => {
  it('splits plain lines, trims fields, skips blank lines and keeps line numbers (CRLF, BOM)', async () => {
    expect(await read(['\uFEFFa, b ,c\r\n\r\n1,2', ',3\r\n', '4,5,6'])).toEqual([
      { line: 1, record: ['a', 'b', 'c'] },
      { line: 3, record: ['1', '2', '3'] },
      { line: 4, record: ['4', '5', '6'] },
    ]);
  });

  it('reads quoted fields: commas, doubled quotes, a field across lines and chunks', async () => {
    expect(await read(['x,"白蒜, 红皮","说""好""的"\n"多', '\n行",2,3\nq"r,s,t\n'])).toEqual([
      { line: 1, record: ['x', '白蒜, 红皮', '说"好"的'] },
      { line: 3, record: ['多\n行', '2', '3'] },
      { line: 4, record: ['q"r', 's', 't'] },
    ]);
  });

  it('refuses an unclosed quote and a record past the limit, saying where', async () => {
    await expect(read(['a,b\n"open,1\n2,3\n'])).rejects.toThrow(new CsvSyntaxError('引号没有闭合：从第 2 行开始的引号到文件末尾也没有结束'));
    await expect(read(['a,b\n', 'x'.repeat(50)], 20)).rejects.toThrow(/第 2 行太长/);
  });
});
