/** The eleven county-level divisions of Jining (functional zones report under these, per the 2019 plan). */
export const JINING_COUNTIES = [
  '任城区', '兖州区', '微山县', '鱼台县', '金乡县', '嘉祥县', '汶上县', '泗水县', '梁山县', '曲阜市', '邹城市',
] as const;

export type JiningCounty = (typeof JINING_COUNTIES)[number];

/**
 * A county as people write it ("金乡", "济宁市金乡县", "金乡县") → its full name, or null when it isn't one
 * of Jining's. Every short name is unique, so the bare two characters are enough.
 */
export function normalizeCounty(text: string | undefined | null): JiningCounty | null {
  const s = text?.replace(/\s/g, '').replace(/^(山东省)?济宁市?/, '');
  if (!s) return null;
  return JINING_COUNTIES.find((c) => c === s || c.slice(0, -1) === s) ?? null;
}
