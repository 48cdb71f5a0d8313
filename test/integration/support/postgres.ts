import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';

/** The integration PostgreSQL (started by `npm run servers:start`). */
export const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://vigil:vigil@127.0.0.1:55432/vigil';

/** An admin connection and throwaway schemas, set up and dropped by the calling test file's hooks. */
export interface ScratchSchemas {
  /** The admin client (connected in `beforeAll`). */
  admin(): pg.Client;
  /** Creates a new schema `it_<tag>_…`, dropped after the file's tests. */
  freshSchema(): Promise<string>;
}

/**
 * Registers `beforeAll` (connect, failing with how to start PostgreSQL — never skipping) and `afterAll`
 * (drop every schema made, disconnect) in the calling test file.
 */
export function useScratchSchemas(tag: string): ScratchSchemas {
  let admin: pg.Client | undefined;
  const schemas: string[] = [];
  beforeAll(async () => {
    const client = new pg.Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 5000 });
    try {
      await client.connect();
    } catch (error) {
      throw new Error(
        `PostgreSQL at ${DATABASE_URL.replace(/:[^:@/]*@/, ':***@')} is not reachable (${(error as Error).message}): start it with \`npm run servers:start\` (or \`bash scripts/servers/postgres.sh start\`)`,
      );
    }
    admin = client;
  });
  afterAll(async () => {
    if (!admin) return;
    for (const schema of schemas) await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  });
  const connected = () => {
    if (!admin) throw new Error('the admin client connects in beforeAll');
    return admin;
  };
  return {
    admin: connected,
    async freshSchema() {
      const schema = `it_${tag}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
      await connected().query(`CREATE SCHEMA ${schema}`);
      schemas.push(schema);
      return schema;
    },
  };
}
