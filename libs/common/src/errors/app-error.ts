import { ERROR_CODES, ErrorCode, PublicError } from './error-codes';

/**
 * Base class of every error a service means to show a user. `retryable` is
 * what retry policies read: never the message text.
 */
export class AppError extends Error {
  readonly statusCode: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extra: { conflictingResourceId?: string; retryAfter?: number; retryable?: boolean } = {},
  ) {
    super(message);
    this.name = new.target.name;
    this.statusCode = ERROR_CODES[code];
  }

  get retryable(): boolean {
    return this.extra.retryable ?? false;
  }

  toPublic(requestId?: string): PublicError {
    const body: PublicError = { error_code: this.code, message: this.message, status_code: this.statusCode };
    if (requestId) body.id = requestId;
    if (this.extra.conflictingResourceId) body.conflicting_resource_id = this.extra.conflictingResourceId;
    if (this.extra.retryAfter !== undefined) body.retry_after = this.extra.retryAfter;
    return body;
  }

  /** Rebuilds an error from its public shape (a reply that crossed Kafka). */
  static fromPublic(error: PublicError): AppError {
    const code = error.error_code in ERROR_CODES ? error.error_code : 'internal_error';
    return new AppError(code, error.message, {
      conflictingResourceId: error.conflicting_resource_id,
      retryAfter: error.retry_after,
    });
  }
}

export class InvalidParametersError extends AppError {
  constructor(message: string) { super('invalid_parameters', message); }
}
export class BadRequestError extends AppError {
  constructor(message: string) { super('bad_request', message); }
}
export class NotFoundError extends AppError {
  constructor(message = 'The requested resource was not found.') { super('not_found', message); }
}
export class ConflictError extends AppError {
  constructor(message: string, conflictingResourceId?: string) {
    super('naming_conflict', message, { conflictingResourceId });
  }
}
export class FolderNotEmptyError extends AppError {
  constructor(message = 'The folder is not empty; pass recursive=true to delete it with its contents.') {
    super('folder_not_empty', message);
  }
}
export class ForbiddenError extends AppError {
  constructor(message: string) { super('forbidden', message); }
}
export class PermissionDeniedError extends AppError {
  constructor(message = 'Unable to access the resource upstream.') { super('permission_denied', message); }
}
/** The upstream service rejected the stored credentials. Fatal: the user must reconnect. */
export class AuthError extends AppError {
  constructor(message = 'The credentials for the upstream service are invalid.') { super('service_unauthorized', message); }
}
/** The upstream service rate-limited us. Never retried automatically (seed 002). */
export class RateLimitError extends AppError {
  constructor(retryAfter?: number, message = 'Too many requests to the upstream service.') {
    super('too_many_service_requests', message, { retryAfter });
  }
}
export class QuotaError extends AppError {
  constructor(message = 'There is not enough free space in the account.') { super('insufficient_storage', message); }
}
export class UnsupportedError extends AppError {
  constructor(message = 'This operation is not supported by the service.') { super('not_implemented', message); }
}
export class InvalidRangeError extends AppError {
  constructor(message = 'The requested range is not satisfiable.') { super('range_not_satisfiable', message); }
}
/** An upstream 5xx or network failure: retryable. */
export class UpstreamError extends AppError {
  constructor(readonly upstreamStatus: number | undefined, message = 'The upstream service returned an invalid response.') {
    super(upstreamStatus === 503 ? 'service_not_available' : 'bad_gateway', message, { retryable: true });
  }
}
export class ServiceUnavailableError extends AppError {
  constructor(message: string, retryAfter?: number) { super('service_not_available', message, { retryAfter }); }
}
export class GatewayTimeoutError extends AppError {
  constructor(message: string) { super('gateway_timeout', message); }
}
export class InternalError extends AppError {
  constructor(message = 'An internal error occurred.') { super('internal_error', message); }
}
