interface Rule {
  readonly pattern: RegExp;
  readonly exclude: boolean;
}

function globToRegExp(glob: string): RegExp {
  let source = '';
  const segments = glob.split('/');
  segments.forEach((segment, i) => {
    const last = i === segments.length - 1;
    if (segment === '**') {
      source += last ? '.*' : '(?:.*/)?';
      return;
    }
    source += segment
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '[^/]*')
      .replace(/\?/g, '[^/]');
    if (!last) source += '/';
  });
  return new RegExp(`^${source}$`);
}

/**
 * Reads a `.dockerignore` and returns whether a context path (relative, `/`-separated) is left out of the
 * build context. Follows Docker's rules: a pattern matches a path or any of its parent folders, `!`
 * re-includes, and the last matching pattern wins. Supports `*`, `?` and `**`.
 */
export function dockerignoreMatcher(text: string): (path: string) => boolean {
  const rules: Rule[] = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const exclude = !line.startsWith('!');
      const glob = (exclude ? line : line.slice(1)).trim().replace(/^\/+|\/+$/g, '');
      return { pattern: globToRegExp(glob), exclude };
    });
  return (path) => {
    const parts = path.replace(/^\.?\/+|\/+$/g, '').split('/');
    const candidates = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
    let excluded = false;
    for (const rule of rules) {
      if (candidates.some((candidate) => rule.pattern.test(candidate))) excluded = rule.exclude;
    }
    return excluded;
  };
}
