/**
 * Reads a V8 .cpuprofile (node --cpu-prof) and ranks where the CPU went: self time per function and
 * per package. Idle time is left out so shares are of the time the process was actually working.
 */
import { readFileSync } from 'node:fs';

const IDLE = new Set(['(idle)']);

/** Which package a script belongs to: `undici`, `@switchyard/core`, `node:internal`, ... */
export function packageOf(url) {
  if (!url) return '(native)';
  if (url.startsWith('node:')) return 'node:internal';
  const store = /node_modules\/\.pnpm\/[^/]+\/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (store) return store[1];
  const workspace = /\/(packages|plugins|apps)\/([^/]+)\//.exec(url);
  if (workspace) return `${workspace[1]}/${workspace[2]}`;
  const plain = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  return plain ? plain[1] : url;
}

/** `undici/lib/dispatcher/client.js`, `packages/core/dist/index.js`: enough to find the line. */
function shortPath(url) {
  return url
    .replace(/^file:\/\/.*?\/(node_modules|packages|plugins|apps)\//, '$1/')
    .replace(/^node_modules\/\.pnpm\/[^/]+\/node_modules\//, '');
}

/** Self milliseconds per profile node id: a sample lasts until the next one (timeDeltas[i + 1]). */
function selfTimes(profile) {
  const self = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? 0) / 1000);
  }
  return self;
}

export function summarizeProfile(file, top = 15) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const self = selfTimes(profile);
  const byFunction = new Map();
  const byPackage = new Map();
  let busy = 0;
  for (const node of profile.nodes) {
    const ms = self.get(node.id) ?? 0;
    const { functionName, url, lineNumber } = node.callFrame;
    if (ms === 0 || IDLE.has(functionName)) continue;
    busy += ms;
    const where = url ? `${shortPath(url)}:${lineNumber + 1}` : '';
    const fn = `${functionName || '(anonymous)'} ${where}`.trim();
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + ms);
    const pkg = packageOf(url);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + ms);
  }
  const rank = (map) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, ms]) => ({ name, self_ms: Math.round(ms), share: Math.round((1000 * ms) / busy) / 10 }));
  return { file, busy_ms: Math.round(busy), functions: rank(byFunction), packages: rank(byPackage) };
}
