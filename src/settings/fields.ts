import { z } from 'zod';

// The value shapes the settings share (src/settings/*.ts, src/config.ts): each reads an environment string.

/** true/false, 1/0, yes/no */
export const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes');

/** Unset and empty both mean "not set". */
export const optional = <T extends z.ZodTypeAny>(s: T) => s.optional().or(z.literal('').transform(() => undefined));

export const int = (min: number, max: number, def: number) => z.coerce.number().int().min(min).max(max).default(def);

/** A shared secret or token, long enough not to be guessed. */
export const secret = optional(z.string().min(16, 'must be at least 16 characters; generate one with `openssl rand -hex 24`'));
