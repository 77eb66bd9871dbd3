import { readFile } from 'node:fs/promises';
import path from 'node:path';

/** Place and commodity vocabulary for slot filling, from seeds/lexicon. */
export interface SlotLexicon {
  counties: string[];
  /** alias or short form → county */
  countyAliases: Map<string, string>;
  /** town → county */
  towns: Map<string, string>;
  /** word → canonical commodity (苞米 → 玉米) */
  commodities: Map<string, string>;
  /** word → the expert team its subject belongs to (苞米 → 粮食作物, 牛 → 畜牧), longest word first, from commodity-teams.tsv */
  teams: Map<string, string>;
  /** all surface words, longest first, for scanning */
  scanOrder: { word: string; kind: 'county' | 'town' | 'commodity' }[];
}

export const JINING_COUNTIES = [
  '任城区', '兖州区', '曲阜市', '邹城市', '微山县', '鱼台县', '金乡县', '嘉祥县', '汶上县', '泗水县', '梁山县',
];

async function tsv(file: string): Promise<[string, string][]> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text
    .split(/\r?\n/)
    .filter((l) => l.trim() && !l.startsWith('#'))
    .map((l) => l.split('\t').map((s) => s.trim()) as [string, string])
    .filter(([a, b]) => a && b);
}

export async function loadSlotLexicon(seedsDir: string): Promise<SlotLexicon> {
  const dir = path.join(seedsDir, 'lexicon');
  const countyAliases = new Map<string, string>();
  for (const c of JINING_COUNTIES) {
    countyAliases.set(c, c);
    countyAliases.set(c.slice(0, -1), c); // 金乡县 → 金乡
  }
  for (const [alias, county] of await tsv(path.join(dir, 'county-aliases.tsv'))) countyAliases.set(alias, county);
  const towns = new Map<string, string>();
  for (const [town, county] of await tsv(path.join(dir, 'places.tsv'))) {
    towns.set(town, county);
    const short = town.replace(/(镇|乡|街道)$/, '');
    if (short.length >= 2 && !towns.has(short) && !countyAliases.has(short)) towns.set(short, county);
  }
  const commodities = new Map<string, string>();
  for (const [word, canonical] of await tsv(path.join(dir, 'commodities.tsv'))) commodities.set(word, canonical);
  // general names ("鱼") for the slots only: the tokenizer does not read this file
  for (const [word, canonical] of await tsv(path.join(dir, 'slot-commodities.tsv'))) if (!commodities.has(word)) commodities.set(word, canonical);
  for (const c of new Set(commodities.values())) commodities.set(c, c);

  // a commodity's aliases find its team through their canonical name
  const teamOf = new Map(await tsv(path.join(dir, 'commodity-teams.tsv')));
  for (const [word, canonical] of commodities) {
    const team = teamOf.get(canonical);
    if (team && !teamOf.has(word)) teamOf.set(word, team);
  }
  const teams = new Map([...teamOf].sort(([a], [b]) => b.length - a.length));

  const scanOrder = [
    ...[...countyAliases.keys()].map((word) => ({ word, kind: 'county' as const })),
    ...[...towns.keys()].map((word) => ({ word, kind: 'town' as const })),
    ...[...commodities.keys()].map((word) => ({ word, kind: 'commodity' as const })),
  ].sort((a, b) => b.word.length - a.word.length);
  return { counties: JINING_COUNTIES, countyAliases, towns, commodities, teams, scanOrder };
}
