import { HttpError } from '../http/errors.ts';

// Ticket refusals carry their own codes, so a console or a client can tell "not yours" from "closed".
export const refused = (code: string, message: string) => new HttpError(403, code, message);
export const missing = (code: string, message: string) => new HttpError(404, code, message);
export const conflict = (code: string, message: string) => new HttpError(409, code, message);
export const invalid = (code: string, message: string) => new HttpError(400, code, message);
