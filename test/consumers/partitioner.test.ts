import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { murmur2, partitionForKey } from '../../src/consumers/partitioner.js';

const require = createRequire(import.meta.url);
const kafkajsMurmur2 = require('kafkajs/src/producer/partitioners/default/murmur2.js') as (
  key: Buffer,
) => number;

describe('partitioner', () => {
  it('hashes exactly like the kafkajs / Java default partitioner', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        expect(murmur2(bytes)).toBe(kafkajsMurmur2(Buffer.from(bytes)));
      }),
      { numRuns: 2000 },
    );
  });

  it('matches known Java client placements', () => {
    // Values from org.apache.kafka.common.utils.Utils.murmur2 (the Java client's partitioner).
    expect(murmur2(Buffer.from('21'))).toBe(-973932308);
    expect(murmur2(Buffer.from('foobar'))).toBe(-790332482);
    expect(murmur2(Buffer.from(''))).toBe(275646681);
    expect(partitionForKey('foobar', 6)).toBe((-790332482 & 0x7fffffff) % 6);
  });
});
