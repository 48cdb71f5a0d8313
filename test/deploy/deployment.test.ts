import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, posix } from 'node:path';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { API_LIVE_PATH, METRICS_PATH, probeTarget } from '../../deploy/docker/probe-target.mjs';
import { DEFAULT_API_SETTINGS } from '../../src/api/api-settings.js';
import { buildApp } from '../../src/api/build-app.js';
import { roleOfRoute } from '../../src/api/route-roles.js';
import { STAGE_NAMES } from '../../src/app/pipeline-stage.js';
import { ENVIRONMENT_VARIABLES } from '../../src/config/app-config.js';
import { createStageMetricsRegistry, serveMetrics } from '../../src/observability/stage-metrics.js';
import { DEFAULT_API_KEY_ENV } from '../../src/reasoning/llm/providers.js';
import { DEFAULT_DETECTOR_CONFIG } from '../../src/streams/index.js';
import { type CliSurface, readCliSurface } from './support/cli-help.js';
import { copyOf, type DockerStage, envOf, parseDockerfile, wordsOf } from './support/dockerfile.js';
import { dockerignoreMatcher } from './support/dockerignore.js';
import { parseTemplate, type StrippedTemplate, stripTemplate } from './support/helm-template.js';
import {
  asRecord,
  REPO,
  readRepoFile,
  readRepoYaml,
  repoFolder,
  repoPathExists,
} from './support/repo-files.js';
import { THIRD_PARTY_ENVIRONMENT, VIGIL_LIKE_NAME } from './support/third-party-env.js';

// The API's health routes (probe-target.mjs holds the liveness path the image's HEALTHCHECK uses). The
// last describe block checks that buildApp serves each of them, publicly.
const API_HEALTH_PATHS = [API_LIVE_PATH, '/api/v1/health/ready'];
const HEALTHCHECK_SCRIPT = '/app/deploy/docker/healthcheck.mjs';

/** Every variable Vigil reads: the keys of ENVIRONMENT_VARIABLES plus the LLM key variables it names. */
const REAL_VARIABLES = new Set([
  ...Object.keys(ENVIRONMENT_VARIABLES).filter((name) => !name.startsWith('<')),
  ...Object.values(DEFAULT_API_KEY_ENV),
]);
const vigilLikeNames = (text: string) => [...new Set(text.match(VIGIL_LIKE_NAME) ?? [])];
const isVigilLike = (name: string) => vigilLikeNames(name).includes(name);

// ---------------------------------------------------------------- shared readers

type Service = Record<string, unknown>;
const compose = asRecord(readRepoYaml('docker-compose.yml'), 'docker-compose.yml');
const services = asRecord(compose.services, 'services') as Record<string, Service>;
const isVigilService = (s: Service) =>
  s.build !== undefined || (typeof s.image === 'string' && s.image.startsWith('vigil:'));
const vigilServices = Object.entries(services).filter(([, s]) => isVigilService(s));
const commandOf = (s: Service): string[] => (Array.isArray(s.command) ? (s.command as string[]) : []);
const envMapOf = (s: Service, name: string) => asRecord(s.environment ?? {}, `${name}.environment`);
const healthWords = (s: Service): string[] => {
  const test = asRecord(s.healthcheck ?? {}, 'healthcheck').test;
  return Array.isArray(test) ? (test as string[]) : typeof test === 'string' ? [test] : [];
};
const urlIn = (words: readonly string[]) => words.map((w) => /https?:\/\/\S+/.exec(w)?.[0]).find(Boolean);
/** The value after `flag` (`--flag v` or `--flag=v`). */
function flagValue(words: readonly string[], flag: string): string | undefined {
  const i = words.indexOf(flag);
  if (i >= 0) return words[i + 1];
  return words.find((w) => w.startsWith(`${flag}=`))?.slice(flag.length + 1);
}

const HELM = 'deploy/helm/vigil';
const helmValues = asRecord(readRepoYaml(`${HELM}/values.yaml`), 'values.yaml');
const templateFiles = repoFolder(`${HELM}/templates`).filter((f) => /\.ya?ml$/.test(f));
const templates = new Map(
  templateFiles.map((f) => [f, parseTemplate(readRepoFile(`${HELM}/templates/${f}`))] as const),
);
const helpers = parseTemplate(readRepoFile(`${HELM}/templates/_helpers.tpl`)).stripped;

interface HelmContainer {
  readonly file: string;
  readonly kind: string;
  readonly spec: Record<string, unknown>;
  readonly container: Record<string, unknown>;
  readonly stripped: StrippedTemplate;
}
function helmDocuments(kind: string) {
  return [...templates].flatMap(([file, { documents, stripped }]) =>
    documents
      .map((d) => asRecord(d.value, file))
      .filter((doc) => doc.kind === kind)
      .map((doc) => ({ file, doc, stripped })),
  );
}
const helmContainers: HelmContainer[] = helmDocuments('Deployment').flatMap(({ file, doc, stripped }) => {
  const pod = asRecord(asRecord(asRecord(doc.spec, 'spec').template, 'template').spec, 'pod spec');
  return (pod.containers as Record<string, unknown>[]).map((container) => ({
    file,
    kind: 'Deployment',
    spec: pod,
    container,
    stripped,
  }));
});
/** The template expression behind a placeholder, without `$`, pipes and spaces (`$name | quote` → `name`). */
const expressionOf = (stripped: StrippedTemplate, word: string) => {
  const placeholders = word.match(/__TPL_\d+__/g) ?? [];
  return placeholders.map((p) =>
    (stripped.expressions.get(p) ?? '?')
      .split('|')[0]!
      .trim()
      .replace(/^\$\.?/, '.')
      .replace(/^\./, ''),
  );
};

