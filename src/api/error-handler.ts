import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { VigilError } from '../errors.js';
import { API_ERROR_CODES, ApiError, type ApiErrorBody } from './api-errors.js';

/** A response for an error: its status and JSON body. */
export interface ErrorResponse {
  readonly statusCode: number;
  readonly body: ApiErrorBody;
}

const BAD_CURSOR = 'VIGIL_ERR_STORE_BAD_CURSOR';

/**
 * Maps any error a request can end with to its response (pure):
 * route errors (`ApiError`, validation included) keep their status, code and field; a bad cursor is a
 * 400 on `query.cursor`; a body over the limit is a 413 saying the limit; other 4xx (bad JSON, a plugin
 * refusing the request) keep their status and message; a retriable `VigilError` (a dependency down) is a
 * 503; everything else is a 500 that shows only the request id — never a message or stack of ours.
 */
export function errorResponse(error: unknown, requestId: string, bodyLimitBytes: number): ErrorResponse {
  if (error instanceof ApiError) {
    return {
      statusCode: error.statusCode,
      body: {
        error: error.code,
        message: error.message,
        ...(error.field !== undefined ? { field: error.field } : {}),
        ...(error.statusCode >= 500 ? { requestId } : {}),
      },
    };
  }
  const e = error as { statusCode?: unknown; code?: unknown; message?: unknown };
  if (error instanceof VigilError && error.code === BAD_CURSOR) {
    return {
      statusCode: 400,
      body: {
        error: API_ERROR_CODES.validation,
        field: 'query.cursor',
        message: 'query.cursor: not a cursor this list returned; start again without it',
      },
    };
  }
  if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return {
      statusCode: 413,
      body: {
        error: API_ERROR_CODES.bodyTooLarge,
        message: `the request body is larger than ${bodyLimitBytes} bytes (api.bodyLimitBytes); send fewer points per request`,
      },
    };
  }
  const status = typeof e.statusCode === 'number' ? e.statusCode : 500;
  if (status >= 400 && status < 500) {
    const code = typeof e.code === 'string' && e.code.startsWith('VIGIL_ERR_') ? e.code : undefined;
    const parsing = typeof e.code === 'string' && e.code.startsWith('FST_ERR_CTP_');
    return {
      statusCode: status,
      body: {
        error: code ?? (status === 400 ? API_ERROR_CODES.validation : `VIGIL_ERR_API_HTTP_${status}`),
        message: typeof e.message === 'string' ? e.message : 'request refused',
        ...(parsing && status === 400 ? { field: 'body' } : {}),
      },
    };
  }
  if (error instanceof VigilError && error.retriable) {
    return {
      statusCode: 503,
      body: {
        error: API_ERROR_CODES.unavailable,
        message: `a dependency is unavailable (${error.code}); retry later`,
        requestId,
      },
    };
  }
  return {
    statusCode: 500,
    body: {
      error: API_ERROR_CODES.internal,
      message: `internal error; quote request id ${requestId} when reporting it`,
      requestId,
    },
  };
}

/**
 * Installs the API's one error handler ({@link errorResponse}; 5xx are logged with the request id and the
 * error) and the 404 handler for unknown routes.
 */
export function installErrorHandlers(app: FastifyInstance, bodyLimitBytes: number, logger?: Logger): void {
  app.setErrorHandler((error, request, reply) => {
    const { statusCode, body } = errorResponse(error, request.id, bodyLimitBytes);
    if (statusCode >= 500) {
      logger?.error(
        { err: error, reqId: request.id, method: request.method, url: request.url },
        'API request failed',
      );
    }
    return reply.code(statusCode).send(body);
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({
      error: API_ERROR_CODES.notFound,
      message: `no route ${request.method} ${request.url.split('?')[0]}; see /docs`,
    } satisfies ApiErrorBody),
  );
}
