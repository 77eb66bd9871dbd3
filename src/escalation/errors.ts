import { conflictError, invalidError, missingError, refusedError } from '../errors.ts';

// Ticket refusals carry their own codes, so a console or a client can tell "not yours" from "closed".
export const refused = refusedError;
export const missing = missingError;
export const conflict = conflictError;
export const invalid = invalidError;
