import { parseAllDocuments } from 'yaml';

/** A Helm template turned into plain YAML without rendering it. */
export interface StrippedTemplate {
  /** The YAML text: control actions removed, output actions replaced by `__TPL_<n>__` placeholders. */
  readonly yaml: string;
  /** Each placeholder and the template expression it stands for (delimiters and trim marks removed). */
  readonly expressions: ReadonlyMap<string, string>;
  /** Template names used with a literal name: `include "x"` and `template "x"`. */
  readonly includes: readonly string[];
  /** Names defined in the file: `define "x"`. */
  readonly defines: readonly string[];
  /** Value paths read from the root context, e.g. `stages` or `api.port` for `.Values.api.port`. */
  readonly valuePaths: readonly string[];
}

const ACTION = /\{\{(-?)\s*([\s\S]*?)\s*(-?)\}\}/g;
const COMMENT = /\{\{-?\s*\/\*[\s\S]*?\*\/\s*-?\}\}/g;
const OPENS_BLOCK = new Set(['if', 'range', 'with', 'define', 'block']);

type ActionKind = 'open' | 'else' | 'end' | 'silent' | 'output';

function kindOf(expression: string): ActionKind {
  const word = /^[a-z]+/.exec(expression)?.[0] ?? '';
  if (OPENS_BLOCK.has(word)) return 'open';
  if (word === 'else') return 'else';
  if (word === 'end') return 'end';
  // `$x := …` and `$x = …` print nothing.
  if (/^\$\w*\s*:?=/.test(expression)) return 'silent';
  return 'output';
}

interface Block {
  /** True while the lines of this block are dropped (an `else` branch, or a `define` body). */
  skipping: boolean;
}

/**
 * Turns a Helm template into YAML that a YAML parser can check, without Go templates:
 *
 * - comments `{{/* … *\/}}` are removed; an action spread over several lines is joined onto one;
 * - a line holding only control actions (`if`, `range`, `with`, `else`, `end`, assignments) or only
 *   output actions (typically `{{- include … | nindent n }}`, which Helm expands into a block) is dropped;
 * - any other output action becomes a unique placeholder scalar `__TPL_<n>__`;
 * - `if`/`with`/`range` bodies are kept once; `else` branches and `define` bodies are dropped, so the two
 *   branches of an `if` never both land in the same mapping;
 * - `{{-` trims the spaces before the action on its line and `-}}` those after it; an output action whose
 *   `{{-` would make it touch a `key:` keeps one space, so the line stays a mapping entry.
 *
 * The result has the structure of one rendering in which every condition holds and every loop runs
 * once. Throws when `{{ }}` blocks do not balance.
 */
export function stripTemplate(source: string): StrippedTemplate {
  const text = source.replace(COMMENT, '').replace(ACTION, (action) => action.replace(/\n/g, ' '));
  const expressions = new Map<string, string>();
  const includes: string[] = [];
  const defines: string[] = [];
  const valuePaths = new Set<string>();
  const stack: Block[] = [];
  const skipping = () => stack.some((b) => b.skipping);
  const out: string[] = [];

  for (const line of text.split('\n')) {
    let built = '';
    let printedText = false;
    let printedOutput = false;
    let trimNext = false;
    let last = 0;
    for (const match of line.matchAll(ACTION)) {
      const [whole, trimLeft, expression = '', trimRight] = match;
      let segment = line.slice(last, match.index);
      if (trimNext) segment = segment.trimStart();
      if (!skipping()) {
        built += segment;
        if (segment.trim() !== '') printedText = true;
      }
      last = match.index + whole.length;
      trimNext = trimRight === '-';
      if (trimLeft === '-') built = built.trimEnd();
      for (const m of expression.matchAll(/\b(?:include|template)\s+"([^"]+)"/g)) includes.push(m[1]!);
      for (const m of expression.matchAll(/(?:^|[\s($])\.Values((?:\.\w+)+)/g))
        valuePaths.add(m[1]!.slice(1));
      const kind = kindOf(expression);
      if (kind === 'open') {
        const define = /^define\s+"([^"]+)"/.exec(expression);
        if (define) defines.push(define[1]!);
        stack.push({ skipping: define !== null });
      } else if (kind === 'else') {
        const block = stack.at(-1);
        if (!block) throw new Error(`{{ else }} outside a block: ${line.trim()}`);
        block.skipping = true;
      } else if (kind === 'end') {
        if (!stack.pop()) throw new Error(`{{ end }} without a block: ${line.trim()}`);
      } else if (kind === 'output' && !skipping()) {
        const placeholder = `__TPL_${expressions.size + 1}__`;
        expressions.set(placeholder, expression);
        if (trimLeft === '-' && built.endsWith(':')) built += ' ';
        built += placeholder;
        printedOutput = true;
      }
    }
    let rest = line.slice(last);
    if (trimNext) rest = rest.trimStart();
    if (!skipping()) {
      built += rest;
      if (rest.trim() !== '') printedText = true;
    }
    const hadActions = last > 0;
    if (!hadActions) {
      if (!skipping()) out.push(line);
    } else if (printedText) {
      out.push(built);
    } else if (printedOutput) {
      // A line of output actions only: Helm splices a block in there; nothing to check.
    }
  }
  if (stack.length > 0) throw new Error(`${stack.length} template block(s) not closed with {{ end }}`);
  return { yaml: out.join('\n'), expressions, includes, defines, valuePaths: [...valuePaths] };
}

/** One YAML document of a stripped template, with the parse errors the YAML parser reported. */
export interface TemplateDocument {
  readonly value: unknown;
  readonly errors: readonly string[];
}

/** Strips `source` (see {@link stripTemplate}) and parses every YAML document in it; empty ones are left out. */
export function parseTemplate(source: string): {
  readonly stripped: StrippedTemplate;
  readonly documents: readonly TemplateDocument[];
} {
  const stripped = stripTemplate(source);
  const documents = parseAllDocuments(stripped.yaml, { uniqueKeys: true })
    .map((doc) => ({
      value: doc.toJS() as unknown,
      errors: [...doc.errors, ...doc.warnings].map((e) => e.message),
    }))
    .filter((doc) => doc.value !== null || doc.errors.length > 0);
  return { stripped, documents };
}
