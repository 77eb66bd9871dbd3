export const CATEGORIES = [
  'policy', 'agronomy', 'livestock', 'aquaculture', 'service', 'market', 'labor', 'training', 'programme', 'faq',
] as const;
export type Category = (typeof CATEGORIES)[number];

export function isCategory(value: unknown): value is Category {
  return typeof value === 'string' && (CATEGORIES as readonly string[]).includes(value);
}
