/**
 * A failure the caller can act on, with the HTTP status and stable code it is answered with. Domain errors
 * extend it so the one error handler recognises them without importing any domain module, and the domain
 * never imports HTTP. The message is plain Chinese for the person who reads it.
 */
export class AppError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

export const refusedError = (code: string, message: string) => new AppError(403, code, message);
export const missingError = (code: string, message: string) => new AppError(404, code, message);
export const conflictError = (code: string, message: string) => new AppError(409, code, message);
export const invalidError = (code: string, message: string, options?: ErrorOptions) => new AppError(400, code, message, options);
