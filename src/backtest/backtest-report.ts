/**
 * The backtest report: one self-contained HTML page (inline CSS, SVG and a little JS; nothing is fetched),
 * built as a string. Pure: the caller passes the generation time.
 */
import type { BacktestResult, BacktestSeries } from './backtest-runner.js';
import type { FileScore, ProfileResult } from './nab-scorer.js';

/** A published detector's normalised NAB scores per profile name. */
export interface ReferenceScores {
  readonly detector: string;
  readonly scores: Readonly<Record<string, number>>;
}

/**
 * Published detectors re-scored on exactly the 41 series of the shared NAB subset, threshold optimised on
 * them (NAB-SCORING.md, "Reference points").
 */
export const NAB_SUBSET_REFERENCES: readonly ReferenceScores[] = Object.freeze([
  { detector: 'ARTime', scores: { standard: 76.3, reward_low_FP_rate: 69.2, reward_low_FN_rate: 81.7 } },
  { detector: 'Numenta HTM', scores: { standard: 69.2, reward_low_FP_rate: 61.4, reward_low_FN_rate: 73.5 } },
  { detector: 'CAD-OSE', scores: { standard: 67.4, reward_low_FP_rate: 64.1, reward_low_FN_rate: 70.7 } },
  {
    detector: 'Random Cut Forest',
    scores: { standard: 47.4, reward_low_FP_rate: 35.2, reward_low_FN_rate: 54.8 },
  },
  {
    detector: 'Windowed Gaussian',
    scores: { standard: 38.5, reward_low_FP_rate: 20.7, reward_low_FN_rate: 46.0 },
  },
  { detector: 'Null', scores: { standard: 0, reward_low_FP_rate: 0, reward_low_FN_rate: 0 } },
]);

/** What the report says about the run besides the result itself. */
export interface ReportMeta {
  readonly dataset: string;
  readonly configId: string;
  /** ISO-8601 time the report was generated. */
  readonly generatedAt: string;
  /** Detector settings, shown verbatim. */
  readonly settings: unknown;
  /** Set when the rows came through a Kafka topic. */
  readonly topic?: string;
}

const PLOT_WIDTH = 1000;
const PLOT_HEIGHT = 150;
const STRIP = 14; // false-positive strip under the plot

