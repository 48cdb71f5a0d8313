import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import avro from 'avsc';
import { ConfigError } from '../errors.js';
import type { ActionEvent } from '../model/action-event.js';
import type { AnomalyEvent } from '../model/anomaly-event.js';
import type { ContextEvent } from '../model/context-event.js';
import type { HypothesisEvent } from '../model/hypothesis-event.js';
import type { MetricPoint } from '../model/metric-point.js';
import { crc64Avro, fingerprintToBytesLE } from './crc64-avro.js';
import type { DeadLetter } from './dead-letter-headers.js';

/** Short names of the schemas in `schemas/`. */
export type SchemaName =
  | 'MetricPoint'
  | 'AnomalyEvent'
  | 'DeadLetter'
  | 'ContextEvent'
  | 'HypothesisEvent'
  | 'ActionEvent';

/** The TypeScript value type of each schema: a decoded Avro value IS this object. */
export interface SchemaValueTypes {
  MetricPoint: MetricPoint;
  AnomalyEvent: AnomalyEvent;
  DeadLetter: DeadLetter;
  ContextEvent: ContextEvent;
  HypothesisEvent: HypothesisEvent;
  ActionEvent: ActionEvent;
}

/** All schema names, in file order. */
export const SCHEMA_NAMES: readonly SchemaName[] = Object.freeze([
  'MetricPoint',
  'AnomalyEvent',
  'DeadLetter',
  'ContextEvent',
  'HypothesisEvent',
  'ActionEvent',
]);

/** The `.avsc` file of each schema, relative to the schemas folder. */
export const SCHEMA_FILES: Readonly<Record<SchemaName, string>> = Object.freeze({
  MetricPoint: 'metric-point.avsc',
  AnomalyEvent: 'anomaly-event.avsc',
  DeadLetter: 'dead-letter.avsc',
  ContextEvent: 'context-event.avsc',
  HypothesisEvent: 'hypothesis-event.avsc',
  ActionEvent: 'action-event.avsc',
});

/** One parsed schema with its identities. */
export interface CatalogEntry {
  readonly name: SchemaName;
  /** Full Avro name, e.g. `vigil.MetricPoint`. */
  readonly fullName: string;
  /** The parsed avsc type (longs decode to JS numbers; values beyond 2^53 raise "potential precision loss"). */
  readonly type: avro.Type;
  /** The schema as written in the `.avsc` file, re-serialised compactly (docs and defaults kept) — what is registered. */
  readonly schemaJson: string;
  /** Avro Parsing Canonical Form. */
  readonly canonicalForm: string;
  /** CRC-64-AVRO of the canonical form, unsigned. */
  readonly fingerprint: bigint;
  /** The fingerprint as 8 little-endian bytes (the single-object header after `C3 01`). */
  readonly fingerprintBytes: Buffer;
}

/** Vigil's schemas, looked up by name or by single-object fingerprint. */
export interface SchemaCatalog {
  readonly entries: readonly CatalogEntry[];
  /** The entry of a schema name. */
  get(name: SchemaName): CatalogEntry;
  /** The entry whose CRC-64-AVRO fingerprint is `fingerprint`, if any. */
  byFingerprint(fingerprint: bigint): CatalogEntry | undefined;
  /** The entry whose full Avro name is `fullName` (e.g. `vigil.AnomalyEvent`), if any. */
  byFullName(fullName: string): CatalogEntry | undefined;
}

/** Options of {@link loadSchemaCatalog}. */
export interface LoadSchemaCatalogOptions {
  /** Folder holding the `.avsc` files. Default: {@link defaultSchemasDir}. */
  readonly schemasDir?: string;
}

/**
 * The `schemas/` folder of the package: the first ancestor of this module that holds a `package.json`,
 * plus `schemas`. Works both from `src/codec/` (tsx, vitest) and from `dist/src/codec/` (built).
 */
export function defaultSchemasDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(path.join(dir, 'package.json'))) return path.join(dir, 'schemas');
    const parent = path.dirname(dir);
    if (parent === dir) {
      throw new ConfigError(
        `cannot find the package root (a folder with package.json) above ${fileURLToPath(import.meta.url)}; pass schemasDir explicitly`,
      );
    }
    dir = parent;
  }
}

/**
 * Builds one catalog entry from schema JSON text. Throws a {@link ConfigError} naming `source` when the
 * text is not a valid Avro schema.
 */
export function parseCatalogEntry(name: SchemaName, schemaText: string, source: string = name): CatalogEntry {
  let parsed: unknown;
  let type: avro.Type;
  try {
    parsed = JSON.parse(schemaText);
    type = avro.Type.forSchema(parsed as avro.Schema);
  } catch (error) {
    throw new ConfigError(`invalid Avro schema in ${source}: ${(error as Error).message}`, { cause: error });
  }
  const canonicalForm = JSON.stringify(type.schema());
  const fingerprint = crc64Avro(canonicalForm);
  return Object.freeze({
    name,
    fullName: type.name ?? name,
    type,
    schemaJson: JSON.stringify(parsed),
    canonicalForm,
    fingerprint,
    fingerprintBytes: fingerprintToBytesLE(fingerprint),
  });
}

/** Builds a catalog from already parsed entries (e.g. for schema-evolution tests). */
export function createSchemaCatalog(entries: readonly CatalogEntry[]): SchemaCatalog {
  const byName = new Map(entries.map((e) => [e.name, e]));
  const byFp = new Map(entries.map((e) => [e.fingerprint, e]));
  const byFull = new Map(entries.map((e) => [e.fullName, e]));
  for (const name of SCHEMA_NAMES) {
    if (!byName.has(name)) throw new ConfigError(`schema catalog is missing ${name}`);
  }
  return Object.freeze({
    entries: Object.freeze([...entries]),
    get(name: SchemaName): CatalogEntry {
      return byName.get(name)!;
    },
    byFingerprint(fingerprint: bigint): CatalogEntry | undefined {
      return byFp.get(fingerprint);
    },
    byFullName(fullName: string): CatalogEntry | undefined {
      return byFull.get(fullName);
    },
  });
}

/**
 * Reads and parses `metric-point.avsc`, `anomaly-event.avsc` and `dead-letter.avsc` (synchronously, once
 * at start-up). Throws a {@link ConfigError} when a file is missing or invalid.
 *
 * @example
 * const catalog = loadSchemaCatalog();
 * catalog.get('MetricPoint').fingerprint; // CRC-64-AVRO of the canonical form
 */
export function loadSchemaCatalog(options: LoadSchemaCatalogOptions = {}): SchemaCatalog {
  const dir = options.schemasDir ?? defaultSchemasDir();
  const entries = SCHEMA_NAMES.map((name) => {
    const file = path.join(dir, SCHEMA_FILES[name]);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new ConfigError(`cannot read Avro schema ${file}: ${(error as Error).message}`, { cause: error });
    }
    return parseCatalogEntry(name, text, file);
  });
  return createSchemaCatalog(entries);
}

let defaultCatalog: SchemaCatalog | undefined;

/** The catalog of the package's own `schemas/` folder, loaded on first use and then shared. */
export function defaultSchemaCatalog(): SchemaCatalog {
  defaultCatalog ??= loadSchemaCatalog();
  return defaultCatalog;
}