const dockerfile = parseDockerfile(readRepoFile('Dockerfile'));
const runtime = dockerfile.stages.at(-1)!;
const instructions = (stage: DockerStage, keyword: string) =>
  stage.instructions.filter((i) => i.keyword === keyword);

/**
 * The repository file a path inside the runtime image comes from, when a plain COPY (no --from) put it
 * there; undefined otherwise.
 */
function repoFileAtImagePath(stage: DockerStage, imagePath: string): string | undefined {
  let workdir = '/';
  for (const instruction of stage.instructions) {
    if (instruction.keyword === 'WORKDIR') workdir = posix.resolve(workdir, instruction.args.trim());
    if (instruction.keyword !== 'COPY') continue;
    const copy = copyOf(instruction);
    if (copy.from !== undefined) continue;
    const destination = posix.resolve(workdir, copy.destination);
    const intoFolder = copy.destination.endsWith('/') || copy.sources.length > 1;
    for (const source of copy.sources) {
      const target = intoFolder ? posix.join(destination, posix.basename(source)) : destination;
      if (imagePath === target || imagePath.startsWith(`${target}/`))
        return posix.join(source, imagePath.slice(target.length));
    }
  }
  return undefined;
}

let cliSurface: Promise<CliSurface> | undefined;
/** The CLI's commands, stages and options, read once from its --help (only by the tests that need them). */
const cli = () => {
  cliSurface ??= readCliSurface();
  return cliSurface;
};
const CLI_TIMEOUT_MS = 60_000;

/** Problems with a `vigil` command line (as given to the image), judged by the CLI's own --help. */
async function commandProblems(words: readonly string[]): Promise<string[]> {
  const surface = await cli();
  const [command, first] = words;
  if (!command || !surface.commands.has(command)) return [`${command} is not a vigil command`];
  if (command === 'topics') return first && surface.topicsCommands.has(first) ? [] : [`topics ${first}?`];
  if (command !== 'run') return [];
  const problems: string[] = [];
  if (first && !first.startsWith('-') && !surface.runStages.has(first))
    problems.push(`run ${first}: no such stage`);
  for (const word of words.filter((w) => w.startsWith('--'))) {
    if (!surface.runOptions.has(word.split('=')[0]!)) problems.push(`run ${word}: no such option`);
  }
  return problems;
}

// ---------------------------------------------------------------- docker-compose.yml

const SERVICE_KEYS = new Set(
  `annotations attach build blkio_config cap_add cap_drop cgroup cgroup_parent command configs container_name
  cpu_count cpu_percent cpu_period cpu_quota cpu_rt_period cpu_rt_runtime cpu_shares cpus cpuset credential_spec
  depends_on deploy develop device_cgroup_rules devices dns dns_opt dns_search domainname entrypoint env_file
  environment expose extends external_links extra_hosts gpus group_add healthcheck hostname image init ipc
  isolation labels label_file links logging mac_address mem_limit mem_reservation mem_swappiness memswap_limit
  network_mode networks oom_kill_disable oom_score_adj pid pids_limit platform ports post_start pre_stop
  privileged profiles pull_policy read_only restart runtime scale secrets security_opt shm_size stdin_open
  stop_grace_period stop_signal storage_opt sysctls tmpfs tty ulimits user userns_mode uts volumes
  volumes_from working_dir`.split(/\s+/),
);
const HEALTHCHECK_KEYS = new Set([
  'test',
  'interval',
  'timeout',
  'retries',
  'start_period',
  'start_interval',
]);
const DURATION = /^(\d+(\.\d+)?(us|ms|s|m|h))+$/;
const CONDITIONS = new Set(['service_started', 'service_healthy', 'service_completed_successfully']);
const PORT_SHORT =
  /^(?:(?:\d{1,3}(?:\.\d{1,3}){3}|\[[\da-fA-F:]+\]):)?(?:\d+(?:-\d+)?:)?\d+(?:-\d+)?(?:\/(?:tcp|udp|sctp))?$/;
const isOneShot = (s: Service) => s.restart === 'no';

