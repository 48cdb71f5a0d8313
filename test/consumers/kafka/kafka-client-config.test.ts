import { describe, expect, it } from 'vitest';
import { kafkaClientConfig } from '../../../src/consumers/kafka/kafka-backend.js';
import { silentLogger } from '../../../src/observability/logger.js';

const base = { brokers: ['b1:9093'], clientId: 'vigil', replicationFactor: -1, transactionTimeoutMs: 60_000 };
const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

describe('kafkaClientConfig', () => {
  it('uses plaintext unless TLS is asked for', () => {
    expect(kafkaClientConfig(base, silentLogger()).ssl).toBeUndefined();
    expect(kafkaClientConfig({ ...base, ssl: true }, silentLogger()).ssl).toBe(true);
  });

  it('trusts exactly the configured CA when one is given', () => {
    expect(kafkaClientConfig({ ...base, ssl: true, sslCa: PEM }, silentLogger()).ssl).toEqual({ ca: [PEM] });
  });

  it('passes SASL credentials through', () => {
    const sasl = { mechanism: 'scram-sha-512' as const, username: 'u', password: 'p' };
    expect(kafkaClientConfig({ ...base, sasl }, silentLogger()).sasl).toEqual(sasl);
  });
});
