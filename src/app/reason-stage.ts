import type { Logger } from 'pino';
import { type ReasonBinding, reasonBinding } from '../agents/reason/reason-binding.js';
import type { ReasonHandlerOptions } from '../agents/reason/reason-handler.js';
import type { AppConfig } from '../config/app-config.js';
import type { LogBackend } from '../consumers/log-port.js';
import { createCallTimer, timedFetch } from '../observability/instrumented-ports.js';
import type { Tracing } from '../observability/tracing.js';
import type { VigilMetrics } from '../observability/vigil-metrics.js';
import { loadDependencyGraphFile } from '../reasoning/dependency-graph.js';
import { createLlmEngine, type LlmEngine } from '../reasoning/llm/llm-engine.js';
import { createRulesEngine } from '../reasoning/rules/rules-engine.js';
import { loadRulesFile } from '../reasoning/rules/rules-file.js';
import type { Codecs } from './codecs.js';
import { createConfiguredRunner } from './configured-runner.js';
import { closeOnce, type PipelineStage } from './pipeline-stage.js';
import { resolveSettingsPath } from './shipped-file.js';

/** What the reason stage is built from; `llmFetch` replaces the global `fetch` of the LLM engine. */
export interface ReasonStageDeps {
  readonly config: AppConfig;
  readonly backend: LogBackend;
  readonly codecs: Codecs;
  readonly logger: Logger;
  readonly llmFetch?: typeof fetch;
  readonly onHypothesis?: ReasonHandlerOptions['onHypothesis'];
  /** Record spans and LLM call spans (off when absent or disabled). */
  readonly tracing?: Tracing | undefined;
  /** Stage metrics, LLM call latencies and breaker state. */
  readonly metrics?: VigilMetrics | undefined;
}

/** The reason stage plus its handler (counters) and the optional LLM engine (breaker state). */
export interface ReasonStage extends PipelineStage {
  readonly handler: ReasonBinding['handler'];
  readonly llm: LlmEngine | undefined;
}

/**
 * Builds the reason stage (not started): the rules engine from `reason.rulesFile`, the optional dependency
 * graph, and, when `reason.llm.enabled`, the LLM engine with the API key read from the variable
 * `reason.llm.apiKeyEnv` names (without a key the engine makes no request and the rules answer, with a
 * `fallbackReason`). Incident state lives in a compacted changelog co-partitioned with `contexts`.
 */
export function createReasonStage(deps: ReasonStageDeps): ReasonStage {
  const { config, backend, codecs, logger } = deps;
  const settings = config.reason;
  const names = config.topics.names;
  const rules = createRulesEngine(
    loadRulesFile(resolveSettingsPath(settings.rulesFile, 'config/rules.yaml')),
  );
  const graph = settings.dependencyGraphFile
    ? loadDependencyGraphFile(resolveSettingsPath(settings.dependencyGraphFile, ''))
    : undefined;
  const { llm: llmSettings } = settings;
  let llm: LlmEngine | undefined;
  const { metrics } = deps;
  if (llmSettings.enabled) {
    const baseFetch = deps.llmFetch ?? fetch;
    const llmFetch =
      metrics || deps.tracing?.tracer
        ? timedFetch(baseFetch, 'llm', createCallTimer(metrics?.dependencies, deps.tracing?.tracer))
        : deps.llmFetch;
    if (!config.secrets.llmApiKey) {
      logger.warn(
        { stage: 'reason', apiKeyEnv: llmSettings.apiKeyEnv },
        `reason.llm.enabled but ${llmSettings.apiKeyEnv} is not set: hypotheses come from the rules`,
      );
    }
    llm = createLlmEngine({
      provider: llmSettings.provider,
      baseUrl: llmSettings.baseUrl,
      model: llmSettings.model!,
      apiKey: config.secrets.llmApiKey,
      apiKeyEnv: llmSettings.apiKeyEnv,
      timeoutMs: llmSettings.timeoutMs,
      budgetMs: llmSettings.budgetMs,
      maxTokens: llmSettings.maxTokens,
      breaker: llmSettings.breaker,
      retry: llmSettings.retry,
      ...(llmFetch ? { fetch: llmFetch } : {}),
      ...(metrics
        ? { onBreakerStateChange: (state) => metrics.dependencies.breakerChanged('llm', state) }
        : {}),
    });
    const engine = llm;
    metrics?.dependencies.watchBreaker('llm', () => engine.state);
  }
  const binding = reasonBinding({
    settings,
    contextsTopic: names.contexts,
    hypothesesTopic: names.hypotheses,
    deadLetterTopic: names.contextsDeadLetter,
    changelogTopic: names.reasonChangelog,
    decoder: codecs.eventDecoder,
    rules,
    graph,
    llm,
    ...(deps.onHypothesis ? { onHypothesis: deps.onHypothesis } : {}),
  });
  const runner = createConfiguredRunner({
    config,
    backend,
    binding,
    codecs,
    logger,
    tracing: deps.tracing,
    metrics,
  });
  return {
    name: 'reason',
    groupId: settings.groupId,
    inputTopic: names.contexts,
    runner,
    handler: binding.handler,
    llm,
    shutdown: closeOnce([() => llm?.shutdown()]),
  };
}