describe('docker-compose.yml', () => {
  it('has only Compose top-level keys and a project name', () => {
    const allowed = new Set(['version', 'name', 'services', 'networks', 'volumes', 'configs', 'secrets']);
    const unknown = Object.keys(compose).filter((k) => !allowed.has(k) && !k.startsWith('x-'));
    expect(unknown).toEqual([]);
    expect(compose.name).toMatch(/^[a-z0-9][a-z0-9_-]*$/);
  });

  it('gives every service an image or a build and only keys of the Compose specification', () => {
    for (const [name, service] of Object.entries(services)) {
      expect(service.image ?? service.build, `${name}: image or build`).toBeDefined();
      const unknown = Object.keys(service).filter((k) => !SERVICE_KEYS.has(k) && !k.startsWith('x-'));
      expect(unknown, `${name}: keys`).toEqual([]);
      if (service.restart !== undefined) {
        expect(String(service.restart), `${name}: restart`).toMatch(
          /^(no|always|unless-stopped|on-failure(:\d+)?)$/,
        );
      }
    }
  });

  it('has the full stack: Kafka, registry, PostgreSQL, Qdrant, Prometheus, Grafana, Jaeger, stages, API', () => {
    const images = Object.values(services).map((s) => String(s.image ?? ''));
    for (const repo of [
      'apache/kafka:3.9.',
      'apicurio/apicurio-registry',
      'timescale/timescaledb:',
      'qdrant/qdrant:',
      'prom/prometheus:',
      'grafana/grafana:',
      'jaegertracing/',
    ]) {
      expect(
        images.some((i) => i.startsWith(repo)),
        repo,
      ).toBe(true);
    }
    const stages = vigilServices
      .map(([, s]) => commandOf(s))
      .filter((c) => c[0] === 'run')
      .map((c) => c[1]);
    expect(stages.sort()).toEqual([...STAGE_NAMES, 'api'].sort());
  });

  it('gives every long-running service a healthcheck in Compose form', () => {
    for (const [name, service] of Object.entries(services)) {
      if (isOneShot(service)) continue;
      const healthcheck = asRecord(service.healthcheck, `${name}.healthcheck`);
      expect(
        Object.keys(healthcheck).filter((k) => !HEALTHCHECK_KEYS.has(k)),
        name,
      ).toEqual([]);
      const test = healthWords(service);
      expect(['CMD', 'CMD-SHELL'], `${name}: test`).toContain(test[0]);
      expect(test.length, name).toBeGreaterThan(1);
      for (const key of ['interval', 'timeout', 'start_period', 'start_interval']) {
        if (healthcheck[key] !== undefined)
          expect(String(healthcheck[key]), `${name}.${key}`).toMatch(DURATION);
      }
    }
  });

  it('has depends_on conditions on services that exist and can meet them, without cycles', () => {
    const edges = new Map<string, string[]>();
    for (const [name, service] of Object.entries(services)) {
      const dependsOn = asRecord(service.depends_on ?? {}, `${name}.depends_on`);
      edges.set(name, Object.keys(dependsOn));
      for (const [target, spec] of Object.entries(dependsOn)) {
        const condition = asRecord(spec, `${name} → ${target}`).condition as string;
        expect(services[target], `${name} depends on ${target}`).toBeDefined();
        expect(CONDITIONS.has(condition), `${name} → ${target}: ${condition}`).toBe(true);
        if (condition === 'service_healthy') expect(services[target]!.healthcheck, target).toBeDefined();
        if (condition === 'service_completed_successfully')
          expect(isOneShot(services[target]!), target).toBe(true);
      }
    }
    const visiting = new Set<string>();
    const done = new Set<string>();
    const visit = (name: string, path: string[]) => {
      if (done.has(name)) return;
      if (visiting.has(name)) throw new Error(`depends_on cycle: ${[...path, name].join(' → ')}`);
      visiting.add(name);
      for (const next of edges.get(name) ?? []) visit(next, [...path, name]);
      visiting.delete(name);
      done.add(name);
    };
    for (const name of edges.keys()) visit(name, []);
  });

  it('writes ports as strings or numbers in the short syntax', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const port of (service.ports ?? []) as unknown[]) {
        expect(['string', 'number'], `${name}: ${String(port)}`).toContain(typeof port);
        expect(String(port), name).toMatch(PORT_SHORT);
      }
    }
  });

  it('mounts only declared named volumes and repository files that exist, and uses every volume', () => {
    const declared = Object.keys(asRecord(compose.volumes ?? {}, 'volumes'));
    const used = new Set<string>();
    for (const [name, service] of Object.entries(services)) {
      for (const volume of (service.volumes ?? []) as unknown[]) {
        expect(typeof volume, `${name}: short syntax`).toBe('string');
        const [source = ''] = String(volume).split(':');
        if (source.startsWith('.') || source.startsWith('/')) {
          expect(repoPathExists(source), `${name}: bind mount ${source} exists`).toBe(true);
        } else {
          expect(declared, `${name}: named volume ${source}`).toContain(source);
          used.add(source);
        }
      }
    }
    expect(declared.filter((v) => !used.has(v))).toEqual([]);
  });

  it('gives environment values as scalars', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const [key, value] of Object.entries(envMapOf(service, name))) {
        expect(['string', 'number', 'boolean'], `${name}.${key}`).toContain(typeof value);
      }
    }
  });

  it('configures a single-node KRaft Kafka that the stages can reach', () => {
    const env = envMapOf(services.kafka!, 'kafka');
    expect(Buffer.from(String(env.CLUSTER_ID), 'base64url').length, 'CLUSTER_ID: 16 bytes').toBe(16);
    const listeners = String(env.KAFKA_LISTENERS)
      .split(',')
      .map((l) => l.split('://')[0]);
    const protocols = new Set(
      String(env.KAFKA_LISTENER_SECURITY_PROTOCOL_MAP)
        .split(',')
        .map((p) => p.split(':')[0]),
    );
    for (const listener of listeners) expect(protocols.has(listener!), listener).toBe(true);
    for (const advertised of String(env.KAFKA_ADVERTISED_LISTENERS).split(','))
      expect(listeners).toContain(advertised.split('://')[0]);
    expect(String(env.KAFKA_CONTROLLER_QUORUM_VOTERS)).toBe(`${env.KAFKA_NODE_ID}@kafka:9093`);
    const internal = String(env.KAFKA_ADVERTISED_LISTENERS)
      .split(',')
      .find((l) => l.startsWith(`${env.KAFKA_INTER_BROKER_LISTENER_NAME}://`));
    for (const [name, service] of vigilServices)
      expect(`PLAINTEXT://${envMapOf(service, name).KAFKA_BROKERS}`, name).toBe(internal);
  });

  it(
    'runs real vigil commands in the Vigil services',
    async () => {
      for (const [name, service] of vigilServices) {
        expect(await commandProblems(commandOf(service)), name).toEqual([]);
      }
    },
    CLI_TIMEOUT_MS,
  );

  it('probes the API on a health route and each stage on its metrics port, with the image’s script', () => {
    for (const [name, service] of vigilServices) {
      if (isOneShot(service)) continue;
      const words = healthWords(service);
      expect(words.slice(0, 3), name).toEqual(['CMD', 'node', HEALTHCHECK_SCRIPT]);
      const url = new URL(urlIn(words) ?? 'http://missing');
      const command = commandOf(service);
      if (command[1] === 'api') {
        expect(API_HEALTH_PATHS, name).toContain(url.pathname);
        expect(url.port, name).toBe(String(envMapOf(service, name).PORT ?? 8080));
      } else {
        expect(url.pathname, name).toBe(METRICS_PATH);
        expect(url.port, name).toBe(flagValue(command, '--metrics-port'));
      }
    }
  });
});

