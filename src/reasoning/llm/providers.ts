import { z } from 'zod';
import { LlmError } from './llm-errors.js';
import type { LlmPrompt } from './prompt.js';

/** Supported HTTP API flavours. */
export type LlmProvider = 'openai' | 'anthropic';

/** Default base URL per provider. */
export const DEFAULT_BASE_URLS: Readonly<Record<LlmProvider, string>> = Object.freeze({
  openai: 'https://api.openai.com/v1',
  anthropic: 'https://api.anthropic.com',
});

/** Default environment variable of the API key per provider. */
export const DEFAULT_API_KEY_ENV: Readonly<Record<LlmProvider, string>> = Object.freeze({
  openai: 'OPENAI_API_KEY',
  anthropic: 'ANTHROPIC_API_KEY',
});

/** One HTTP request to a provider. */
export interface ProviderRequest {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** Parameters of a completion request. */
export interface CompletionParams {
  readonly baseUrl: string;
  readonly model: string;
  readonly apiKey: string;
  readonly maxTokens: number;
  readonly prompt: LlmPrompt;
}

const trim = (url: string) => url.replace(/\/+$/, '');

/**
 * The request for a provider: OpenAI-compatible `POST {baseUrl}/chat/completions` (bearer token, JSON
 * response format) or Anthropic `POST {baseUrl}/v1/messages` (`x-api-key`, `anthropic-version`).
 */
export function buildProviderRequest(provider: LlmProvider, p: CompletionParams): ProviderRequest {
  if (provider === 'openai') {
    return {
      url: `${trim(p.baseUrl)}/chat/completions`,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${p.apiKey}` },
      body: JSON.stringify({
        model: p.model,
        temperature: 0,
        max_tokens: p.maxTokens,
        response_format: { type: 'json_object' },
        messages: [
          { role: 'system', content: p.prompt.system },
          { role: 'user', content: p.prompt.user },
        ],
      }),
    };
  }
  return {
    url: `${trim(p.baseUrl)}/v1/messages`,
    headers: { 'content-type': 'application/json', 'x-api-key': p.apiKey, 'anthropic-version': '2023-06-01' },
    body: JSON.stringify({
      model: p.model,
      max_tokens: p.maxTokens,
      temperature: 0,
      system: p.prompt.system,
      messages: [{ role: 'user', content: p.prompt.user }],
    }),
  };
}

const openAiResponse = z.object({
  choices: z.array(z.object({ message: z.object({ content: z.string() }) })).min(1),
});
const anthropicResponse = z.object({
  content: z.array(z.object({ type: z.string(), text: z.string().optional() })).min(1),
});

/** The model's text from a successful provider response body; throws an `invalid-output` LlmError. */
export function extractCompletionText(provider: LlmProvider, body: string): string {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (error) {
    throw new LlmError('invalid-output', `provider response is not JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (provider === 'openai') {
    const parsed = openAiResponse.safeParse(json);
    if (!parsed.success)
      throw new LlmError('invalid-output', 'provider response has no choices[0].message.content');
    return parsed.data.choices[0]!.message.content;
  }
  const parsed = anthropicResponse.safeParse(json);
  const text = parsed.success
    ? parsed.data.content
        .filter((c) => c.type === 'text' && c.text)
        .map((c) => c.text)
        .join('')
    : '';
  if (!text) throw new LlmError('invalid-output', 'provider response has no text content block');
  return text;
}
