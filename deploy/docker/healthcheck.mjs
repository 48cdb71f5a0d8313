#!/usr/bin/env node
// Container health check of the Vigil image (Dockerfile HEALTHCHECK, compose healthchecks, Kubernetes exec
// probes of the stages).
//
//   node healthcheck.mjs [url]
//
// Without a URL, the target follows the container's command (/proc/1/cmdline, see probe-target.mjs); when
// that command serves nothing, the check passes (the process is running). Exit 0: HTTP 2xx within 4 s.
import { readFileSync } from 'node:fs';
import { probeTarget } from './probe-target.mjs';

function commandOfPid1() {
  try {
    return readFileSync('/proc/1/cmdline', 'utf8').split('\0').filter(Boolean);
  } catch {
    return [];
  }
}

const url = process.argv[2] ?? probeTarget(commandOfPid1(), process.env);
if (url === undefined) process.exit(0);
try {
  const response = await fetch(url, { signal: AbortSignal.timeout(4000) });
  await response.arrayBuffer();
  if (!response.ok) {
    process.stderr.write(`healthcheck: GET ${url} answered ${response.status}\n`);
    process.exit(1);
  }
} catch (error) {
  process.stderr.write(`healthcheck: GET ${url} failed: ${error instanceof Error ? error.message : error}\n`);
  process.exit(1);
}
