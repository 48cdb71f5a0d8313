import type { LogRecord } from '../../src/consumers/log-port.js';
import type { DecodeOutcome, StageBinding, StageOutput } from '../../src/consumers/stage.js';
import { VigilError } from '../../src/errors.js';

/** Input of the counter stage: add `n` to the running sum of `key`. */
export interface CountInput {
  readonly key: string;
  readonly n: number;
}

/** Knobs for failure tests. */
export interface CounterStageFaults {
  /** Decoding throws a retriable error while this returns true. */
  registryDown?: () => boolean;
  /** Records whose n equals this value make the handler throw a non-retriable error. */
  poisonN?: number;
}

/**
 * A tiny stage for runtime tests: keeps a running sum per key and emits `{key, sum}` per input.
 * Inputs are JSON; anything else is a decode error.
 */
export function counterBinding(
  faults: CounterStageFaults = {},
  policy: StageBinding<CountInput, number>['failurePolicy'] = {
    decode: 'dead-letter',
    handler: 'dead-letter',
    produce: 'retry',
  },
): StageBinding<CountInput, number> {
  return {
    name: 'counter',
    groupId: 'counter-group',
    inputTopic: 'in',
    deadLetterTopic: 'in.dlq',
    async decode(record: LogRecord): Promise<DecodeOutcome<CountInput>> {
      if (faults.registryDown?.()) {
        throw new VigilError('VIGIL_ERR_CODEC_REGISTRY_UNAVAILABLE', 'registry down', { retriable: true });
      }
      try {
        const parsed = JSON.parse(record.value?.toString('utf8') ?? '') as CountInput;
        if (typeof parsed.key !== 'string' || typeof parsed.n !== 'number') throw new Error('bad shape');
        return { ok: true, value: parsed };
      } catch (error) {
        return {
          ok: false,
          errorClass: 'malformed-json',
          code: 'VIGIL_ERR_TEST_MALFORMED',
          message: String(error),
        };
      }
    },
    stateKey: (input) => input.key,
    handler: {
      process(input, context): StageOutput[] {
        if (faults.poisonN !== undefined && input.n === faults.poisonN) throw new Error(`poison ${input.n}`);
        const sum = (context.state.get(input.key) ?? 0) + input.n;
        context.state.set(input.key, sum);
        return [{ topic: 'out', key: input.key, schema: 'json', value: { key: input.key, sum } }];
      },
    },
    store: {
      changelogTopic: 'counter-changelog',
      serialize: (sum) => Buffer.from(String(sum)),
      deserialize: (bytes) => Number(bytes.toString()),
    },
    failurePolicy: policy,
  };
}

/** JSON output encoding for the counter stage. */
export const encodeJson = async (output: StageOutput) => Buffer.from(JSON.stringify(output.value));

/** Topics the counter stage needs, with `partitions` partitions each. */
export function counterTopics(partitions: number) {
  return [
    { name: 'in', partitions },
    { name: 'out', partitions },
    { name: 'in.dlq', partitions: 1 },
    { name: 'counter-changelog', partitions, compacted: true },
  ];
}

/** An input record adding `n` to `key`. */
export const countRecord = (key: string, n: number) => ({
  topic: 'in',
  key,
  value: Buffer.from(JSON.stringify({ key, n })),
});
