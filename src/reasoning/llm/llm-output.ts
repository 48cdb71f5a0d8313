import { z } from 'zod';
import type { Hypothesis } from '../../model/hypothesis-event.js';
import { LlmError } from './llm-errors.js';

const text = (max: number) => z.string().min(1).max(max);

/** The JSON the model must answer with. */
export const llmOutputSchema = z.object({
  hypotheses: z
    .array(
      z.object({
        cause: text(300),
        component: text(200).nullable(),
        confidence: z.number().min(0).max(1),
        evidence: z.array(text(500)).max(20),
        steps: z.array(text(500)).max(20),
      }),
    )
    .min(1)
    .max(10),
});

/** The JSON shape as shown to the model in the prompt. */
export const LLM_OUTPUT_EXAMPLE = JSON.stringify({
  hypotheses: [
    {
      cause: 'short root cause',
      component: 'service name or null',
      confidence: 0.7,
      evidence: ['fact from the incident supporting it'],
      steps: ['what an operator should check first'],
    },
  ],
});

/**
 * Parses and validates the model's text: JSON (optionally inside a ``` fence) matching
 * {@link llmOutputSchema}. Returns the hypotheses ranked by confidence; throws a non-retriable
 * `invalid-output` LlmError saying what was wrong.
 */
export function parseLlmOutput(content: string): Hypothesis[] {
  const fenced = /```(?:json)?\s*([\s\S]*?)```/i.exec(content);
  const body = (fenced ? fenced[1]! : content).trim();
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (error) {
    throw new LlmError('invalid-output', `model output is not JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const parsed = llmOutputSchema.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues
      .slice(0, 3)
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; ');
    throw new LlmError('invalid-output', `model output does not match the schema: ${first}`, {
      cause: parsed.error,
    });
  }
  return parsed.data.hypotheses
    .map((h) => ({ ...h, ruleId: null }))
    .sort((a, b) => b.confidence - a.confidence);
}
