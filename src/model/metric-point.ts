/**
 * One observation of one time series, as carried by the `metrics` topic.
 *
 * Invariants (enforced by the codec's validation, see `src/codec/validate-metric-point.ts`):
 * `series` is non-empty, `value` is finite, `timestampMs` is a plausible epoch time in milliseconds,
 * and `labels` stays within the configured size limits.
 */
export interface MetricPoint {
  /** Stable series identifier, also the record key (e.g. `checkout.latency_p99{host=web-1}`). */
  readonly series: string;
  /** Event time, milliseconds since the Unix epoch (UTC). */
  readonly timestampMs: number;
  /** Observed value. Always finite. */
  readonly value: number;
  /** Free-form dimensions (service, host, region…). */
  readonly labels: Readonly<Record<string, string>>;
}
