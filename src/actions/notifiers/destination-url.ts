import { ConfigError } from '../../errors.js';

/** Which destination hosts and schemes notifiers may POST to. */
export interface DestinationPolicy {
  /**
   * Host names allowed as destinations: exact (`hooks.slack.com`) or a wildcard for subdomains
   * (`*.example.com`, which does not match `example.com` itself). Case-insensitive.
   */
  readonly allowedHosts: readonly string[];
  /** Allow `http:` URLs (otherwise only `https:`). Meant for tests and private networks. */
  readonly allowPlainHttp: boolean;
}

/** True when `host` (a URL hostname) is matched by one of `allowedHosts`. */
export function hostAllowed(host: string, allowedHosts: readonly string[]): boolean {
  const h = host.toLowerCase();
  return allowedHosts.some((entry) => {
    const e = entry.toLowerCase();
    if (e.startsWith('*.')) return h.endsWith(e.slice(1)) && h.length > e.length - 1;
    return h === e;
  });
}

/**
 * Validates a destination URL taken from configuration (never from event data): it must parse, use
 * `https:` (or `http:` when allowed), carry no credentials, and its host must be on the allow-list.
 * Throws a ConfigError naming the destination and the fix; the URL itself is not echoed because webhook
 * URLs embed secrets.
 */
export function checkDestinationUrl(destination: string, url: string, policy: DestinationPolicy): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(`act.notifiers: the URL of ${destination} is not a valid absolute URL`);
  }
  const schemes = policy.allowPlainHttp ? ['https:', 'http:'] : ['https:'];
  if (!schemes.includes(parsed.protocol)) {
    throw new ConfigError(
      `act.notifiers: the URL of ${destination} uses ${parsed.protocol} but only ${schemes.join(' or ')} is allowed` +
        (policy.allowPlainHttp ? '' : ' (set act.notifiers.allowPlainHttp to allow http:)'),
    );
  }
  if (parsed.username || parsed.password) {
    throw new ConfigError(`act.notifiers: the URL of ${destination} must not contain credentials`);
  }
  if (!hostAllowed(parsed.hostname, policy.allowedHosts)) {
    throw new ConfigError(
      `act.notifiers: host ${parsed.hostname} of ${destination} is not on the allow-list; add it to act.notifiers.allowedHosts (currently: ${policy.allowedHosts.join(', ') || 'empty'})`,
    );
  }
  return parsed;
}
