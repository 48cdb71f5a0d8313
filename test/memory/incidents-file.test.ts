import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { loadIncidentsFile, parseIncidents } from '../../src/memory/incidents-file.js';

const entry = {
  id: 'INC-1',
  summary: 's',
  service: 'checkout',
  metric: 'error_rate',
  direction: 'up',
  value: 1,
  baseline: { median: 0.1, mad: 0.01 },
  detectors: ['zscore'],
  rootCause: 'r',
  resolution: 'x',
  occurredAt: '2025-01-01T00:00:00Z',
};

describe('incidents file', () => {
  it('loads the ~30 shipped sample incidents with unique ids and complete fields', () => {
    const incidents = loadIncidentsFile();
    expect(incidents.length).toBeGreaterThanOrEqual(28);
    expect(new Set(incidents.map((i) => i.id)).size).toBe(incidents.length);
    const services = new Set(incidents.map((i) => i.signature.labels.service));
    expect(services.size).toBeGreaterThanOrEqual(8);
    for (const i of incidents) {
      expect(i.signature.series).toBe(`${i.signature.labels.service}.${i.signature.labels.metric}`);
      expect(i.rootCause.length).toBeGreaterThan(10);
    }
    expect(incidents.filter((i) => i.falsePositive).length).toBeGreaterThanOrEqual(1);
  });

  it('names each bad field and the source', () => {
    const bad = { incidents: [entry, { ...entry, id: 'INC-2', direction: 'sideways', value: 'high' }] };
    expect(() => parseIncidents(bad, 'x.yaml')).toThrow(ConfigError);
    expect(() => parseIncidents(bad, 'x.yaml')).toThrow(
      /x\.yaml[\s\S]*incidents\.1\.direction: direction must be "up" or "down"/,
    );
    expect(() => parseIncidents(bad, 'x.yaml')).toThrow(/incidents\.1\.value: value must be a number/);
    expect(() => parseIncidents({ incidents: [{ ...entry, occurredAt: 'yesterday' }] }, 'y')).toThrow(
      /occurredAt/,
    );
  });

  it('rejects duplicate ids', () => {
    expect(() => parseIncidents({ incidents: [entry, entry] }, 'dup.yaml')).toThrow(/duplicate ids INC-1/);
  });
});
