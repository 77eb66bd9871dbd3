import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { sameSpecies } from '../../src/bot/skills/knowledge.ts';
import { loadTokenizer } from '../../src/knowledge/index.ts';
import type { SearchHit } from '../../src/knowledge/retriever.ts';
import type { ChineseTokenizer } from '../../src/knowledge/tokenizer.ts';

let tokenizer: ChineseTokenizer;
beforeAll(async () => {
  tokenizer = await loadTokenizer(path.join(import.meta.dirname, '..', '..', 'seeds'));
}, 60_000);

/** A search hit as the retriever gives it, with only what the species check reads filled in. */
const hit = (title: string, heading: string, content: string, failed?: SearchHit['failed']): SearchHit =>
  ({ ...({} as SearchHit), chunkId: title, title, headingPath: [heading], content, ...(failed ? { failed } : {}) });

const FISH = hit('常见鱼病防治与渔药安全', '寄生虫病', '小瓜虫病（白点病）：体表和鳍上布满白色小点，水温15到25℃时多发。');
const PIG = hit('生猪免疫程序与日常饲养管理要点', '驱虫', '猪每年春秋各驱虫一次，用伊维菌素。');
const GENERAL = hit('兽药使用安全', '休药期', '用了兽药要等够休药期再出栏。');

describe('related material beside a handover', () => {
  it('drops another species’ passages: a pig question is never shown fish parasites', () => {
    for (const q of ['猪身上有寄生虫咋办', '俺家小猪崽身上长虱子']) {
      expect(sameSpecies([FISH, PIG, GENERAL], q, tokenizer).map((h) => h.title), q).toEqual([PIG.title, GENERAL.title]);
    }
  });

  it('keeps a general fish passage for a question about one fish, and everything when no species is named', () => {
    expect(sameSpecies([FISH, PIG], '草鱼身上长白点咋办', tokenizer).map((h) => h.title)).toContain(FISH.title);
    expect(sameSpecies([FISH, PIG, GENERAL], '寄生虫病咋预防', tokenizer)).toHaveLength(3);
  });

  it('a place name is no species ("鱼台县" is not about fish), and the search’s own species failures are dropped', () => {
    expect(sameSpecies([FISH, PIG], '鱼台县的猪有寄生虫咋办', tokenizer).map((h) => h.title)).toEqual([PIG.title]);
    expect(sameSpecies([hit('x', 'y', '猪的驱虫', 'species')], '猪驱虫', tokenizer)).toHaveLength(0);
  });
});
