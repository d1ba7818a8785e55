import type { Response } from 'express';
import type { AppError } from '@app/common';

/** Writes an error in the public (Kloudless) format, with Retry-After when the error carries one. */
export function sendError(res: Response, error: AppError, requestId: string | undefined): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  // A refused request whose body was never read (e.g. a 401 before the body guard): close the
  // connection instead of letting Node read and discard the rest of the body.
  if (res.req && !res.req.complete) res.setHeader('Connection', 'close');
  const { retry_after: retryAfter, ...body } = error.toPublic(requestId);
  if (retryAfter !== undefined) res.setHeader('Retry-After', String(Math.max(0, Math.ceil(retryAfter))));
  res.status(body.status_code).json(body);
}
