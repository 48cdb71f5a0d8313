import fastifyJwt from '@fastify/jwt';
import fastifyRateLimit, { normalizeIP } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ConfigError, VigilError } from '../../errors.js';
import type { ApiKeyStore } from '../../storage/api-key-store.js';
import type { AuditLogStore } from '../../storage/audit-log-store.js';
import { AUTH_ERROR_CODES, decideAccess } from './access-decision.js';
import { createApiKeyAuthenticator } from './api-key-authenticator.js';
import { auditEntryFor, isStateChanging } from './audit-entry.js';
import { type AuditWriterStats, createAuditWriter } from './audit-writer.js';
import type { AuthSecrets, AuthSettings } from './auth-settings.js';
import { readCredentials } from './credentials.js';
import { type IssuedApiKey, issueApiKey } from './issue-api-key.js';
import { createJwtAuthenticator, jwtAlgorithmsFor, REQUIRED_JWT_CLAIMS } from './jwt-authenticator.js';
import { type Authentication, type Principal, principalKey } from './principal.js';
import { isRouteRole, type RouteRole } from './roles.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who the request was authenticated as; null on public routes, with auth off, or before the check. */
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /** The least role the route needs; `public` = no credentials. A route without one refuses everyone. */
    role?: RouteRole;
    /** Path parameter naming the target of the call in the audit log (default `id`). */
    auditTarget?: string;
  }
}

/** Name of the admin key created on the embedded demo when there is none. */
export const DEMO_KEY_NAME = 'embedded-demo';

/** Code of the startup error raised when authentication is on and nothing could authenticate. */
export const NO_CREDENTIALS_CODE = 'VIGIL_ERR_AUTH_NO_CREDENTIALS';

/** What the security layer works with. */
export interface SecurityDeps {
  /** The `api.auth` settings. */
  readonly settings: AuthSettings;
  /** Secrets the settings name, read from the environment by the composition root. */
  readonly secrets: AuthSecrets;
  readonly apiKeys: ApiKeyStore;
  readonly auditLog: Pick<AuditLogStore, 'record'>;
  /**
   * With authentication on, no active API key and no JWT configured: `fail` (default) stops startup with
   * a message saying how to create a key; `create-admin-key` creates an admin key named
   * {@link DEMO_KEY_NAME} and returns it (the embedded demo, whose database lives in memory, so no CLI
   * can reach it).
   */
  readonly whenNoCredentials?: 'fail' | 'create-admin-key';
  /** Clock, ms since the epoch (default `Date.now`). */
  readonly now?: () => number;
}

/** What {@link registerSecurity} set up. */
export interface SecuritySetup {
  /** The admin key made by `whenNoCredentials: 'create-admin-key'`; show `key` once. Null otherwise. */
  readonly createdKey: IssuedApiKey | null;
  /** Resolves when the audit entries of the calls finished so far, and their key-use records, are written. */
  flush(): Promise<void>;
  /** Counters of the audit writer (written, failed, dropped, queued). */
  auditStats(): AuditWriterStats;
}

const NO_KEYS_MESSAGE =
  'API authentication is on (api.auth.enabled) but there is no API key and no JWT issuer configured, so nobody could call the API. ' +
  'Create a key with `vigil keys create --name admin --role admin` (it is printed once), ' +
  'or configure api.auth.jwt, or turn authentication off explicitly with api.auth.enabled: false';

function routeRoleOf(request: FastifyRequest): RouteRole | undefined {
  // Unknown paths need some credentials, so that anonymous callers cannot map the API by probing.
  if (request.is404) return 'viewer';
  const role = (request.routeOptions.config as { role?: unknown } | undefined)?.role;
  return isRouteRole(role) ? role : undefined;
}

function refuse(
  reply: FastifyReply,
  request: FastifyRequest,
  statusCode: number,
  code: string,
  message: string,
): FastifyReply {
  return reply.code(statusCode).send({ error: code, message, requestId: request.id });
}

/**
 * Adds Vigil's security layer to `app` (the root instance; call it before registering any route):
 *
 * - an `onRequest` hook that, for every route, authenticates the caller by API key (`Authorization:
 *   Bearer vgl_…` or `X-API-Key`) or, when configured, a JWT bearer token; applies the per-client rate
 *   limit (key id, JWT subject, or IP when unauthenticated; 429 with `Retry-After`); and enforces the
 *   route's `config.role` — public routes need nothing, others 401 (with `WWW-Authenticate`) without
 *   valid credentials and 403 without the role; a route with no role is refused (fail closed);
 * - an `onResponse` hook that queues an audit entry for every POST/PUT/PATCH/DELETE call;
 * - `request.principal`, and `@fastify/rate-limit` (and `@fastify/jwt` when JWT is configured).
 *
 * Throws {@link NO_CREDENTIALS_CODE} when authentication is on and nobody could authenticate (see
 * `whenNoCredentials`), and a ConfigError when JWT is configured without its key.
 *
 * @example
 * const security = await registerSecurity(app, { settings, secrets, apiKeys, auditLog });
 * app.get('/api/v1/incidents', { config: { role: 'viewer' } }, handler);
 */
