import { createPublicKey } from 'node:crypto';
import { z } from 'zod';
import { configErrorFrom } from '../../config/zod-issues.js';
import { ConfigError } from '../../errors.js';

const envName = (what: string) =>
  z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, `${what} must be an environment variable name`);
const positiveInt = (what: string) =>
  z
    .number({ error: `${what} must be a number` })
    .int(`${what} must be an integer`)
    .min(1, `${what} must be >= 1`);

/** Shortest HS256 secret accepted, in bytes (RFC 7518 §3.2: at least the hash size). */
export const MIN_JWT_SECRET_BYTES = 32;

/**
 * Schema of the API's authentication settings, mounted under `api.auth:`. Secrets are never written in
 * the config: the settings name the environment variables that hold them.
 *
 * | key | default | meaning |
 * |---|---|---|
 * | `enabled` | true | false turns authentication off (explicitly; every route is then open) |
 * | `keyCacheTtlMs` | 5000 | how long a looked-up API key is trusted before it is read again (revocation delay); 0 = every request |
 * | `jwt` | unset (off) | accept JWT bearer tokens besides API keys |
 * | `jwt.secretEnv` | — | variable holding the HS256 secret (≥ 32 bytes) |
 * | `jwt.publicKeyEnv` | — | variable holding a PEM public key (RS256/384/512, PS*, ES*, EdDSA by key type) |
 * | `jwt.issuer`, `jwt.audience` | unchecked | required `iss` / `aud` |
 * | `jwt.roleClaim` | `role` | claim (dotted path) holding a role or a list of roles |
 * | `rateLimit.enabled` | true | per-client request limit |
 * | `rateLimit.max` | 1000 | requests per client per window |
 * | `rateLimit.timeWindowMs` | 60000 | window length |
 */
export const authSettingsSchema = z
  .object({
    enabled: z.boolean({ error: 'enabled must be true or false' }).default(true),
    keyCacheTtlMs: z
      .number({ error: 'keyCacheTtlMs must be a number' })
      .int('keyCacheTtlMs must be an integer')
      .min(0, 'keyCacheTtlMs must be >= 0')
      .max(300_000, 'keyCacheTtlMs must be <= 300000 (a revoked key would stay usable that long)')
      .default(5000),
    jwt: z
      .object({
        secretEnv: envName('secretEnv').optional(),
        publicKeyEnv: envName('publicKeyEnv').optional(),
        issuer: z.string().min(1, 'issuer must not be empty').optional(),
        audience: z.string().min(1, 'audience must not be empty').optional(),
        roleClaim: z
          .string()
          .regex(/^[^.\s]+(\.[^.\s]+)*$/, 'roleClaim is a claim name or a dotted path (realm_access.roles)')
          .default('role'),
      })
      .strict()
      .refine((jwt) => (jwt.secretEnv === undefined) !== (jwt.publicKeyEnv === undefined), {
        message: 'set exactly one of jwt.secretEnv (HS256) and jwt.publicKeyEnv (asymmetric)',
      })
      .optional(),
    rateLimit: z
      .object({
        enabled: z.boolean({ error: 'enabled must be true or false' }).default(true),
        max: positiveInt('max').default(1000),
        timeWindowMs: positiveInt('timeWindowMs').default(60_000),
      })
      .strict()
      .prefault({}),
  })
  .strict();

/** Settings as written (all optional). */
export type AuthSettingsInput = z.input<typeof authSettingsSchema>;

/** The validated `api.auth` settings. */
export type AuthSettings = z.output<typeof authSettingsSchema>;

/** The JWT verification key, read from the environment variable the settings name. */
export type JwtKey =
  | { readonly kind: 'hmac-secret'; readonly secret: string }
  | { readonly kind: 'public-key'; readonly pem: string };

/** Secrets of the auth settings; never logged. */
export interface AuthSecrets {
  /** Present exactly when `jwt` is configured. */
  readonly jwtKey: JwtKey | undefined;
}

/** Validates `api.auth` and fills the defaults; throws a ConfigError naming each bad setting. */
export function parseAuthSettings(raw: unknown, source: string): AuthSettings {
  const parsed = authSettingsSchema.safeParse(raw ?? {});
  if (!parsed.success) throw configErrorFrom(parsed.error, source, 'api.auth');
  return parsed.data;
}

/**
 * Reads the secrets the settings name from `env` (only the composition root passes `process.env`).
 * Throws a ConfigError when a named variable is unset, an HS256 secret is shorter than
 * {@link MIN_JWT_SECRET_BYTES} bytes, or a public key is not a PEM public key.
 */
export function readAuthSecrets(
  settings: AuthSettings,
  env: Readonly<Record<string, string | undefined>>,
): AuthSecrets {
  const jwt = settings.jwt;
  if (!jwt) return { jwtKey: undefined };
  if (jwt.secretEnv !== undefined) {
    const secret = env[jwt.secretEnv];
    if (!secret) {
      throw new ConfigError(
        `api.auth.jwt.secretEnv names ${jwt.secretEnv}, which is not set: export the HS256 secret in it (at least ${MIN_JWT_SECRET_BYTES} bytes, e.g. \`openssl rand -base64 48\`) or remove api.auth.jwt`,
      );
    }
    if (Buffer.byteLength(secret, 'utf8') < MIN_JWT_SECRET_BYTES) {
      throw new ConfigError(
        `${jwt.secretEnv} (api.auth.jwt.secretEnv) holds ${Buffer.byteLength(secret, 'utf8')} bytes; an HS256 secret needs at least ${MIN_JWT_SECRET_BYTES}`,
      );
    }
    return { jwtKey: { kind: 'hmac-secret', secret } };
  }
  const name = jwt.publicKeyEnv!;
  const pem = env[name];
  if (!pem) {
    throw new ConfigError(
      `api.auth.jwt.publicKeyEnv names ${name}, which is not set: export the issuer's PEM public key in it or remove api.auth.jwt`,
    );
  }
  if (/PRIVATE KEY-----/.test(pem)) {
    throw new ConfigError(
      `${name} (api.auth.jwt.publicKeyEnv) holds a private key: give Vigil only the public key (\`openssl pkey -pubout\`)`,
    );
  }
  try {
    createPublicKey(pem);
  } catch (error) {
    throw new ConfigError(
      `${name} (api.auth.jwt.publicKeyEnv) is not a PEM public key (${(error as Error).message})`,
      { cause: error },
    );
  }
  return { jwtKey: { kind: 'public-key', pem } };
}
