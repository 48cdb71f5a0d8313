import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the fake registry misbehaves. */
export type FakeRegistryMode = 'normal' | 'error-500' | 'hang' | 'not-a-registry' | 'unauthorized';

/** A tiny Confluent-compatible registry on 127.0.0.1 for unit tests, mounted under `/apis/ccompat/v7`. */
export interface FakeRegistry {
  /** Base URL to give the adapter. */
  readonly url: string;
  mode: FakeRegistryMode;
  /** `METHOD path` of every request received, in order. */
  readonly requests: string[];
  /** Registers a schema directly (as another producer would) and returns its id. */
  add(subject: string, schema: string, schemaType?: string): number;
  close(): Promise<void>;
}

const PREFIX = '/apis/ccompat/v7';

/** Starts a fake registry on an ephemeral loopback port. */
export async function startFakeRegistry(): Promise<FakeRegistry> {
  const schemas = new Map<number, { schema: string; schemaType?: string }>();
  const subjects = new Map<string, number[]>();
  const configs = new Map<string, string>();
  const requests: string[] = [];
  let nextId = 1;

  function add(subject: string, schema: string, schemaType?: string): number {
    for (const [id, s] of schemas) {
      if (s.schema === schema && (subjects.get(subject) ?? []).includes(id)) return id;
    }
    const id = nextId++;
    schemas.set(id, schemaType === undefined ? { schema } : { schema, schemaType });
    subjects.set(subject, [...(subjects.get(subject) ?? []), id]);
    return id;
  }

  const send = (res: http.ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/vnd.schemaregistry.v1+json' });
    res.end(JSON.stringify(body));
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      requests.push(`${req.method} ${url.pathname}`);
      if (fake.mode === 'hang') return; // never answer
      if (fake.mode === 'error-500') return send(res, 500, { error_code: 50001, message: 'boom' });
      if (fake.mode === 'unauthorized') return send(res, 401, { error_code: 40101, message: 'no' });
      if (fake.mode === 'not-a-registry' || !url.pathname.startsWith(PREFIX)) {
        res.writeHead(404, { 'content-type': 'text/html' });
        return res.end('<html>not found</html>');
      }
      const path = url.pathname.slice(PREFIX.length).split('/').map(decodeURIComponent);
      const body =
        chunks.length > 0
          ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>)
          : {};
      // GET /subjects
      if (req.method === 'GET' && path.length === 2 && path[1] === 'subjects')
        return send(res, 200, [...subjects.keys()]);
      // GET /schemas/ids/{id}
      if (req.method === 'GET' && path[1] === 'schemas' && path[2] === 'ids') {
        const s = schemas.get(Number(path[3]));
        return s === undefined
          ? send(res, 404, { error_code: 40403, message: 'Schema not found' })
          : send(res, 200, s);
      }
      // GET/PUT /config/{subject}
      if (path[1] === 'config' && path[2] !== undefined) {
        if (req.method === 'PUT') {
          configs.set(path[2], String(body.compatibility));
          return send(res, 200, { compatibility: body.compatibility });
        }
        const level = configs.get(path[2]);
        return level === undefined
          ? send(res, 404, {
              error_code: 40408,
              message: 'Subject does not have subject-level compatibility configured',
            })
          : send(res, 200, { compatibilityLevel: level });
      }
      if (path[1] === 'subjects' && path[2] !== undefined && req.method === 'POST') {
        const subject = path[2];
        const schema = String(body.schema);
        // POST /subjects/{subject}/versions → register
        if (path[3] === 'versions') return send(res, 200, { id: add(subject, schema) });
        // POST /subjects/{subject} → look up
        const ids = subjects.get(subject);
        if (ids === undefined) return send(res, 404, { error_code: 40401, message: 'Subject not found' });
        const id = ids.find((i) => schemas.get(i)?.schema === schema);
        return id === undefined
          ? send(res, 404, { error_code: 40403, message: 'Schema not found' })
          : send(res, 200, { subject, id, version: ids.indexOf(id) + 1, schema });
      }
      return send(res, 404, { error_code: 404, message: 'HTTP 404 Not Found' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const fake: FakeRegistry = {
    url: `http://127.0.0.1:${port}${PREFIX}`,
    mode: 'normal',
    requests,
    add,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return fake;
}

/** A loopback URL on which nothing listens (connection refused). */
export async function closedPortUrl(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}${PREFIX}`;
}
