import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { crc64Avro, defaultSchemasDir, loadSchemaCatalog, SCHEMA_NAMES } from '../../src/codec/index.js';
import { ConfigError } from '../../src/errors.js';
import { sampleAnomalyEvent, sampleDeadLetter, sampleMetricPoint } from './samples.js';

const catalog = loadSchemaCatalog();

/** Record fields of a schema JSON, recursively, with their paths. */
function recordFields(schema: unknown, at = ''): Array<{ path: string; field: Record<string, unknown> }> {
  if (Array.isArray(schema)) return schema.flatMap((s) => recordFields(s, at));
  if (schema === null || typeof schema !== 'object') return [];
  const s = schema as Record<string, unknown>;
  const own = Array.isArray(s.fields)
    ? (s.fields as Record<string, unknown>[]).flatMap((field) => [
        { path: `${at}${String(field.name)}`, field },
        ...recordFields(field.type, `${at}${String(field.name)}.`),
      ])
    : [];
  return [...own, ...recordFields(s.items, at), ...recordFields(s.values, at)];
}

describe('schema catalog', () => {
  it('finds schemas/ at the package root', () => {
    expect(defaultSchemasDir()).toBe(path.resolve(import.meta.dirname, '../../schemas'));
  });

  it('loads every schema with its full name', () => {
    expect(catalog.entries.map((e) => e.fullName)).toEqual([
      'vigil.MetricPoint',
      'vigil.AnomalyEvent',
      'vigil.DeadLetter',
      'vigil.ContextEvent',
      'vigil.HypothesisEvent',
      'vigil.ActionEvent',
    ]);
  });

  it('computes the Parsing Canonical Form (checked by hand against the spec rules)', () => {
    // [STRIP] docs/defaults, [ORDER] name,type,fields; [FULLNAMES]; no whitespace.
    expect(catalog.get('MetricPoint').canonicalForm).toBe(
      '{"name":"vigil.MetricPoint","type":"record","fields":[{"name":"series","type":"string"},' +
        '{"name":"timestampMs","type":"long"},{"name":"value","type":"double"},' +
        '{"name":"labels","type":{"type":"map","values":"string"}}]}',
    );
  });

  it('fingerprints the canonical form with CRC-64-AVRO and indexes by it', () => {
    for (const entry of catalog.entries) {
      expect(entry.fingerprint).toBe(crc64Avro(entry.canonicalForm));
      expect(entry.fingerprintBytes.readBigUInt64LE(0)).toBe(entry.fingerprint);
      expect(catalog.byFingerprint(entry.fingerprint)).toBe(entry);
      expect(catalog.byFullName(entry.fullName)).toBe(entry);
    }
    expect(new Set(catalog.entries.map((e) => e.fingerprint)).size).toBe(6);
  });

  it.each(SCHEMA_NAMES)('%s: every record and field has a doc', (name) => {
    const file = path.join(
      defaultSchemasDir(),
      `${name.replace(/[A-Z]/g, (c, i) => (i ? '-' : '') + c.toLowerCase())}.avsc`,
    );
    const schema = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    expect(typeof schema.doc).toBe('string');
    const fields = recordFields(schema);
    expect(fields.length).toBeGreaterThan(3);
    for (const { path: at, field } of fields) {
      expect(typeof field.doc, `doc of ${name}.${at}`).toBe('string');
    }
  });

  it.each([
    ['MetricPoint', sampleMetricPoint],
    ['AnomalyEvent', sampleAnomalyEvent],
    ['DeadLetter', sampleDeadLetter],
  ] as const)('%s: field names are exactly the TS type keys and values round-trip', (name, sample) => {
    const entry = catalog.get(name);
    const fieldNames = recordFields(JSON.parse(entry.schemaJson))
      .filter((f) => !f.path.includes('.'))
      .map((f) => f.path);
    expect(fieldNames.sort()).toEqual(Object.keys(sample).sort());
    const decoded = entry.type.fromBuffer(entry.type.toBuffer(sample));
    expect(decoded).toEqual(sample);
    expect(typeof decoded.timestampMs === 'number' || typeof decoded.failedAtMs === 'number').toBe(true);
  });

  it('decodes longs as JS numbers (and refuses values beyond 2^53)', () => {
    const entry = catalog.get('DeadLetter');
    const decoded = entry.type.fromBuffer(entry.type.toBuffer(sampleDeadLetter));
    expect(typeof decoded.sourceOffset).toBe('number');
    expect(() => entry.type.toBuffer({ ...sampleDeadLetter, sourceOffset: 2 ** 60 })).toThrow();
  });

  it('fails with a ConfigError naming the file when a schema is missing', () => {
    const dir = path.join(os.tmpdir(), 'vigil-no-schemas');
    expect(() => loadSchemaCatalog({ schemasDir: dir })).toThrow(ConfigError);
    expect(() => loadSchemaCatalog({ schemasDir: dir })).toThrow(/metric-point\.avsc/);
  });
});
