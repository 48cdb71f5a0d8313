import { VigilError } from '../errors.js';

/** Machine-readable codes of the API's error responses. */
export const API_ERROR_CODES = Object.freeze({
  validation: 'VIGIL_ERR_API_INVALID_REQUEST',
  notFound: 'VIGIL_ERR_API_NOT_FOUND',
  bodyTooLarge: 'VIGIL_ERR_API_BODY_TOO_LARGE',
  conflict: 'VIGIL_ERR_API_CONFLICT',
  unavailable: 'VIGIL_ERR_API_UNAVAILABLE',
  internal: 'VIGIL_ERR_API_INTERNAL',
} as const);

/** The JSON body of every error response. */
export interface ApiErrorBody {
  /** A `VIGIL_ERR_API_*` code (or the code of the plugin that refused the request). */
  readonly error: string;
  readonly message: string;
  /** The request field at fault, e.g. `points[3].value` or `query.from` (validation errors only). */
  readonly field?: string;
  /** The request id (also in the `x-request-id` response header); always set on 500s. */
  readonly requestId?: string;
}

/** An error a route raises on purpose: it becomes a response with `statusCode` and this message. */
export class ApiError extends VigilError {
  readonly statusCode: number;
  readonly field: string | undefined;

  constructor(
    statusCode: number,
    code: string,
    message: string,
    options: { field?: string; cause?: unknown; retriable?: boolean } = {},
  ) {
    super(code, message, options);
    this.name = 'ApiError';
    this.statusCode = statusCode;
    this.field = options.field;
  }
}

/** 400 naming the field at fault. */
export function invalidRequest(field: string, message: string, cause?: unknown): ApiError {
  return new ApiError(400, API_ERROR_CODES.validation, message, { field, cause });
}

/** 404 with a message saying what was not found. */
export function notFound(message: string): ApiError {
  return new ApiError(404, API_ERROR_CODES.notFound, message);
}

/** 409: the request is valid but conflicts with the current state. */
export function conflict(message: string): ApiError {
  return new ApiError(409, API_ERROR_CODES.conflict, message);
}

/** 503: a dependency needed for this request is unavailable; retrying later may succeed. */
export function unavailable(message: string, cause?: unknown): ApiError {
  return new ApiError(503, API_ERROR_CODES.unavailable, message, { cause, retriable: true });
}
