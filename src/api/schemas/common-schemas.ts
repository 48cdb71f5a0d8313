import { z } from 'zod';

/** The JSON body of every error response (see `ApiErrorBody`). */
export const errorBodySchema = z
  .object({
    error: z
      .string()
      .meta({ description: 'A VIGIL_ERR_API_* code', example: 'VIGIL_ERR_API_INVALID_REQUEST' }),
    message: z.string(),
    field: z
      .string()
      .optional()
      .meta({ description: 'The field at fault (400 only)', example: 'points[3].value' }),
    requestId: z.string().optional().meta({ description: 'Also in the x-request-id header; set on 500s' }),
  })
  .meta({ description: 'An error' });

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;

/**
 * Parses a time given as epoch milliseconds (digits) or an ISO-8601 date-time with an offset; undefined
 * when it is neither.
 */
export function parseTimeMs(text: string): number | undefined {
  const trimmed = text.trim();
  if (/^\d{1,16}$/.test(trimmed)) return Number(trimmed);
  if (!ISO_DATE_TIME.test(trimmed)) return undefined;
  const ms = Date.parse(trimmed);
  return Number.isFinite(ms) ? ms : undefined;
}

/** A query parameter holding a time: ISO-8601 (`2026-03-01T12:00:00Z`) or epoch ms; parsed to ms. */
export const timeParam = z
  .string()
  .meta({
    description: 'ISO-8601 date-time with offset (2026-03-01T12:00:00Z) or epoch milliseconds',
    example: '2026-03-01T12:00:00Z',
  })
  .transform((text, ctx) => {
    const ms = parseTimeMs(text);
    if (ms === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: `expected an ISO-8601 date-time with offset (e.g. 2026-03-01T12:00:00Z) or epoch milliseconds, got ${JSON.stringify(text.slice(0, 40))}`,
      });
      return z.NEVER;
    }
    return ms;
  });

/**
 * A query parameter listing values of an enum, repeated (`?severity=high&severity=critical`) or
 * comma-separated (`?severity=high,critical`); parsed to an array.
 */
export function enumListParam<const T extends readonly [string, ...string[]]>(
  values: T,
  description: string,
) {
  return z
    .union([z.string(), z.array(z.string())])
    .meta({ description: `${description}: one or more of ${values.join(', ')} (repeat or comma-separate)` })
    .transform((value) =>
      (Array.isArray(value) ? value : [value])
        .flatMap((v) => v.split(','))
        .map((v) => v.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.enum(values, { error: `expected one of ${values.join(', ')}` })).min(1));
}

/** Page size of list routes. */
export const limitParam = z.coerce
  .number({ error: 'limit must be a number' })
  .int('limit must be an integer')
  .min(1, 'limit must be in [1, 500]')
  .max(500, 'limit must be in [1, 500]')
  .default(50)
  .meta({ description: 'Page size, 1..500 (default 50)' });

/** The opaque cursor of list routes. */
export const cursorParam = z
  .string()
  .min(1)
  .max(512)
  .meta({ description: 'nextCursor of the previous page' });

/** Adds an issue on `to` when both `fromMs` and `toMs` are set and `to` is not after `from`. */
export function checkTimeOrder(
  query: { from?: number | undefined; to?: number | undefined },
  ctx: z.RefinementCtx,
) {
  if (query.from !== undefined && query.to !== undefined && query.to <= query.from) {
    ctx.addIssue({ code: 'custom', path: ['to'], message: 'to must be after from' });
  }
}
