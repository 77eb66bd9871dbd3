import type pg from 'pg';
import { withTransaction } from '../db/pool.ts';
import { ScopeError } from '../services/actor.ts';
import { TransitionError } from '../services/orders.ts';
import { TrainingClosed } from '../services/trainings.ts';
import { forbidden, HttpError } from '../http/errors.ts';

/** The services' own refusals as HTTP errors: another county's record 403, a move out of order 409. */
export function serviceHttpError(err: unknown): never {
  if (err instanceof ScopeError) throw forbidden(err.message);
  if (err instanceof TransitionError || err instanceof TrainingClosed) throw new HttpError(409, err.code, err.message, { cause: err });
  throw err;
}

/** A service's change in one transaction, its refusals answered as HTTP errors (serviceHttpError). */
export function serviceTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  return withTransaction(pool, fn).catch(serviceHttpError);
}
