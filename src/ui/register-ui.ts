import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';

/** Folder of the pages, styles and browser modules shipped with Vigil. */
export const UI_STATIC_DIR = fileURLToPath(new URL('./static/', import.meta.url));

/** URL prefix of every UI file; `/` serves the incidents list too. */
export const UI_PREFIX = '/ui/';

/** Files of uPlot's distribution the pages load, served under `/ui/vendor/`. */
export const UPLOT_FILES: readonly string[] = Object.freeze(['uPlot.esm.js', 'uPlot.min.css']);

/**
 * Content security policy of the UI: everything from this origin, nothing inline, no frames. uPlot sets
 * element styles through the CSSOM, which `style-src 'self'` allows.
 */
export const UI_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Decorator set on the instance the UI is registered on. */
const UI_MARKER = 'vigilUi';

/** Options of {@link registerUi}. */
export interface UiOptions {
  /** Folder served under `/ui/` (default {@link UI_STATIC_DIR}). */
  readonly staticDir?: string;
  /** Folder holding {@link UPLOT_FILES} (default: `dist/` of the installed `uplot` package). */
  readonly uplotDir?: string;
}

/** `dist/` of the installed `uplot` package. */
export function defaultUplotDir(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve('uplot/package.json')), 'dist');
}

/**
 * Serves the web UI: `/` and `/ui/` (the incidents list), `/ui/incident.html?id=…` (an incident), the
 * styles and browser modules under `/ui/…`, and uPlot under `/ui/vendor/`. Every route is marked
 * `config: { role: 'public' }`: the pages hold no data; the API routes they call are protected, and the
 * pages send the API key stored in the browser. Responses carry {@link UI_CONTENT_SECURITY_POLICY} and
 * `Cache-Control: no-cache` (revalidated by ETag). Paths leaving the folder are refused by
 * `@fastify/static`.
 *
 * Its routes live in their own encapsulated scope (no reply decorators leak to `app`); `app` only gets the
 * `vigilUi` marker, which makes a second registration on the same instance a no-op, so `buildApp` and a
 * caller may both register it.
 *
 * @example
 * const app = Fastify();
 * await app.register(registerUi);
 * await app.listen({ port: 8080 }); // http://127.0.0.1:8080/
 */
export async function registerUi(app: FastifyInstance, options: UiOptions = {}): Promise<void> {
  if (app.hasDecorator(UI_MARKER)) return;
  app.decorate(UI_MARKER, true);
  const staticDir = options.staticDir ?? UI_STATIC_DIR;
  const uplotDir = options.uplotDir ?? defaultUplotDir();
  for (const file of UPLOT_FILES) {
    if (!existsSync(path.join(uplotDir, file))) {
      throw new Error(`web UI: ${path.join(uplotDir, file)} is missing; install the "uplot" package`);
    }
  }
  await app.register(async (scope) => {
    await scope.register(fastifyStatic, { root: staticDir, serve: false, cacheControl: false });
    scope.addHook('onSend', async (_request, reply) => {
      reply.header('content-security-policy', UI_CONTENT_SECURITY_POLICY);
      reply.header('x-content-type-options', 'nosniff');
      reply.header('cache-control', 'no-cache');
    });
    const config = { role: 'public' } as const;
    // Pages and assets, not API: kept out of the OpenAPI document.
    const schema = { hide: true };
    const page = (file: string) => (_request: unknown, reply: FastifyReply) =>
      reply.sendFile(file, staticDir);
    scope.get('/', { config, schema }, page('index.html'));
    scope.get(UI_PREFIX, { config, schema }, page('index.html'));
    for (const file of UPLOT_FILES) {
      scope.get(`${UI_PREFIX}vendor/${file}`, { config, schema }, (_request, reply) =>
        reply.sendFile(file, uplotDir),
      );
    }
    scope.get<{ Params: { '*': string } }>(`${UI_PREFIX}*`, { config, schema }, (request, reply) =>
      reply.sendFile(request.params['*'], staticDir),
    );
  });
}

// Like fastify-plugin: run on the instance it is registered on (not a child), so the marker is seen there.
Object.defineProperty(registerUi, Symbol.for('skip-override'), { value: true });
Object.defineProperty(registerUi, Symbol.for('fastify.display-name'), { value: 'vigil-ui' });
