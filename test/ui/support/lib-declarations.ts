/**
 * Type-checks the UI's plain-JS modules (`src/ui/static/lib/*.js` and the pages' `app/*.js`) against
 * their JSDoc, and emits the `.d.ts` files next to the `lib/` modules, through which the TypeScript
 * tests import them.
 *
 * `npx tsx test/ui/support/lib-declarations.ts --write` rewrites the declarations after a change to the
 * modules; `test/ui/lib-declarations.test.ts` fails while they are out of date or the JSDoc has errors.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const REPO_DIR = fileURLToPath(new URL('../../../', import.meta.url));

/** Folder of the pure modules, which get declarations. */
export const LIB_DIR = path.join(REPO_DIR, 'src/ui/static/lib/');

/** Folder of the pages' DOM modules: type-checked too, but they get no declarations. */
export const APP_DIR = path.join(REPO_DIR, 'src/ui/static/app/');

/** What the pages import uPlot as (`/ui/vendor/uPlot.esm.js`, served from the `uplot` package). */
const UPLOT_SHIM = path.join(REPO_DIR, 'src/ui/static/vendor/uPlot.esm.d.ts');
const UPLOT_SHIM_TEXT = "import uPlot from 'uplot';\nexport default uPlot;\n";

const COMPILER_OPTIONS: ts.CompilerOptions = {
  allowJs: true,
  checkJs: true,
  strict: true,
  declaration: true,
  emitDeclarationOnly: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  lib: ['lib.es2023.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
  types: [],
  esModuleInterop: true,
  skipLibCheck: true,
};

/** Result of one check: diagnostics as text, and the formatted declaration of each `lib/` module by path. */
export interface LibCheck {
  readonly diagnostics: readonly string[];
  readonly declarations: ReadonlyMap<string, string>;
}

/** The `.js` modules of `dir` ({@link LIB_DIR} by default), sorted. */
export function libModules(dir: string = LIB_DIR): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.js'))
    .sort()
    .map((name) => path.join(dir, name));
}

/** A compiler host that hides the committed declarations (they would shadow their modules) and shims uPlot. */
function checkingHost(): ts.CompilerHost {
  const host = ts.createCompilerHost(COMPILER_OPTIONS);
  const isOwnDeclaration = (file: string) => path.resolve(file).startsWith(LIB_DIR) && file.endsWith('.d.ts');
  const isShim = (file: string) => path.resolve(file) === UPLOT_SHIM;
  const { fileExists, readFile, getSourceFile } = host;
  const directoryExists = host.directoryExists?.bind(host);
  host.directoryExists = (dir) =>
    path.resolve(dir) === path.dirname(UPLOT_SHIM) || (directoryExists?.(dir) ?? true);
  host.fileExists = (file) => isShim(file) || (!isOwnDeclaration(file) && fileExists.call(host, file));
  host.readFile = (file) => (isShim(file) ? UPLOT_SHIM_TEXT : readFile.call(host, file));
  host.getSourceFile = (file, language, ...rest) =>
    isShim(file)
      ? ts.createSourceFile(file, UPLOT_SHIM_TEXT, language)
      : getSourceFile.call(host, file, language, ...rest);
  return host;
}

/** Checks the modules and builds the `lib/` declarations, formatted the way biome formats the repository. */
export function checkLibModules(): LibCheck {
  const program = ts.createProgram(
    [...libModules(), ...libModules(APP_DIR)],
    COMPILER_OPTIONS,
    checkingHost(),
  );
  const emitted = new Map<string, string>();
  const result = program.emit(undefined, (fileName, text) => {
    if (path.resolve(fileName).startsWith(LIB_DIR)) emitted.set(path.resolve(fileName), text);
  });
  const diagnostics = [...ts.getPreEmitDiagnostics(program), ...result.diagnostics].map((d) =>
    ts.formatDiagnostic(d, {
      getCanonicalFileName: (f) => f,
      getCurrentDirectory: () => REPO_DIR,
      getNewLine: () => '\n',
    }),
  );
  const declarations = new Map<string, string>();
  for (const [file, text] of emitted) declarations.set(file, formatWithBiome(file, text));
  return { diagnostics, declarations };
}

function formatWithBiome(file: string, text: string): string {
  return execFileSync(
    path.join(REPO_DIR, 'node_modules/.bin/biome'),
    ['format', `--stdin-file-path=${file}`],
    {
      input: text,
      encoding: 'utf8',
      cwd: REPO_DIR,
    },
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv.includes('--write')) {
  const { diagnostics, declarations } = checkLibModules();
  if (diagnostics.length > 0) {
    console.error(diagnostics.join('\n'));
    process.exit(1);
  }
  for (const [file, text] of declarations) writeFileSync(file, text);
  console.log(`wrote ${declarations.size} declaration files in ${LIB_DIR}`);
}
