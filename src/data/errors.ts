import { AppError } from '../errors.ts';

/**
 * A caller's mistake in structured data (a post, a price row): the message is plain Chinese a farmer or an
 * officer can act on, so the HTTP layer can answer it as a 4xx. `issues` lists every problem found.
 */
export class DataError extends AppError {
  constructor(
    readonly issues: string[],
    options?: ErrorOptions,
  ) {
    super(400, 'invalid_data', issues.join('；'), options);
  }
}

/** What every row validator returns: a typed row, or the reason (in Chinese) it was turned away. */
export type RowResult<T> = { ok: true; row: T } | { ok: false; line: number; reason: string };

export interface RejectedRow {
  /** file:line, e.g. seeds/data/prices.csv:12 */
  where: string;
  reason: string;
}
