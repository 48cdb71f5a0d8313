import type { Role } from './roles.js';

/** Who a request was authenticated as. */
export type Principal =
  | {
      readonly kind: 'api-key';
      /** Key id (the public part of the key). */
      readonly id: string;
      readonly name: string;
      readonly role: Role;
    }
  | {
      readonly kind: 'jwt';
      /** The token's `sub` claim. */
      readonly subject: string;
      /** The token's `name` claim, when it is a string. */
      readonly name: string | null;
      /** The highest Vigil role the role claim names; null when it names none. */
      readonly role: Role | null;
    };

/** Why presented credentials were refused. */
export type AuthFailure =
  | 'malformed-credentials'
  | 'unknown-key'
  | 'revoked-key'
  | 'invalid-token'
  | 'expired-token'
  | 'jwt-not-configured';

/** The outcome of authenticating one request. */
export type Authentication =
  /** Nothing was presented (or the route is public and nothing was checked). */
  | { readonly outcome: 'anonymous' }
  | { readonly outcome: 'authenticated'; readonly principal: Principal }
  /** Credentials were presented and refused; `message` is safe to show the caller. */
  | { readonly outcome: 'rejected'; readonly failure: AuthFailure; readonly message: string };

/** Stable id of a principal for rate limits and logs: `key:<id>` or `jwt:<subject>`. */
export function principalKey(principal: Principal): string {
  return principal.kind === 'api-key' ? `key:${principal.id}` : `jwt:${principal.subject}`;
}

/** How a principal is named in messages, e.g. `API key "ci" (0123456789ab)` or `token subject "alice"`. */
export function describePrincipal(principal: Principal): string {
  return principal.kind === 'api-key'
    ? `API key ${JSON.stringify(principal.name)} (${principal.id})`
    : `token subject ${JSON.stringify(principal.subject)}`;
}
