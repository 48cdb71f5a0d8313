import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/app-config.js';

const dir = mkdtempSync(join(tmpdir(), 'vigil-kafka-sec-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CA = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const BROKERS = { KAFKA_BROKERS: 'broker:9093' };

describe('Kafka SASL and TLS settings', () => {
  it('takes mechanism and username from the environment and the password from KAFKA_SASL_PASSWORD', () => {
    const config = loadConfig({
      env: {
        ...BROKERS,
        KAFKA_SASL_MECHANISM: 'scram-sha-512',
        KAFKA_SASL_USERNAME: 'vigil',
        KAFKA_SASL_PASSWORD: 's3cret',
      },
    });
    expect(config.kafka.sasl).toEqual({ mechanism: 'scram-sha-512', username: 'vigil', password: 's3cret' });
  });

  it('merges a file that names the mechanism, the user and the password variable with the environment', () => {
    const path = file(
      'sasl.yaml',
      'kafka:\n  sasl:\n    mechanism: plain\n    username: svc\n    passwordEnv: BROKER_PASSWORD\n',
    );
    const config = loadConfig({ env: { ...BROKERS, VIGIL_CONFIG: path, BROKER_PASSWORD: 'pw' } });
    expect(config.kafka.sasl).toEqual({ mechanism: 'plain', username: 'svc', password: 'pw' });
    // KAFKA_SASL_USERNAME overrides the file's user and keeps its mechanism.
    const over = loadConfig({
      env: { ...BROKERS, VIGIL_CONFIG: path, BROKER_PASSWORD: 'pw', KAFKA_SASL_USERNAME: 'other' },
    });
    expect(over.kafka.sasl).toEqual({ mechanism: 'plain', username: 'other', password: 'pw' });
  });

  it('refuses a password written in the config file', () => {
    const path = file(
      'inline.yaml',
      'kafka:\n  sasl:\n    mechanism: plain\n    username: svc\n    password: pw\n',
    );
    expect(() => loadConfig({ env: { ...BROKERS, VIGIL_CONFIG: path } })).toThrow(
      'kafka.sasl.password: put the password in the environment',
    );
  });

  it('refuses SASL without a password, naming the variable', () => {
    expect(() =>
      loadConfig({ env: { ...BROKERS, KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'svc' } }),
    ).toThrow(
      'kafka.sasl is configured (plain, user svc) but KAFKA_SASL_PASSWORD (kafka.sasl.passwordEnv) is not set',
    );
    expect(() => loadConfig({ env: { ...BROKERS, KAFKA_SASL_PASSWORD: 'pw' } })).toThrow(
      /kafka\.sasl\.mechanism/,
    );
  });

  it('reads the CA file, which turns TLS on', () => {
    const config = loadConfig({ env: { ...BROKERS, KAFKA_SSL_CA_FILE: file('ca.pem', CA) } });
    expect(config.kafka.ssl).toBe(true);
    expect(config.kafka.sslCa).toBe(CA);
    const plain = loadConfig({ env: { ...BROKERS, KAFKA_SSL: 'true' } });
    expect(plain.kafka).toMatchObject({ ssl: true });
    expect(plain.kafka.sslCa).toBeUndefined();
    expect(plain.kafka.sasl).toBeUndefined();
  });

  it('refuses a CA file that is missing or holds no certificate', () => {
    expect(() => loadConfig({ env: { ...BROKERS, KAFKA_SSL_CA_FILE: join(dir, 'none.pem') } })).toThrow(
      /cannot read kafka\.sslCaFile/,
    );
    expect(() => loadConfig({ env: { ...BROKERS, KAFKA_SSL_CA_FILE: file('bad.pem', 'hello') } })).toThrow(
      /holds no PEM certificate/,
    );
  });
});
