import type { Response } from 'express';
import type { AppError } from '@app/common';

/** Writes an error in the public (Kloudless) format, with Retry-After when the error carries one. */
export function sendError(res: Response, error: AppError, requestId: string | undefined): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const { retry_after: retryAfter, ...body } = error.toPublic(requestId);
  if (retryAfter !== undefined) res.setHeader('Retry-After', String(Math.max(0, Math.ceil(retryAfter))));
  res.status(body.status_code).json(body);
}
