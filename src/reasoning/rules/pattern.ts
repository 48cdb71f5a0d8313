/**
 * Patterns of the rules file: `/regex/flags` (JavaScript syntax, flags among `imsu`) or a glob where `*`
 * matches any run of characters and `?` one character. Globs are anchored and case-insensitive
 * (`*latency*` matches `checkout.Latency_p99`); regexes are not anchored unless written so.
 */
export type Pattern = (text: string) => boolean;

const REGEX_FORM = /^\/(.+)\/([a-z]*)$/s;

/** Compiles a pattern; throws an Error with a readable message for an invalid regex or flags. */
export function compilePattern(source: string): Pattern {
  const regex = REGEX_FORM.exec(source);
  if (regex) {
    const [, body, flags] = regex;
    if (!/^[imsu]*$/.test(flags ?? ''))
      throw new Error(`regex flags must be among i, m, s, u (got "${flags}")`);
    let compiled: RegExp;
    try {
      compiled = new RegExp(body!, flags);
    } catch (error) {
      throw new Error(`invalid regex ${source}: ${(error as Error).message}`);
    }
    return (text) => compiled.test(text);
  }
  const escaped = source
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  const glob = new RegExp(`^${escaped}$`, 'i');
  return (text) => glob.test(text);
}
