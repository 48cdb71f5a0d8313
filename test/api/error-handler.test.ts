import { describe, expect, it } from 'vitest';
import { ApiError, conflict, invalidRequest } from '../../src/api/api-errors.js';
import { errorResponse } from '../../src/api/error-handler.js';
import { VigilError } from '../../src/errors.js';

const fastifyError = (statusCode: number, code: string, message: string) =>
  Object.assign(new Error(message), { statusCode, code });

describe('errorResponse', () => {
  it.each([
    [
      invalidRequest('points[3].value', 'points[3].value: expected number'),
      400,
      {
        error: 'VIGIL_ERR_API_INVALID_REQUEST',
        field: 'points[3].value',
        message: 'points[3].value: expected number',
      },
    ],
    [conflict('busy'), 409, { error: 'VIGIL_ERR_API_CONFLICT', message: 'busy' }],
    [
      new VigilError('VIGIL_ERR_STORE_BAD_CURSOR', 'x'),
      400,
      { error: 'VIGIL_ERR_API_INVALID_REQUEST', field: 'query.cursor' },
    ],
    [
      fastifyError(413, 'FST_ERR_CTP_BODY_TOO_LARGE', 'too large'),
      413,
      { error: 'VIGIL_ERR_API_BODY_TOO_LARGE', message: expect.stringContaining('1024 bytes') },
    ],
    [
      fastifyError(400, 'FST_ERR_CTP_INVALID_JSON_BODY', 'bad json'),
      400,
      { error: 'VIGIL_ERR_API_INVALID_REQUEST', field: 'body', message: 'bad json' },
    ],
    [
      fastifyError(415, 'FST_ERR_CTP_INVALID_MEDIA_TYPE', 'unsupported'),
      415,
      { error: 'VIGIL_ERR_API_HTTP_415', message: 'unsupported' },
    ],
    [
      fastifyError(401, 'VIGIL_ERR_AUTH_MISSING', 'who are you'),
      401,
      { error: 'VIGIL_ERR_AUTH_MISSING', message: 'who are you' },
    ],
    [
      new VigilError('VIGIL_ERR_STORE_UNAVAILABLE', 'db down at 10.0.0.1', { retriable: true }),
      503,
      { error: 'VIGIL_ERR_API_UNAVAILABLE', requestId: 'req-1' },
    ],
    [
      new ApiError(503, 'VIGIL_ERR_API_UNAVAILABLE', 'memory down'),
      503,
      { message: 'memory down', requestId: 'req-1' },
    ],
  ])('maps %s to %i', (error, statusCode, body) => {
    const response = errorResponse(error, 'req-1', 1024);
    expect(response.statusCode).toBe(statusCode);
    expect(response.body).toMatchObject(body);
  });

  it('hides everything of an unexpected error but the request id', () => {
    const response = errorResponse(
      new TypeError('cannot read x of undefined at /srv/app.js:1'),
      'req-9',
      1024,
    );
    expect(response).toEqual({
      statusCode: 500,
      body: {
        error: 'VIGIL_ERR_API_INTERNAL',
        message: 'internal error; quote request id req-9 when reporting it',
        requestId: 'req-9',
      },
    });
    expect(
      JSON.stringify(
        errorResponse(new VigilError('VIGIL_ERR_X', 'db down at 10.0.0.1', { retriable: true }), 'r', 1),
      ),
    ).not.toContain('10.0.0.1');
  });
});
