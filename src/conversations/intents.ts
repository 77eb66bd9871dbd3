/** What a message is about, as stored with every reply (the agent classifies; the API and stats report it). */
export const INTENTS = [
  'policy', 'agronomy', 'price', 'labor', 'supply', 'service', 'programme', 'smalltalk', 'handoff', 'unknown',
  // the station services (src/bot/skills/stations): machinery sharing, 代购 orders, trainings
  'machinery', 'order', 'training',
] as const;
export type Intent = (typeof INTENTS)[number];
