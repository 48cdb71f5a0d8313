/**
 * What a stage is: a pure handler plus a declarative binding. Handlers never see the log client; the
 * runtime (`stage-runner.ts`) owns subscribing, decoding, dispatch, producing, state, commits and dead
 * letters.
 */
import type { LogRecord } from './log-port.js';

/** A record a handler wants written. The runtime encodes `value` with the schema `schema`. */
export interface StageOutput {
  readonly topic: string;
  readonly key: string | null;
  readonly schema: string;
  readonly value: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** Key-scoped state of the partition being processed. Writes are checkpointed to the changelog. */
export interface KeyedState<S> {
  get(key: string): S | undefined;
  /** Stores the state for `key` and marks it for the next checkpoint. */
  set(key: string, state: S): void;
  /** Removes `key` (a tombstone goes to the changelog). */
  delete(key: string): void;
}

/** Where the record being handled came from, plus its state. */
export interface StageContext<S> {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  /** Record timestamp (ms since epoch). */
  readonly timestampMs: number;
  readonly state: KeyedState<S>;
}

/** A stage's logic: decoded input in, output records out. May be async for stages that call out. */
export interface StageHandler<In, S> {
  process(input: In, context: StageContext<S>): readonly StageOutput[] | Promise<readonly StageOutput[]>;
}

/** The outcome of decoding one input record. */
export type DecodeOutcome<In> =
  | { readonly ok: true; readonly value: In }
  | { readonly ok: false; readonly errorClass: string; readonly code: string; readonly message: string };

/**
 * What to do with a record that fails in a given way:
 * `dead-letter` — write it untouched to the dead-letter topic with the reason and go on;
 * `skip` — count it and go on; `fail` — stop the stage (the record stays uncommitted).
 */
export type FailureAction = 'dead-letter' | 'skip' | 'fail';

/**
 * Declared failure policy per error class. Retriable errors of decoding or handling (registry or another
 * dependency down) are always retried, then the partition is paused with backoff.
 */
export interface FailurePolicy {
  /** Undecodable or invalid input. */
  readonly decode: FailureAction;
  /** The handler threw a non-retriable error for this record, or its output could not be encoded. */
  readonly handler: FailureAction;
  /**
   * Writing a checkpoint (outputs, changelog, offsets) failed: `retry` re-delivers the batch from the
   * committed offset onto freshly restored state, with backoff; `fail` stops the stage.
   */
  readonly produce: 'retry' | 'fail';
}

/** How a stage's keyed state is persisted to its changelog topic. */
export interface StoreBinding<S> {
  /** Compacted topic, co-partitioned with the input topic. */
  readonly changelogTopic: string;
  serialize(state: S): Buffer;
  deserialize(bytes: Buffer, key: string): S;
}

/** The declarative side of a stage: where it reads, how it decodes, what state it keeps, how it fails. */
export interface StageBinding<In, S> {
  /** Stage name, used in logs, metrics and dead-letter headers (e.g. `detect`). */
  readonly name: string;
  readonly groupId: string;
  readonly inputTopic: string;
  readonly deadLetterTopic: string;
  decode(record: LogRecord): Promise<DecodeOutcome<In>>;
  /** The state key of a decoded input (the series id for detect). */
  stateKey(input: In): string;
  readonly handler: StageHandler<In, S>;
  readonly store?: StoreBinding<S>;
  readonly failurePolicy: FailurePolicy;
}
