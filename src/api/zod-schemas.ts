import type { IncomingMessage, ServerResponse } from 'node:http';
import type {
  FastifyBaseLogger,
  FastifyInstance,
  FastifySchema,
  FastifySchemaCompiler,
  FastifyTypeProvider,
  RawServerDefault,
} from 'fastify';
import { z } from 'zod';
import { API_ERROR_CODES, ApiError } from './api-errors.js';

/**
 * Route schemas are zod schemas. This module connects them to Fastify: the type provider gives handlers
 * the parsed types, the validator compiler validates (and coerces) with zod, and the OpenAPI transform
 * converts the same schemas with `z.toJSONSchema`, so the documentation cannot drift from validation.
 */

/** Fastify type provider for zod schemas: `request.body` etc. get the schema's output type. */
export interface ZodTypeProvider extends FastifyTypeProvider {
  readonly validator: this['schema'] extends z.ZodType ? z.output<this['schema']> : unknown;
  readonly serializer: unknown;
}

/** Formats a zod issue path the way a client writes it: `points[3].value`. */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

const PART_PREFIX: Readonly<Record<string, string>> = {
  querystring: 'query',
  params: 'params',
  headers: 'headers',
};

/**
 * The 400 for a failed parse: `field` is the first issue's path (`points[3].value` in a body,
 * `query.from` / `params.id` elsewhere) and the message starts with it.
 */
export function validationError(error: z.ZodError, httpPart: string): ApiError {
  const [first] = error.issues;
  const prefix = PART_PREFIX[httpPart];
  const path = formatIssuePath(first?.path ?? []);
  const field = prefix ? (path ? `${prefix}.${path}` : prefix) : path || 'body';
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more problems)` : '';
  return new ApiError(400, API_ERROR_CODES.validation, `${field}: ${first?.message ?? 'invalid'}${more}`, {
    field,
    cause: error,
  });
}

/** Validates each request part with the zod schema the route declared; replaces it with the parsed value. */
export const zodValidatorCompiler: FastifySchemaCompiler<z.ZodType> = ({ schema, httpPart }) => {
  return (data: unknown) => {
    const result = schema.safeParse(data);
    return result.success
      ? { value: result.data }
      : { error: validationError(result.error, httpPart ?? 'body') };
  };
};

/** Responses are written with `JSON.stringify`; their schemas document them (and tests check them). */
export const jsonSerializerCompiler = () => (data: unknown) => JSON.stringify(data);

/** JSON Schema of a zod schema as OpenAPI 3.1 uses it (draft 2020-12, without `$schema`). */
export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, {
    io,
    target: 'draft-2020-12',
    unrepresentable: 'any',
  }) as Record<string, unknown>;
  return rest;
}

const REQUEST_PARTS = ['body', 'querystring', 'params', 'headers'] as const;

const isZod = (value: unknown): value is z.ZodType => value instanceof z.ZodType;

/**
 * `@fastify/swagger`'s `transform`: converts a route's zod schemas to JSON Schema (request parts as
 * input types, responses as output types); non-zod schemas pass through.
 */
export function zodToOpenApi({ schema, url }: { schema: FastifySchema; url: string }): {
  schema: FastifySchema;
  url: string;
} {
  if (!schema) return { schema, url };
  const out: Record<string, unknown> = { ...schema };
  for (const part of REQUEST_PARTS) {
    const value = out[part];
    if (isZod(value)) out[part] = jsonSchemaOf(value, 'input');
  }
  if (schema.response && typeof schema.response === 'object') {
    out.response = Object.fromEntries(
      Object.entries(schema.response as Record<string, unknown>).map(([code, value]) => [
        code,
        isZod(value) ? jsonSchemaOf(value, 'output') : value,
      ]),
    );
  }
  return { schema: out as FastifySchema, url };
}

/** The Fastify instance the routes are registered on (zod schemas, typed requests). */
export type ApiInstance = FastifyInstance<
  RawServerDefault,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  ZodTypeProvider
>;
