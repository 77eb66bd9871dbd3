/**
 * tsvector and tsquery literals built from our own jieba tokens. We cast literals instead of calling
 * to_tsvector('simple', …) because PostgreSQL's parser splits CJK text by locale, which differs between
 * PGlite and a server; a literal keeps exactly the tokens we chose on both engines.
 */
const MAX_POSITION = 16383;
const MAX_POSITIONS_PER_LEXEME = 255;

function quote(token: string): string {
  return `'${token.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

export function toTsvectorLiteral(tokens: string[]): string {
  const positions = new Map<string, number[]>();
  tokens.forEach((t, i) => {
    const list = positions.get(t) ?? [];
    if (list.length < MAX_POSITIONS_PER_LEXEME) list.push(Math.min(i + 1, MAX_POSITION));
    positions.set(t, list);
  });
  return [...positions].map(([t, p]) => `${quote(t)}:${p.join(',')}`).join(' ');
}

/** OR-query over the distinct tokens; empty string when there is nothing to search for. */
export function toOrTsquery(tokens: string[]): string {
  return [...new Set(tokens)].map(quote).join(' | ');
}
