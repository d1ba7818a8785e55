/**
 * The public error code table (Kloudless API v1, seed 002). The HTTP status of
 * every error response comes from here; nothing else decides it.
 */
export const ERROR_CODES = {
  bad_request: 400,
  request_failed: 400,
  invalid_parent_folder: 400,
  invalid_parameters: 400,
  invalid_resource_type: 400,
  invalid_cursor: 400,
  unauthorized: 401,
  service_unauthorized: 401,
  authentication_required: 401,
  invalid_token: 401,
  folder_not_empty: 403,
  permission_denied: 403,
  forbidden: 403,
  service_forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  not_acceptable: 406,
  timed_out: 408,
  naming_conflict: 409,
  data_conflict: 409,
  entity_too_large: 413,
  range_not_satisfiable: 416,
  locked: 423,
  too_many_requests: 429,
  too_many_service_requests: 429,
  internal_error: 500,
  link_error: 500,
  unsupported_media_type: 500,
  not_implemented: 501,
  bad_gateway: 502,
  service_not_available: 503,
  gateway_timeout: 504,
  insufficient_storage: 507,
  // The presigned-upload API (/v1/files) answers with its own codes (seed 001).
  'file/invalid-name': 400,
  'file/file-too-large': 400,
  'file/invalid-format': 400,
  'file/s3-key-already-exists': 409,
  'file/access-denied': 403,
  'common/authentication-required': 401,
  'file/bucket-not-configured': 500,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The public error body, as every service replies it and the gateway sends it. */
export interface PublicError {
  error_code: ErrorCode;
  message: string;
  status_code: number;
  /** Request id; filled in by the gateway. */
  id?: string;
  conflicting_resource_id?: string;
  /** Seconds; sent as the Retry-After header on 429/503, not in the body. */
  retry_after?: number;
}
