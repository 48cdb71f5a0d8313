import { type Authentication, describePrincipal } from './principal.js';
import { hasRole, ROLES, type RouteRole } from './roles.js';

/** Error codes of refused requests (the `code` field of the response body). */
export const AUTH_ERROR_CODES = Object.freeze({
  missingCredentials: 'VIGIL_ERR_AUTH_MISSING_CREDENTIALS',
  invalidCredentials: 'VIGIL_ERR_AUTH_INVALID_CREDENTIALS',
  forbidden: 'VIGIL_ERR_AUTH_FORBIDDEN',
  routeWithoutRole: 'VIGIL_ERR_AUTH_ROUTE_WITHOUT_ROLE',
  rateLimited: 'VIGIL_ERR_API_RATE_LIMITED',
});

/** Realm named in `WWW-Authenticate`. */
export const AUTH_REALM = 'vigil';

/** Whether a request may reach its handler, and if not, the response that refuses it. */
export type AccessDecision =
  | { readonly allowed: true }
  | {
      readonly allowed: false;
      readonly statusCode: 401 | 403;
      readonly code: string;
      readonly message: string;
      /** Value of the `WWW-Authenticate` header (401 only, RFC 6750). */
      readonly wwwAuthenticate?: string;
    };

/** What {@link decideAccess} decides on. */
export interface AccessRequest {
  /** The route's `config.role`; undefined when the route declares none (always refused). */
  readonly routeRole: RouteRole | undefined;
  /** False only when `api.auth.enabled` is explicitly false. */
  readonly authEnabled: boolean;
  readonly authentication: Authentication;
}

/** Makes `text` fit in a quoted header parameter: printable ASCII only, no quotes or backslashes. */
const headerSafe = (text: string) => text.replace(/["\\]/g, "'").replace(/[^\x20-\x7e]/g, '?');

/**
 * Decides whether a request may proceed. Fails closed: a route without a role is refused even with
 * authentication off, because that is a bug in the route, not a choice. Public routes need nothing;
 * other routes need credentials (401 otherwise, with `WWW-Authenticate`) that carry at least the
 * route's role (403 otherwise, naming the role needed).
 */
export function decideAccess(request: AccessRequest): AccessDecision {
  const { routeRole, authentication } = request;
  if (routeRole === undefined) {
    return {
      allowed: false,
      statusCode: 403,
      code: AUTH_ERROR_CODES.routeWithoutRole,
      message: `this route declares no role (config.role: ${['public', ...ROLES].join(' | ')}), so it is closed to everyone`,
    };
  }
  if (routeRole === 'public' || !request.authEnabled) return { allowed: true };
  if (authentication.outcome === 'anonymous') {
    return {
      allowed: false,
      statusCode: 401,
      code: AUTH_ERROR_CODES.missingCredentials,
      message: `authentication required: send "Authorization: Bearer <API key or token>" or "X-API-Key: <API key>" (role ${routeRole} or higher)`,
      wwwAuthenticate: `Bearer realm="${AUTH_REALM}"`,
    };
  }
  if (authentication.outcome === 'rejected') {
    return {
      allowed: false,
      statusCode: 401,
      code: AUTH_ERROR_CODES.invalidCredentials,
      message: authentication.message,
      wwwAuthenticate: `Bearer realm="${AUTH_REALM}", error="invalid_token", error_description="${headerSafe(authentication.message)}"`,
    };
  }
  const { principal } = authentication;
  if (principal.role === null || !hasRole(principal.role, routeRole)) {
    const held = principal.role === null ? 'no Vigil role' : `the ${principal.role} role`;
    return {
      allowed: false,
      statusCode: 403,
      code: AUTH_ERROR_CODES.forbidden,
      message: `this route needs the ${routeRole} role or higher; ${describePrincipal(principal)} has ${held}`,
    };
  }
  return { allowed: true };
}
