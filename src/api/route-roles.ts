import type { RouteOptions } from 'fastify';

/**
 * The least role a route needs, stated on every route as `config: { role }`. `public` routes (health,
 * `/metrics`, the API docs) need no credentials; the others need a caller holding that role or a higher
 * one (viewer < operator < admin). This module only declares and checks the field; authentication is a
 * plugin registered before the routes (see `buildApp`'s `plugins`).
 */
export type RouteRole = 'public' | 'viewer' | 'operator' | 'admin';

/** Every {@link RouteRole}, least demanding first. */
export const ROUTE_ROLE_NAMES: readonly RouteRole[] = Object.freeze([
  'public',
  'viewer',
  'operator',
  'admin',
]);

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The least role the route needs (see `src/api/route-roles.ts`). */
    role?: RouteRole;
  }
}

/** The role a route states, or undefined when it states none. */
export function roleOfRoute(route: Pick<RouteOptions, 'config'>): RouteRole | undefined {
  const role = (route.config as { role?: unknown } | undefined)?.role;
  return typeof role === 'string' && (ROUTE_ROLE_NAMES as readonly string[]).includes(role)
    ? (role as RouteRole)
    : undefined;
}

/**
 * An `onRoute` hook that refuses (at startup) any route that does not state a valid role, so no route
 * can be added without deciding who may call it. Routes whose url starts with one of `publicPrefixes`
 * (routes added by third-party plugins, e.g. the docs page's assets) are given `public` instead.
 */
export function requireRouteRoles(publicPrefixes: readonly string[]): (route: RouteOptions) => void {
  return (route) => {
    if (roleOfRoute(route) !== undefined) return;
    if (publicPrefixes.some((prefix) => route.url.startsWith(prefix))) {
      route.config = { ...route.config, role: 'public' };
      return;
    }
    throw new Error(
      `route ${String(route.method)} ${route.url} states no role: add config: { role: 'public' | 'viewer' | 'operator' | 'admin' }`,
    );
  };
}