export async function registerSecurity(app: FastifyInstance, deps: SecurityDeps): Promise<SecuritySetup> {
  const { settings } = deps;
  const now = deps.now ?? Date.now;
  if (settings.jwt && !deps.secrets.jwtKey) {
    throw new ConfigError('api.auth.jwt is configured but its key was not read: pass readAuthSecrets(…)');
  }

  let createdKey: IssuedApiKey | null = null;
  if (settings.enabled && !settings.jwt && (await deps.apiKeys.countActive()) === 0) {
    if (deps.whenNoCredentials !== 'create-admin-key')
      throw new VigilError(NO_CREDENTIALS_CODE, NO_KEYS_MESSAGE);
    createdKey = await issueApiKey(deps.apiKeys, { name: DEMO_KEY_NAME, role: 'admin' }, { now });
  }
  if (!settings.enabled) {
    app.log.warn('API authentication is OFF (api.auth.enabled: false): every route is open to every caller');
  }

  const apiKeys = createApiKeyAuthenticator({
    store: deps.apiKeys,
    cacheTtlMs: settings.keyCacheTtlMs,
    now,
    onMarkUsedError: (error, keyId) => app.log.warn({ err: error, keyId }, 'could not record an API key use'),
  });

  let jwt: ReturnType<typeof createJwtAuthenticator> | null = null;
  if (settings.jwt && deps.secrets.jwtKey) {
    const key = deps.secrets.jwtKey;
    await app.register(fastifyJwt, {
      secret: key.kind === 'hmac-secret' ? key.secret : { public: key.pem },
      verify: {
        algorithms: jwtAlgorithmsFor(key),
        requiredClaims: [...REQUIRED_JWT_CLAIMS],
        ...(settings.jwt.issuer ? { allowedIss: settings.jwt.issuer } : {}),
        ...(settings.jwt.audience ? { allowedAud: settings.jwt.audience } : {}),
      },
    });
    jwt = createJwtAuthenticator({
      verify: (token) => app.jwt.verify(token),
      roleClaim: settings.jwt.roleClaim,
    });
  }

  let limit: ReturnType<FastifyInstance['createRateLimit']> | null = null;
  if (settings.rateLimit.enabled) {
    await app.register(fastifyRateLimit, {
      global: false,
      max: settings.rateLimit.max,
      timeWindow: settings.rateLimit.timeWindowMs,
      keyGenerator: (request) =>
        request.principal ? principalKey(request.principal) : `ip:${normalizeIP(request.ip)}`,
    });
    limit = app.createRateLimit();
  }

  const writer = createAuditWriter({
    store: deps.auditLog,
    onWriteError: (error, entries) =>
      app.log.error({ err: error, auditEntries: entries }, `could not write ${entries.length} audit entries`),
    onDrop: (entry) => app.log.error({ auditEntry: entry }, 'audit queue full: entry dropped'),
  });

  async function authenticate(request: FastifyRequest): Promise<Authentication> {
    const credentials = readCredentials(request.headers);
    switch (credentials.kind) {
      case 'none':
        return { outcome: 'anonymous' };
      case 'malformed':
        return { outcome: 'rejected', failure: 'malformed-credentials', message: credentials.reason };
      case 'api-key':
        return apiKeys.authenticate(credentials.key);
      case 'bearer-token':
        return jwt
          ? jwt.authenticate(credentials.token)
          : {
              outcome: 'rejected',
              failure: 'jwt-not-configured',
              message:
                'only Vigil API keys (vgl_...) are accepted here: JWT authentication is not configured',
            };
    }
  }

  const authentications = new WeakMap<FastifyRequest, Authentication>();
  app.decorateRequest('principal', null);

  app.addHook('onRequest', async (request, reply) => {
    const routeRole = routeRoleOf(request);
    let authentication: Authentication = { outcome: 'anonymous' };
    if (settings.enabled && routeRole !== undefined && routeRole !== 'public') {
      try {
        authentication = await authenticate(request);
      } catch (error) {
        request.log.error({ err: error }, 'authentication failed: the API key store is unavailable');
        return refuse(
          reply,
          request,
          503,
          'VIGIL_ERR_AUTH_UNAVAILABLE',
          'authentication is unavailable; retry later',
        );
      }
    }
    authentications.set(request, authentication);
    if (authentication.outcome === 'authenticated') request.principal = authentication.principal;

    if (limit) {
      const state = await limit(request);
      if (!state.isAllowed) {
        reply.header('x-ratelimit-limit', state.max);
        reply.header('x-ratelimit-remaining', state.remaining);
        reply.header('x-ratelimit-reset', state.ttlInSeconds);
        if (state.isExceeded) {
          reply.header('retry-after', state.ttlInSeconds);
          return refuse(
            reply,
            request,
            429,
            AUTH_ERROR_CODES.rateLimited,
            `rate limit of ${state.max} requests per ${settings.rateLimit.timeWindowMs} ms exceeded; retry in ${state.ttlInSeconds} s`,
          );
        }
      }
    }

    const decision = decideAccess({ routeRole, authEnabled: settings.enabled, authentication });
    if (decision.allowed) return;
    if (decision.wwwAuthenticate) reply.header('www-authenticate', decision.wwwAuthenticate);
    return refuse(reply, request, decision.statusCode, decision.code, decision.message);
  });

  app.addHook('onResponse', async (request, reply) => {
    if (request.is404 || !isStateChanging(request.method)) return;
    writer.enqueue(
      auditEntryFor({
        atMs: now(),
        method: request.method,
        route: request.routeOptions.url ?? request.url.split('?')[0] ?? '',
        params: request.params,
        targetParam: request.routeOptions.config.auditTarget,
        statusCode: reply.statusCode,
        requestId: request.id,
        clientIp: request.ip,
        authEnabled: settings.enabled,
        authentication: authentications.get(request) ?? { outcome: 'anonymous' },
      }),
    );
  });

  const flush = async () => {
    await writer.flush();
    await apiKeys.flush();
  };
  app.addHook('onClose', flush);

  return { createdKey, flush, auditStats: () => writer.stats() };
}
