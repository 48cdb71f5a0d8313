import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LlmProvider } from '../../../src/reasoning/llm/providers.js';

/** What the fake provider answers to one request. */
export interface FakeReply {
  readonly status?: number;
  /** Model text, wrapped in the provider's response envelope. */
  readonly content?: string;
  /** Raw response body instead of an envelope. */
  readonly raw?: string;
  /** Wait this long before answering. */
  readonly delayMs?: number;
}

export interface RecordedRequest {
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: Record<string, unknown>;
}

/**
 * A local HTTP server on 127.0.0.1 that plays an OpenAI-compatible or Anthropic API: it answers the
 * queued replies in order (the last one repeats) and records every request.
 */
export class FakeProvider {
  readonly requests: RecordedRequest[] = [];
  private replies: FakeReply[] = [];
  private constructor(
    readonly provider: LlmProvider,
    private readonly server: Server,
  ) {}

  static async start(provider: LlmProvider): Promise<FakeProvider> {
    let fake: FakeProvider | undefined;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        fake!.requests.push({
          path: req.url ?? '',
          headers: req.headers,
          body: JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}'),
        });
        const reply =
          fake!.replies.length > 1 ? fake!.replies.shift()! : (fake!.replies[0] ?? { status: 500 });
        const send = () => {
          if (res.destroyed) return;
          res.writeHead(reply.status ?? 200, { 'content-type': 'application/json' });
          res.end(
            reply.raw ?? (reply.content !== undefined ? fake!.envelope(reply.content) : '{"error":"boom"}'),
          );
        };
        if (reply.delayMs) setTimeout(send, reply.delayMs);
        else send();
      });
    });
    fake = new FakeProvider(provider, server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  get baseUrl(): string {
    const { port } = this.server.address() as AddressInfo;
    return this.provider === 'openai' ? `http://127.0.0.1:${port}/v1` : `http://127.0.0.1:${port}`;
  }

  /** Replaces the reply queue. */
  reply(...replies: FakeReply[]): void {
    this.replies = replies;
  }

  envelope(content: string): string {
    return this.provider === 'openai'
      ? JSON.stringify({ id: 'x', choices: [{ index: 0, message: { role: 'assistant', content } }] })
      : JSON.stringify({ id: 'x', type: 'message', content: [{ type: 'text', text: content }] });
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** A valid model answer. */
export const VALID_ANSWER = JSON.stringify({
  hypotheses: [
    {
      cause: 'checkout slow',
      component: 'checkout',
      confidence: 0.4,
      evidence: ['p99 up'],
      steps: ['trace checkout'],
    },
    {
      cause: 'db pool exhausted',
      component: 'db',
      confidence: 0.85,
      evidence: ['connections at max'],
      steps: ['check pool'],
    },
  ],
});
