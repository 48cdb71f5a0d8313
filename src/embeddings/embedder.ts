/** Turns short texts into fixed-size vectors whose cosine similarity reflects meaning. */
export interface Embedder {
  /** Model name, recorded in every context event (e.g. `Xenova/all-MiniLM-L6-v2`). */
  readonly model: string;
  /** Length of every vector returned by {@link Embedder.embed} (384 for MiniLM-L6). */
  readonly dimensions: number;
  /**
   * One vector per text, in input order. Vectors are L2-normalised (unit length), so the dot product of
   * two of them is their cosine similarity.
   */
  embed(texts: string[]): Promise<Float32Array[]>;
  /** Releases the model (idempotent). */
  close?(): Promise<void>;
}

/** Cosine similarity of two vectors of equal length, in [-1, 1] (0 when either vector is zero). */
export function cosineSimilarity(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError(`vector lengths differ: ${a.length} vs ${b.length}`);
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}