// ---------------------------------------------------------------- environment variables

describe('environment variables', () => {
  it('in the Vigil services of docker-compose.yml are all keys of ENVIRONMENT_VARIABLES', () => {
    for (const [name, service] of vigilServices) {
      const unknown = Object.keys(envMapOf(service, name)).filter((k) => !REAL_VARIABLES.has(k));
      expect(unknown, name).toEqual([]);
    }
  });

  it('of the third-party images that look like Vigil’s are documented, and each documented one is used', () => {
    const used = new Map<string, Set<string>>();
    for (const [name, service] of Object.entries(services)) {
      if (isVigilService(service)) continue;
      const repo = String(service.image).split(':')[0]!;
      const documented = THIRD_PARTY_ENVIRONMENT[repo] ?? {};
      const names = Object.keys(envMapOf(service, name)).filter(isVigilLike);
      expect(
        names.filter((n) => documented[n] === undefined),
        `${name} (${repo})`,
      ).toEqual([]);
      for (const n of names) used.set(repo, (used.get(repo) ?? new Set()).add(n));
    }
    for (const [repo, documented] of Object.entries(THIRD_PARTY_ENVIRONMENT))
      expect(
        Object.keys(documented).filter((n) => !used.get(repo)?.has(n)),
        repo,
      ).toEqual([]);
  });

  it('interpolated into docker-compose.yml are Vigil’s when they look like Vigil’s', () => {
    const interpolated = [...readRepoFile('docker-compose.yml').matchAll(/\$\{(\w+)/g)].map((m) => m[1]!);
    expect(interpolated.filter((n) => isVigilLike(n) && !REAL_VARIABLES.has(n))).toEqual([]);
  });

  it('in the Helm chart (values and templates) are all Vigil’s', () => {
    const named = [
      ...Object.keys(asRecord(helmValues.config, 'config')),
      ...(asRecord(helmValues.secrets, 'secrets').env as Array<{ name: string }>).map((e) => e.name),
      ...Object.values(asRecord(helmValues.stages, 'stages')).flatMap((s) =>
        Object.keys(asRecord(asRecord(s, 'stage').env ?? {}, 'env')),
      ),
      ...Object.keys(asRecord(asRecord(helmValues.api, 'api').env ?? {}, 'api.env')),
      ...helmContainers.flatMap((c) =>
        ((c.container.env ?? []) as Array<{ name: string }>)
          .map((e) => e.name)
          .filter((n) => !n.includes('__TPL_')),
      ),
    ];
    expect(named.length).toBeGreaterThan(10);
    expect(named.filter((n) => !REAL_VARIABLES.has(n))).toEqual([]);
    const text = [
      readRepoFile(`${HELM}/values.yaml`),
      ...repoFolder(`${HELM}/templates`).map((f) => readRepoFile(`${HELM}/templates/${f}`)),
    ].join('\n');
    expect(vigilLikeNames(text).filter((n) => !REAL_VARIABLES.has(n))).toEqual([]);
  });

  it('in the Dockerfile are all Vigil’s', () => {
    const set = dockerfile.stages.flatMap((s) => instructions(s, 'ENV').flatMap((i) => [...envOf(i).keys()]));
    expect(set.filter(isVigilLike).length).toBeGreaterThan(2);
    expect(set.filter((n) => isVigilLike(n) && !REAL_VARIABLES.has(n))).toEqual([]);
    const text = readRepoFile('Dockerfile');
    expect(vigilLikeNames(text).filter((n) => !REAL_VARIABLES.has(n))).toEqual([]);
  });
});

// ---------------------------------------------------------------- Prometheus and Grafana

describe('Prometheus and Grafana provisioning', () => {
  const prometheus = asRecord(readRepoYaml('deploy/prometheus/prometheus.yml'), 'prometheus.yml');
  const mounts = (name: string) =>
    ((services[name]?.volumes ?? []) as string[]).map((v) => {
      const [source = '', target = ''] = v.split(':');
      return { source, target };
    });

  it('scrapes every long-running Vigil service on the port it serves metrics on', () => {
    const jobs = prometheus.scrape_configs as Array<Record<string, unknown>>;
    const targets = jobs
      .filter((job) => String(job.job_name).startsWith('vigil'))
      .flatMap((job) =>
        (job.static_configs as Array<{ targets: string[] }>).flatMap((c) =>
          c.targets.map((t) => ({ target: t, path: job.metrics_path ?? '/metrics' })),
        ),
      );
    const expected = vigilServices
      .filter(([, s]) => !isOneShot(s))
      .map(([name, s]) => {
        const command = commandOf(s);
        const port =
          command[1] === 'api' ? (envMapOf(s, name).PORT ?? 8080) : flagValue(command, '--metrics-port');
        return { target: `${name}:${port}`, path: METRICS_PATH };
      });
    expect(targets.sort((a, b) => a.target.localeCompare(b.target))).toEqual(
      expected.sort((a, b) => a.target.localeCompare(b.target)),
    );
  });

  it('loads its config and the alert rules from repository files mounted into the container', () => {
    const command = commandOf(services.prometheus!);
    const configPath = command.find((c) => c.startsWith('--config.file='))?.split('=')[1];
    const mounted = mounts('prometheus');
    expect(mounted.find((m) => m.target === configPath)?.source).toBe('./deploy/prometheus/prometheus.yml');
    for (const rules of prometheus.rule_files as string[]) {
      expect(mounted.find((m) => m.target === rules)?.source, rules).toBe('./deploy/prometheus/alerts.yml');
    }
  });

  it('provisions the Prometheus datasource and the dashboard folder that compose mounts', () => {
    const datasources = asRecord(
      readRepoYaml('deploy/grafana/provisioning/datasources/vigil.yml'),
      'datasources',
    ).datasources as Array<Record<string, string>>;
    const prom = datasources.find((d) => d.type === 'prometheus');
    const url = new URL(prom?.url ?? 'http://missing');
    expect(services[url.hostname], url.hostname).toBeDefined();
    expect(services.prometheus!.ports as string[]).toContain(`127.0.0.1:9090:${url.port}`);
    const jaeger = new URL(datasources.find((d) => d.type === 'jaeger')?.url ?? 'http://missing');
    expect(services[jaeger.hostname], jaeger.hostname).toBeDefined();

    const providers = asRecord(readRepoYaml('deploy/grafana/provisioning/dashboards/vigil.yml'), 'dashboards')
      .providers as Array<{ options: { path: string } }>;
    const grafanaMounts = mounts('grafana');
    const provisioning = grafanaMounts.find((m) => m.target === '/etc/grafana/provisioning');
    expect(provisioning?.source).toBe('./deploy/grafana/provisioning');
    const dashboard = grafanaMounts.find((m) => m.source === './deploy/grafana/vigil-dashboard.json');
    expect(providers.map((p) => p.options.path)).toContain(dirname(dashboard?.target ?? ''));
  });

  it('provisions what each datasource of the dashboard names: a uid, or a datasource variable', () => {
    const provisioned = asRecord(
      readRepoYaml('deploy/grafana/provisioning/datasources/vigil.yml'),
      'datasources',
    ).datasources as Array<{ uid: string; type: string; name: string }>;
    const dashboard = asRecord(JSON.parse(readRepoFile('deploy/grafana/vigil-dashboard.json')), 'dashboard');
    const variables = new Map(
      ((asRecord(dashboard.templating ?? {}, 'templating').list ?? []) as Array<Record<string, string>>).map(
        (v) => [v.name, v],
      ),
    );
    const references: unknown[] = [];
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === 'object') {
        for (const [key, value] of Object.entries(node)) {
          if (key === 'datasource' && value !== null) references.push(value);
          else walk(value);
        }
      }
    };
    walk(dashboard.panels);
    walk(dashboard.annotations);
    expect(references.length).toBeGreaterThan(0);
    for (const reference of references) {
      const uid = typeof reference === 'string' ? reference : String(asRecord(reference, 'datasource').uid);
      const variable = /^\$\{?(\w+)\}?$/.exec(uid)?.[1];
      if (variable === undefined) {
        expect(provisioned.map((d) => (typeof reference === 'string' ? d.name : d.uid))).toContain(uid);
        continue;
      }
      const definition = variables.get(variable);
      if (definition?.type !== 'datasource') {
        expect.fail(`datasource ${uid}: no datasource variable ${variable} in templating`);
      }
      expect(provisioned.map((d) => d.type)).toContain(definition.query);
    }
  });
});