function esc(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

function fmt(n: number | null, digits = 1): string {
  return n === null || !Number.isFinite(n) ? '—' : n.toFixed(digits);
}

/** A threshold with up to 8 significant digits (an optimised θ can sit just below 1). */
function theta(value: number): string {
  return String(Number(value.toPrecision(8)));
}

function pct(n: number | null): string {
  return n === null ? '—' : `${Math.round(100 * n)}%`;
}

function duration(ms: number | null): string {
  if (ms === null) return '—';
  const minutes = ms / 60_000;
  if (minutes < 90) return `${Math.round(minutes)} min`;
  const hours = minutes / 60;
  return hours < 48 ? `${hours.toFixed(1)} h` : `${(hours / 24).toFixed(1)} d`;
}

function day(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
}

/** Bars of this run's score and the references, for one profile. */
function profileChart(result: ProfileResult, references: readonly ReferenceScores[]): string {
  const name = result.profile.name;
  const bars = [
    { label: 'Vigil (this run)', value: result.score, mine: true },
    ...references
      .filter((r) => r.scores[name] !== undefined)
      .map((r) => ({ label: r.detector, value: r.scores[name]!, mine: false })),
  ].sort((a, b) => b.value - a.value);
  // Down to −100 at most: a far worse score is drawn cut off at the left edge, its number still shown.
  const lo = Math.max(-100, Math.min(0, Math.floor(Math.min(...bars.map((b) => b.value)) / 10) * 10));
  const hi = 100;
  const labelW = 130;
  const chartW = 300;
  const rowH = 20;
  const x = (v: number) => labelW + ((Math.max(lo, v) - lo) / (hi - lo)) * chartW;
  const rows = bars
    .map((b, k) => {
      const y = 6 + k * rowH;
      const x0 = x(Math.min(0, b.value));
      const x1 = x(Math.max(0, b.value));
      return `<text x="${labelW - 6}" y="${y + 13}" text-anchor="end" class="${b.mine ? 'mine' : ''}">${esc(b.label)}</text>
<rect x="${x0.toFixed(1)}" y="${y + 3}" width="${Math.max(1, x1 - x0).toFixed(1)}" height="${rowH - 7}" class="${b.mine ? 'bar mine' : 'bar'}"/>
<text x="${(x1 + 4).toFixed(1)}" y="${y + 13}" class="val${b.mine ? ' mine' : ''}">${b.value.toFixed(1)}</text>`;
    })
    .join('\n');
  const height = 12 + bars.length * rowH;
  const ticks = [lo, 0, 50, 100]
    .filter((v, i, a) => a.indexOf(v) === i)
    .map(
      (v) =>
        `<line x1="${x(v).toFixed(1)}" x2="${x(v).toFixed(1)}" y1="4" y2="${height - 6}" class="tick"/>` +
        `<text x="${x(v).toFixed(1)}" y="${height + 6}" text-anchor="middle" class="axis">${v}</text>`,
    )
    .join('');
  return `<svg viewBox="0 0 ${labelW + chartW + 50} ${height + 10}" class="chart" role="img" aria-label="${esc(name)} scores">${ticks}${rows}</svg>`;
}

function summaryCard(result: ProfileResult, references: readonly ReferenceScores[]): string {
  const name = result.profile.name;
  const above = references
    .filter((r) => r.scores[name] !== undefined && r.scores[name]! <= result.score)
    .sort((a, b) => b.scores[name]! - a.scores[name]!)[0];
  const below = references
    .filter((r) => r.scores[name] !== undefined && r.scores[name]! > result.score)
    .sort((a, b) => a.scores[name]! - b.scores[name]!)[0];
  const place =
    above && below
      ? `between ${esc(above.detector)} and ${esc(below.detector)}`
      : below
        ? `below ${esc(below.detector)}`
        : above
          ? `above ${esc(above.detector)}`
          : '';
  const detected = result.files.reduce((n, f) => n + f.detectedWindows, 0);
  const fps = result.files.reduce((n, f) => n + f.falsePositives, 0);
  const p = result.profile;
  return `<section class="card summary">
<h2>${esc(name)}</h2>
<div class="big">${result.score.toFixed(1)}</div>
<div class="sub">θ = ${theta(result.threshold)} ${result.optimized ? '(optimised)' : '(fixed)'} · ${place}</div>
<div class="sub">${detected}/${result.windows} windows detected · ${fps} false-positive rows</div>
<div class="sub muted">A_TP ${p.tpWeight} · A_FP ${p.fpWeight} · A_FN ${p.fnWeight} · S = ${result.rawScore.toFixed(2)} (null ${result.nullScore}, perfect ${result.perfectScore})</div>
${profileChart(result, references)}
</section>`;
}

/** Value line of a series, reduced to min and max per pixel column (spikes survive). */
function valuePath(series: BacktestSeries, y: (v: number) => number): string {
  const n = series.values.length;
  const parts: string[] = [];
  for (let col = 0; col < PLOT_WIDTH; col++) {
    const start = Math.floor((col * n) / PLOT_WIDTH);
    const end = Math.max(start + 1, Math.floor(((col + 1) * n) / PLOT_WIDTH));
    if (start >= n) break;
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    let minAt = start;
    let maxAt = start;
    for (let i = start; i < end && i < n; i++) {
      const v = series.values[i]!;
      if (v < min) [min, minAt] = [v, i];
      if (v > max) [max, maxAt] = [v, i];
    }
    const first = minAt <= maxAt ? min : max;
    const second = minAt <= maxAt ? max : min;
    parts.push(`${parts.length === 0 ? 'M' : 'L'}${col} ${y(first).toFixed(1)}`);
    if (second !== first) parts.push(`L${col} ${y(second).toFixed(1)}`);
  }
  return parts.join('');
}

function seriesPlot(series: BacktestSeries, profiles: readonly ProfileResult[], index: number): string {
  const n = series.values.length;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const v of series.values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (min === max) [min, max] = [min - 1, max + 1];
  const pad = 6;
  const y = (v: number) => pad + (1 - (v - min) / (max - min)) * (PLOT_HEIGHT - 2 * pad);
  const x = (row: number) => ((row + 0.5) * PLOT_WIDTH) / n;
  const layout = series.layout;
  const probation = `<rect x="0" y="0" width="${x(layout.probation - 0.5).toFixed(1)}" height="${PLOT_HEIGHT}" class="probation"><title>probationary period: ${layout.probation} rows, not scored</title></rect>`;
  const windows = layout.windows
    .map(
      (w) =>
        `<rect x="${x(w.left - 0.5).toFixed(1)}" y="0" width="${Math.max(1.5, x(w.right + 0.5) - x(w.left - 0.5)).toFixed(1)}" height="${PLOT_HEIGHT}" class="window"><title>label window ${day(w.startMs)} … ${day(w.endMs)}</title></rect>`,
    )
    .join('');
  const marks = profiles
    .map((profile, p) => {
      const theta = profile.threshold;
      const fpColumns = new Set<number>();
      for (let i = layout.probation; i < n; i++) {
        if (series.scores[i]! >= theta && layout.rowWindow[i]! < 0)
          fpColumns.add(Math.floor((i * PLOT_WIDTH) / n));
      }
      const fp = [...fpColumns].map((c) => `M${c + 0.5} ${PLOT_HEIGHT + 2}v${STRIP - 4}`).join('');
      const file = profile.files[index]!;
      const hits = file.windowOutcomes
        .filter((o) => o.detectedRow !== null)
        .map((o) => {
          const row = o.detectedRow!;
          return `<line x1="${x(row).toFixed(1)}" x2="${x(row).toFixed(1)}" y1="0" y2="${PLOT_HEIGHT}" class="hitline"/><circle cx="${x(row).toFixed(1)}" cy="${y(series.values[row]!).toFixed(1)}" r="4" class="hit"><title>detected ${day(series.timestampsMs[row]!)}, ${duration(o.msToDetect)} after the window opened (weight ${o.value.toFixed(3)})</title></circle>`;
        })
        .join('');
      return `<g class="det p${p}">${fp ? `<path d="${fp}" class="fp"/>` : ''}${hits}</g>`;
    })
    .join('');
  const first = series.timestampsMs[0]!;
  const last = series.timestampsMs[n - 1]!;
  return `<svg viewBox="-2 0 ${PLOT_WIDTH + 4} ${PLOT_HEIGHT + STRIP + 14}" class="plot" preserveAspectRatio="none">
${probation}${windows}
<path d="${valuePath(series, y)}" class="line"/>
<rect x="0" y="${PLOT_HEIGHT + 1}" width="${PLOT_WIDTH}" height="${STRIP - 2}" class="strip"/>
${marks}
<text x="2" y="11" class="axis">${esc(fmtValue(max))}</text><text x="2" y="${PLOT_HEIGHT - 3}" class="axis">${esc(fmtValue(min))}</text>
<text x="0" y="${PLOT_HEIGHT + STRIP + 12}" class="axis">${day(first)}</text><text x="${PLOT_WIDTH}" y="${PLOT_HEIGHT + STRIP + 12}" text-anchor="end" class="axis">${day(last)}</text>
</svg>`;
}

function fmtValue(v: number): string {
  return Math.abs(v) >= 1000 || (Math.abs(v) < 0.01 && v !== 0) ? v.toPrecision(3) : String(+v.toFixed(2));
}

function fileStats(file: FileScore, p: number): string {
  const lost = file.perfectScore - file.score;
  const score =
    file.normalizedScore === null ? `S ${file.score.toFixed(2)}` : `score ${fmt(file.normalizedScore)}`;
  return `<div class="stats det p${p}">
<span class="pill ${lost > 0.5 ? 'bad' : lost > 0.05 ? 'meh' : 'good'}" title="NAB points lost against a perfect detector on this file">−${lost.toFixed(2)} pts</span>
<span>${score}</span>
<span>windows ${file.detectedWindows}/${file.windows}</span>
<span>recall ${pct(file.recall)}</span>
<span>FP rows ${file.falsePositives}</span>
<span>precision ${pct(file.precision)}</span>
<span>median time to detect ${duration(file.medianMsToDetect)}</span>
</div>`;
}

function seriesCard(series: BacktestSeries, profiles: readonly ProfileResult[], index: number): string {
  const data = profiles
    .map((profile, p) => {
      const f = profile.files[index]!;
      return [
        `data-lost-${p}="${(f.perfectScore - f.score).toFixed(6)}"`,
        `data-recall-${p}="${f.recall ?? 2}"`,
        `data-fp-${p}="${f.falsePositives}"`,
      ].join(' ');
    })
    .join(' ');
  return `<section class="card series" data-name="${esc(series.series)}" ${data}>
<h3>${esc(series.series)} <span class="muted">${series.values.length} rows · ${series.layout.windows.length} window${series.layout.windows.length === 1 ? '' : 's'}</span></h3>
${profiles.map((profile, p) => fileStats(profile.files[index]!, p)).join('\n')}
${seriesPlot(series, profiles, index)}
</section>`;
}

const STYLE = `
:root{--bg:#f6f7f9;--card:#fff;--ink:#1d2430;--muted:#6b7483;--accent:#2563eb;--win:#f59e0b;--hit:#059669;--fp:#dc2626}
*{box-sizing:border-box}body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:var(--bg);color:var(--ink)}
header{padding:20px 28px 8px}h1{margin:0 0 4px;font-size:22px}h2{margin:0;font-size:15px;font-weight:600}h3{margin:0 0 6px;font-size:14px}
.muted{color:var(--muted);font-weight:400}main{padding:0 28px 40px}
.summaries{display:grid;grid-template-columns:repeat(auto-fit,minmax(380px,1fr));gap:14px;margin:12px 0 18px}
.card{background:var(--card);border-radius:10px;box-shadow:0 1px 3px rgba(0,0,0,.08);padding:14px 16px}
.big{font-size:40px;font-weight:700;color:var(--accent);line-height:1.1}.sub{font-size:12.5px;margin-top:2px}
.chart{width:100%;margin-top:10px}.chart text{font-size:11px;fill:var(--ink)}.chart .axis{fill:var(--muted);font-size:10px}
.chart .bar{fill:#cbd5e1}.chart .bar.mine{fill:var(--accent)}.chart text.mine{font-weight:700;fill:var(--accent)}.chart .tick{stroke:#e5e7eb}
.controls{position:sticky;top:0;z-index:2;background:var(--bg);padding:10px 0;display:flex;gap:18px;flex-wrap:wrap;align-items:center;border-bottom:1px solid #e5e7eb;margin-bottom:12px}
.controls label{font-size:13px}select{font:inherit;padding:3px 6px}
.legend span{margin-right:14px;font-size:12.5px}.sw{display:inline-block;width:12px;height:12px;vertical-align:-2px;margin-right:4px;border-radius:2px}
.series{margin-bottom:12px}.stats{display:flex;flex-wrap:wrap;gap:4px 14px;font-size:12.5px;margin-bottom:6px;align-items:center}
.pill{padding:1px 8px;border-radius:10px;font-weight:600}.pill.bad{background:#fee2e2;color:#991b1b}.pill.meh{background:#fef3c7;color:#92400e}.pill.good{background:#d1fae5;color:#065f46}
.plot{width:100%;height:190px;display:block}.plot .line{fill:none;stroke:#334155;stroke-width:1;vector-effect:non-scaling-stroke}
.plot .window{fill:var(--win);opacity:.22}.plot .probation{fill:#94a3b8;opacity:.15}.plot .strip{fill:#f1f5f9}
.plot .fp{stroke:var(--fp);stroke-width:1.2;vector-effect:non-scaling-stroke}.plot .hit{fill:var(--hit);stroke:#fff;stroke-width:1.2;vector-effect:non-scaling-stroke}
.plot .hitline{stroke:var(--hit);stroke-dasharray:3 3;vector-effect:non-scaling-stroke}.plot .axis{font-size:10px;fill:var(--muted)}
details{margin:8px 0 18px}pre{background:#fff;padding:10px;border-radius:8px;overflow:auto;font-size:12px}
`;

const SCRIPT = `
(function(){
  var list=document.getElementById('series');
  var profile=document.getElementById('profile');
  var sort=document.getElementById('sort');
  function apply(){
    var p=profile.value; document.body.setAttribute('data-profile',p);
    var key=sort.value; var cards=[].slice.call(list.children);
    cards.sort(function(a,b){
      if(key==='name') return a.dataset.name<b.dataset.name?-1:1;
      var av=parseFloat(a.getAttribute('data-'+key+'-'+p)), bv=parseFloat(b.getAttribute('data-'+key+'-'+p));
      var d=key==='recall'?av-bv:bv-av; return d!==0?d:(a.dataset.name<b.dataset.name?-1:1);
    });
    cards.forEach(function(c){list.appendChild(c);});
  }
  profile.addEventListener('change',apply); sort.addEventListener('change',apply); apply();
})();
`;

/** Renders the self-contained HTML report of a backtest. */
export function renderBacktestReport(
  result: BacktestResult,
  meta: ReportMeta,
  references: readonly ReferenceScores[] = NAB_SUBSET_REFERENCES,
): string {
  const profiles = result.profiles;
  const visibility = profiles
    .map((_, p) => `body[data-profile="${p}"] .det:not(.p${p}){display:none}`)
    .join('\n');
  const totalRows = result.series.reduce((n, s) => n + s.values.length, 0);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Vigil backtest · ${esc(meta.configId)}</title>
<style>${STYLE}
${visibility}</style></head>
<body data-profile="0">
<header>
<h1>Vigil backtest — NAB score</h1>
<div class="muted">dataset ${esc(meta.dataset)} · ${result.series.length} series · ${totalRows.toLocaleString('en-US')} rows · source: ${result.source === 'kafka' ? `Kafka topic ${esc(meta.topic ?? '')}` : 'files'} · detector config ${esc(meta.configId)} · ${esc(meta.generatedAt)}</div>
</header>
<main>
<div class="summaries">
${profiles.map((p) => summaryCard(p, references)).join('\n')}
</div>
<div class="muted" style="font-size:12px">References: published detectors re-scored on the same 41 NAB series with the threshold optimised on them (NAB-SCORING.md). They are comparable only when this run used that dataset.</div>
<details><summary>Detector settings (${esc(meta.configId)})</summary><pre>${esc(JSON.stringify(meta.settings, null, 2))}</pre></details>
<div class="controls">
<label>Profile <select id="profile">${profiles.map((p, k) => `<option value="${k}">${esc(p.profile.name)} (θ = ${theta(p.threshold)})</option>`).join('')}</select></label>
<label>Sort by <select id="sort">
<option value="lost">points lost (worst first)</option>
<option value="fp">false positives (most first)</option>
<option value="recall">recall (lowest first)</option>
<option value="name">name</option>
</select></label>
<span class="legend"><span><i class="sw" style="background:var(--win);opacity:.45"></i>label window</span><span><i class="sw" style="background:var(--hit)"></i>first detection in a window</span><span><i class="sw" style="background:var(--fp)"></i>false-positive rows (strip)</span><span><i class="sw" style="background:#94a3b8;opacity:.4"></i>probationary period</span></span>
</div>
<div id="series">
${result.series.map((s, i) => seriesCard(s, profiles, i)).join('\n')}
</div>
</main>
<script>${SCRIPT}</script>
</body></html>
`;
}
