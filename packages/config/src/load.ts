/**
 * loadConfig: YAML text → validated GatewayConfig, or every problem at once with its key path and line:col.
 *
 *   parse (syntax errors stop here) → ${VAR} on the syntax tree → core schema → provider types →
 *   plugin blocks → cross-checks → assemble (only when no error was found)
 */
import type { GatewayConfig, PluginRef, ProviderConfig } from '@switchyard/core';
import { LineCounter, parseDocument, type YAMLError } from 'yaml';
import { isMapping } from './guards.js';
import { interpolateDocument } from './interpolate.js';
import { Locator } from './locate.js';
import { resolvePlugins } from './plugins.js';
import type { ConfigProblem } from './problems.js';
import { type ResolvedProvider, resolveProviders } from './providers.js';
import { Report } from './report.js';
import { checkRoutes, routeName } from './routes.js';
import { type CoreOutput, coreSchema } from './schema.js';
import type { LoadOptions, LoadResult } from './types.js';

export async function loadConfig(text: string, options: LoadOptions): Promise<LoadResult> {
  const lineCounter = new LineCounter();
  // `merge`: `<<: *defaults` is how YAML configs share blocks (providers with common headers, ...).
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, merge: true });
  const yamlProblems = [
    ...syntaxProblems(doc.errors, 'error', text, lineCounter),
    ...syntaxProblems(doc.warnings, 'warning', text, lineCounter),
  ];
  // Past a syntax error the tree is a guess; checking it would report problems that are not there.
  if (doc.errors.length > 0) return { problems: yamlProblems };

  const interpolation = interpolateDocument(doc, options.env ?? process.env);
  const report = new Report(new Locator(doc, lineCounter), interpolation);
  for (const { path, message } of interpolation.problems) report.error(path, message);

  const raw = withoutExtensions(doc.toJS() ?? {});
  const [core, providers, plugins] = await Promise.all([
    report.validate(coreSchema, raw),
    resolveProviders(raw, options.definitions, report),
    resolvePlugins(raw, options.definitions, report),
  ]);
  checkRoutes(raw, report);

  const problems = [...yamlProblems, ...report.problems()];
  if (!core.ok || report.hasErrors) return { problems };
  return { config: assemble(core.output, providers, plugins), problems };
}

/**
 * One problem per line: a single slip (a missing quote, an unclosed bracket) makes the parser report a
 * cascade of errors further along the same line, and only the first says anything useful.
 */
function syntaxProblems(
  errors: YAMLError[],
  severity: ConfigProblem['severity'],
  text: string,
  lines: LineCounter,
) {
  const problems = new Map<number, ConfigProblem>();
  for (const error of errors) {
    const { line, col } = lines.linePos(error.pos[0]);
    if (problems.has(line)) continue;
    const source = text.slice(lines.lineStarts[line - 1], lines.lineStarts[line]);
    problems.set(line, { path: '', line, col, message: error.message + flowHint(source), severity });
  }
  return [...problems.values()];
}

/** `{ key: ${VAR} }`: in flow collections `{` and `}` are syntax, so a reference there must be quoted. */
function flowHint(line: string): string {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the message shows a ${VAR} reference
  return /[[{].*\$\{/.test(line) ? ' (inside [ ] or { }, put ${VAR} references in quotes: "${VAR}")' : '';
}

/** Top-level `x-*` keys are extension fields, as in Compose files: a home for YAML anchors, otherwise ignored. */
function withoutExtensions(raw: unknown): unknown {
  if (!isMapping(raw)) return raw;
  return Object.fromEntries(Object.entries(raw).filter(([key]) => !key.startsWith('x-')));
}

function assemble(
  core: CoreOutput,
  providers: Map<string, ResolvedProvider>,
  plugins: PluginRef[],
): GatewayConfig {
  const providerConfigs: Record<string, ProviderConfig> = {};
  for (const [id, block] of Object.entries(core.providers)) {
    // Every provider was resolved, or an error would have stopped the load.
    const { defaultBaseUrl, options } = providers.get(id)!;
    providerConfigs[id] = {
      ...block,
      ...options,
      base_url: block.base_url ?? defaultBaseUrl,
    } as ProviderConfig;
  }
  return {
    ...core,
    providers: providerConfigs,
    routes: core.routes.map((route, index) => ({ ...route, name: routeName(route, index) })),
    plugins,
  } as GatewayConfig;
}