// ---------------------------------------------------------------- Helm chart

describe('stripTemplate (render-free Helm check)', () => {
  it.each([
    ['a: {{ .Values.x | quote }}', 'a: __TPL_1__'],
    ['image: "{{ .Values.r }}:{{ $.Values.t }}"', 'image: "__TPL_1__:__TPL_2__"'],
    ['{{- if .Values.a }}\nk: 1\n{{- else }}\nk: 2\n{{- end }}', 'k: 1'],
    ['{{- define "n" }}\nx: 1\n{{- end }}\ny: 2', 'y: 2'],
    ['labels:\n  {{- include "l" . | nindent 4 }}\n  a: b', 'labels:\n  a: b'],
    ['resources: {{- toYaml .Values.r | nindent 4 }}', 'resources: __TPL_1__'],
    ['{{/* note\n over lines */}}\n{{- $x := 1 }}\nk: v', '\nk: v'],
  ])('%j → %j', (source, yaml) => {
    expect(stripTemplate(source).yaml).toBe(yaml);
  });

  it('records expressions, includes, defines and value paths', () => {
    const t = stripTemplate(
      '{{- define "d" }}{{ end }}\nn: {{ include "x" . }}-{{ .Values.a.b }}\np: {{ $.Values.c }}',
    );
    expect([...t.expressions.values()]).toEqual(['include "x" .', '.Values.a.b', '$.Values.c']);
    expect(t.includes).toEqual(['x']);
    expect(t.defines).toEqual(['d']);
    expect(t.valuePaths).toEqual(['a.b', 'c']);
  });

  it('refuses blocks that do not balance', () => {
    expect(() => stripTemplate('{{- if .Values.a }}\nk: 1')).toThrow(/not closed/);
    expect(() => stripTemplate('k: 1\n{{- end }}')).toThrow(/without a block/);
  });
});

describe('Helm chart', () => {
  it('has a v2 Chart.yaml with a semantic version', () => {
    const chart = asRecord(readRepoYaml(`${HELM}/Chart.yaml`), 'Chart.yaml');
    expect(chart.apiVersion).toBe('v2');
    expect(chart.name).toBe('vigil');
    expect(String(chart.version)).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it.each(templateFiles)(
    '%s is valid YAML with kind, apiVersion and name once {{ }} are stripped',
    (file) => {
      const { documents } = templates.get(file)!;
      expect(documents.length).toBeGreaterThan(0);
      for (const document of documents) {
        expect(document.errors).toEqual([]);
        const object = asRecord(document.value, file);
        expect(object.apiVersion, file).toBeTruthy();
        expect(object.kind, file).toBeTruthy();
        expect(asRecord(object.metadata, 'metadata').name, file).toBeTruthy();
      }
    },
  );

  it('includes only templates _helpers.tpl defines', () => {
    const used = [...templates.values()].flatMap((t) => t.stripped.includes).concat(helpers.includes);
    expect(used.filter((name) => !helpers.defines.includes(name))).toEqual([]);
  });

  it('reads only values that values.yaml declares', () => {
    const paths = [...templates.values()].flatMap((t) => t.stripped.valuePaths).concat(helpers.valuePaths);
    const missing = paths.filter((path) => {
      let node: unknown = helmValues;
      for (const key of path.split('.')) {
        if (!node || typeof node !== 'object' || !(key in node)) return true;
        node = (node as Record<string, unknown>)[key];
      }
      return false;
    });
    expect(missing).toEqual([]);
  });

  it(
    'has a Deployment for every pipeline stage and for the API, running real commands',
    async () => {
      const stages = asRecord(helmValues.stages, 'stages');
      expect(Object.keys(stages).sort()).toEqual([...STAGE_NAMES].sort());
      for (const stage of Object.values(stages)) expect(asRecord(stage, 'stage').enabled).toBe(true);
      const stageTemplate = readRepoFile(`${HELM}/templates/deployment-stages.yaml`);
      expect(stageTemplate).toMatch(/range \$name, \$stage := \.Values\.stages/);
      const commands = helmContainers.map((c) => {
        const args = c.container.args as string[];
        return args.map((word) => (word.includes('__TPL_') ? expressionOf(c.stripped, word).join('') : word));
      });
      expect(commands.map((c) => c.slice(0, 2)).sort()).toEqual([
        ['run', 'api'],
        ['run', 'name'],
      ]);
      for (const stage of Object.keys(stages)) {
        const command = commands.find((c) => c[1] === 'name')!.map((w) => (w === 'name' ? stage : w));
        const problems = await commandProblems(command.map((w) => (w === 'metrics.port' ? '9464' : w)));
        expect(problems, stage).toEqual([]);
      }
      expect(await commandProblems(['run', 'api'])).toEqual([]);
    },
    CLI_TIMEOUT_MS,
  );

  it('probes the API on its health routes and the stages on /metrics of their --metrics-port', () => {
    for (const c of helmContainers) {
      const args = c.container.args as string[];
      const probes = ['startupProbe', 'livenessProbe', 'readinessProbe'].map((p) =>
        asRecord(c.container[p], `${c.file}: ${p}`),
      );
      if (args[1] === 'api') {
        const ports = (c.container.ports as Array<{ name: string }>).map((p) => p.name);
        const paths = probes.map((p) => asRecord(p.httpGet, 'httpGet'));
        for (const get of paths) expect(ports, c.file).toContain(get.port);
        expect(paths.map((g) => g.path)).toEqual([API_LIVE_PATH, API_LIVE_PATH, '/api/v1/health/ready']);
        for (const path of paths.map((g) => g.path)) expect(API_HEALTH_PATHS).toContain(path);
        continue;
      }
      const portExpression = expressionOf(c.stripped, args[args.indexOf('--metrics-port') + 1]!);
      for (const probe of probes) {
        const command = asRecord(probe.exec, 'exec').command as string[];
        expect(command.slice(0, 2), c.file).toEqual(['node', HEALTHCHECK_SCRIPT]);
        const url = urlIn(command) ?? '';
        expect(url.replace(/__TPL_\d+__/, 'PORT'), c.file).toBe(`http://127.0.0.1:PORT${METRICS_PATH}`);
        expect(expressionOf(c.stripped, url), c.file).toEqual(portExpression);
      }
    }
  });

  it('gives every Deployment a grace period, resources, a security context and a disruption budget', () => {
    const budgets = helmDocuments('PodDisruptionBudget').map(({ doc }) => doc);
    for (const c of helmContainers) {
      expect(c.spec.terminationGracePeriodSeconds, c.file).toBeDefined();
      expect(Object.keys(c.container), c.file).toEqual(
        expect.arrayContaining(['resources', 'securityContext']),
      );
      const envFrom = c.container.envFrom as Array<{ configMapRef: { name: string } }>;
      expect(envFrom[0]?.configMapRef.name, c.file).toBeDefined();
    }
    expect(budgets).toHaveLength(2); // one for the stages' range, one for the API
    for (const stage of Object.values(asRecord(helmValues.stages, 'stages')))
      expect(asRecord(stage, 'stage').terminationGracePeriodSeconds).toBeGreaterThanOrEqual(60);
  });
});

// ---------------------------------------------------------------- Dockerfile

describe('Dockerfile', () => {
  const ignored = dockerignoreMatcher(readRepoFile('.dockerignore'));

  it('builds every stage from node:20-slim', () => {
    for (const stage of dockerfile.stages) {
      const image = stage.image.replace(
        /^\$\{?(\w+)\}?$/,
        (_, arg: string) => dockerfile.globalArgs.get(arg) ?? '',
      );
      expect(image, stage.name).toBe('node:20-slim');
    }
  });

  it('copies only repository files that exist and that .dockerignore lets into the context', () => {
    const sources = dockerfile.stages.flatMap((s) =>
      instructions(s, 'COPY')
        .map(copyOf)
        .filter((c) => c.from === undefined)
        .flatMap((c) => c.sources),
    );
    expect(sources.length).toBeGreaterThan(5);
    for (const source of sources) {
      expect(repoPathExists(source), `${source} exists`).toBe(true);
      expect(ignored(source), `${source} is in the build context`).toBe(false);
    }
    expect(ignored('node_modules/kafkajs/package.json')).toBe(true);
    expect(ignored('.servers/env')).toBe(true);
    expect(ignored('test/deploy/deployment.test.ts')).toBe(true);
  });

  it('copies --from earlier stages only', () => {
    dockerfile.stages.forEach((stage, index) => {
      const earlier = dockerfile.stages.slice(0, index).map((s) => s.name);
      for (const copy of instructions(stage, 'COPY').map(copyOf)) {
        if (copy.from !== undefined)
          expect(earlier, `${stage.name}: --from=${copy.from}`).toContain(copy.from);
      }
    });
  });

  it(
    'runs vigil through tini as a non-root user, with a real command by default',
    async () => {
      const entrypoint = wordsOf(instructions(runtime, 'ENTRYPOINT').at(-1)!.args);
      expect(entrypoint.slice(0, 3)).toEqual(['/usr/bin/tini', '--', 'node']);
      const script = repoFileAtImagePath(runtime, entrypoint[3]!);
      expect(script, entrypoint[3]).toBe('bin/vigil.js');
      expect(repoPathExists(script!)).toBe(true);
      expect(await commandProblems(wordsOf(instructions(runtime, 'CMD').at(-1)!.args))).toEqual([]);
      const user = instructions(runtime, 'USER').at(-1)?.args.trim();
      expect(user).toBeDefined();
      expect(['root', '0']).not.toContain(user);
    },
    CLI_TIMEOUT_MS,
  );

  it('ships the compiled CLI where bin/vigil.js looks for it', () => {
    const build = asRecord(readRepoYaml('tsconfig.build.json'), 'tsconfig.build.json');
    const options = asRecord(build.compilerOptions, 'compilerOptions');
    const compiled = `${options.outDir}/${posix.relative(String(options.rootDir), 'src/cli/main.ts').replace(/\.ts$/, '.js')}`;
    expect(readRepoFile('bin/vigil.js')).toContain(`'../${compiled}'`);
    const copies = instructions(runtime, 'COPY').map(copyOf);
    expect(copies.find((c) => c.from === 'build')?.sources).toEqual([`/src/${options.outDir}`]);
  });

  it('installs production dependencies with npm ci --omit=dev', () => {
    const prodDeps = dockerfile.stages.find((s) => s.name === 'prod-deps')!;
    expect(instructions(prodDeps, 'RUN').some((r) => /\bnpm ci --omit=dev\b/.test(r.args))).toBe(true);
    const copies = instructions(runtime, 'COPY').map(copyOf);
    expect(copies.find((c) => c.from === 'prod-deps')?.sources).toEqual(['/app/node_modules']);
  });

  it('fetches the embedding model with the project’s script into VIGIL_MODELS_DIR, which the runtime uses', () => {
    const model = dockerfile.stages.find((s) => s.name === 'model')!;
    const modelsDir = (stage: DockerStage) =>
      instructions(stage, 'ENV')
        .map((i) => envOf(i).get('VIGIL_MODELS_DIR'))
        .find(Boolean);
    const dir = modelsDir(model);
    expect(dir).toBeDefined();
    expect(modelsDir(runtime)).toBe(dir);
    const run = instructions(model, 'RUN').find((r) => r.args.includes('fetch-embedding-model.sh'));
    const script = /\S*fetch-embedding-model\.sh/.exec(run?.args ?? '')?.[0] ?? '';
    expect(repoFileAtImagePath(model, posix.resolve('/src', script))).toBe(
      'scripts/models/fetch-embedding-model.sh',
    );
    const copies = instructions(runtime, 'COPY').map(copyOf);
    expect(copies.find((c) => c.from === 'model')).toEqual({
      from: 'model',
      sources: [dir],
      destination: dir,
    });
  });

  it('has a HEALTHCHECK running the health script the image ships', () => {
    const healthcheck = instructions(runtime, 'HEALTHCHECK').at(-1)!;
    const command = wordsOf(healthcheck.args.replace(/^.*?\bCMD\s+/, ''));
    expect(command[0]).toBe('node');
    expect(command[1]).toBe(HEALTHCHECK_SCRIPT);
    for (const path of [HEALTHCHECK_SCRIPT, HEALTHCHECK_SCRIPT.replace('healthcheck', 'probe-target')]) {
      const file = repoFileAtImagePath(runtime, path);
      expect(file, path).toBeDefined();
      expect(repoPathExists(file!), file).toBe(true);
    }
  });
});

// ---------------------------------------------------------------- the health check script

const runHealthcheck = (url: string) =>
  new Promise<number>((resolve) => {
    execFile(process.execPath, [`${REPO}deploy/docker/healthcheck.mjs`, url], (error) =>
      resolve(error ? Number(error.code ?? 1) : 0),
    );
  });
const listen = async (server: Server) => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
};

describe('health check script', () => {
  it.each([
    [
      ['/usr/bin/tini', '--', 'node', '/app/bin/vigil.js', 'run', 'api'],
      {},
      `http://127.0.0.1:8080${API_LIVE_PATH}`,
    ],
    [
      ['tini', '--', 'node', '/app/bin/vigil.js', 'run', 'api'],
      { PORT: '9000' },
      `http://127.0.0.1:9000${API_LIVE_PATH}`,
    ],
    [
      ['tini', '--', 'node', '/app/bin/vigil.js', 'run', 'detect', '--metrics-port', '9464'],
      {},
      'http://127.0.0.1:9464/metrics',
    ],
    [['node', 'bin/vigil.js', 'run', 'memory', '--metrics-port=9500'], {}, 'http://127.0.0.1:9500/metrics'],
    [
      ['node', '/app/bin/vigil.js', 'run', '--no-api', '--metrics-port', '9464'],
      {},
      'http://127.0.0.1:9464/metrics',
    ],
    [
      ['node', '/app/bin/vigil.js', 'run', '--metrics-port', '9464'],
      {},
      `http://127.0.0.1:8080${API_LIVE_PATH}`,
    ],
    [['tini', '--', 'node', '/app/bin/vigil.js', 'run', 'reason'], {}, undefined],
    [['tini', '--', 'node', '/app/bin/vigil.js', 'topics', 'create'], {}, undefined],
    [['tini', '--', 'node', '/app/bin/vigil.js', 'run'], {}, `http://127.0.0.1:8080${API_LIVE_PATH}`],
    [['tini', '--', 'node', '/app/bin/vigil.js', 'run', 'all', '--no-api'], {}, undefined],
    [['/bin/sh'], {}, undefined],
  ])('probes %j (env %j) at %s', (argv, env, expected) => {
    expect(probeTarget(argv, env)).toBe(expected);
  });

  it('passes on the stage metrics server’s /metrics and fails elsewhere', async () => {
    const server = await serveMetrics(createStageMetricsRegistry([]), 0);
    try {
      const port = (server.address() as AddressInfo).port;
      expect(await runHealthcheck(`http://127.0.0.1:${port}${METRICS_PATH}`)).toBe(0);
      expect(await runHealthcheck(`http://127.0.0.1:${port}/health`)).toBe(1);
    } finally {
      server.close();
    }
  });

  it('fails on an error status and on a closed port', async () => {
    const server = createServer((_, response) => response.writeHead(503).end());
    const port = await listen(server);
    try {
      expect(await runHealthcheck(`http://127.0.0.1:${port}/`)).toBe(1);
    } finally {
      server.close();
    }
    expect(await runHealthcheck(`http://127.0.0.1:${port}/`)).toBe(1);
  });
});

// ---------------------------------------------------------------- the API routes the probes and Prometheus use

describe('API routes named by the deployment files', () => {
  const helmApiPaths = helmContainers
    .filter((c) => (c.container.args as string[])[1] === 'api')
    .flatMap((c) =>
      ['startupProbe', 'livenessProbe', 'readinessProbe'].map(
        (p) => asRecord(asRecord(c.container[p], p).httpGet, 'httpGet').path as string,
      ),
    );
  const composeApiPaths = vigilServices
    .filter(([, s]) => commandOf(s)[1] === 'api')
    .map(([, s]) => new URL(urlIn(healthWords(s)) ?? 'http://missing').pathname);
  const scrapedPaths = (
    asRecord(readRepoYaml('deploy/prometheus/prometheus.yml'), 'prometheus.yml').scrape_configs as Array<
      Record<string, string>
    >
  )
    .filter((job) => job.job_name === 'vigil-api')
    .map((job) => job.metrics_path ?? '/metrics');
  const paths = [...new Set([API_LIVE_PATH, ...helmApiPaths, ...composeApiPaths, ...scrapedPaths])];

  it('are served by buildApp without credentials (GET → 200 with nothing to check)', async () => {
    const roles = new Map<string, string | undefined>();
    const unused = {} as never;
    const app = await buildApp(
      {
        settings: DEFAULT_API_SETTINGS,
        detectors: DEFAULT_DETECTOR_CONFIG,
        metrics: unused,
        store: unused,
        memory: unused,
        readiness: [],
        registry: new Registry(),
        seriesPoints: unused,
        clock: () => 0,
      },
      {
        plugins: [
          (root) =>
            root.addHook('onRoute', (route) => {
              if (route.method === 'GET' || (Array.isArray(route.method) && route.method.includes('GET')))
                roles.set(route.url, roleOfRoute(route));
            }),
        ],
      },
    );
    try {
      expect(paths.length).toBeGreaterThanOrEqual(3);
      for (const path of paths) {
        expect(roles.get(path), `GET ${path} is public`).toBe('public');
        const response = await app.inject({ method: 'GET', url: path });
        expect(response.statusCode, `GET ${path}`).toBe(200);
      }
    } finally {
      await app.close();
    }
  });
});
