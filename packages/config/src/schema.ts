/**
 * The core config schema (SPEC §3). Plugin blocks and the type-specific keys of providers are
 * validated by their own definitions (see plugins.ts, providers.ts); here they are only shaped.
 */
import { isIP } from 'node:net';
import { pricingSchema } from '@switchyard/accounting';
import { duration, size } from '@switchyard/core';
import * as v from 'valibot';

type Entries = v.ObjectEntries;

/** Issues of object schemas in plain words (unknown keys are reported from the shape, see shape.ts). */
const objectMessage: v.ErrorMessage<v.StrictObjectIssue | v.LooseObjectIssue> = (issue) => {
  if (issue.received === 'undefined' && issue.expected?.startsWith('"')) {
    return `missing required key ${issue.expected}`;
  }
  return `expected a mapping, got ${issue.received}`;
};

/** An object that rejects keys it does not know, so typos are caught. */
function strict<const E extends Entries>(entries: E) {
  return v.strictObject(entries, objectMessage);
}

function loose<const E extends Entries>(entries: E) {
  return v.looseObject(entries, objectMessage);
}

function described<T extends v.GenericSchema>(schema: T, text: string) {
  return v.pipe(schema, v.description(text));
}

/** Optional with a default; an empty YAML value (`key:`) also takes the default. */
function withDefault<T extends v.GenericSchema, const D extends v.Default<T, null | undefined>>(
  schema: T,
  fallback: D,
  text: string,
) {
  return v.pipe(v.nullish(schema, fallback), v.description(text));
}

const name = (what: string) =>
  v.pipe(v.string(`expected ${what}`), v.minLength(1, `${what} cannot be empty`));

/** Free text that YAML may have typed as a number (`x-version: 2`, an all-digit key from `${VAR}`). */
const text = () => v.union([v.string(), v.pipe(v.number(), v.transform(String))], 'expected a string');

function isCidr(value: string): boolean {
  const [address = '', bits, ...rest] = value.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  return bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
}

function regexError(source: string): string | undefined {
  try {
    new RegExp(source);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

const server = strict({
  host: withDefault(v.string(), '127.0.0.1', 'Address to listen on.'),
  port: withDefault(
    v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(65535, 'expected a port number (0-65535)')),
    8080,
    'TCP port to listen on (0 picks a free one).',
  ),
  body_limit: withDefault(size(), '10mb', 'Largest request body accepted (larger: 413).'),
  shutdown_grace: withDefault(duration(), '30s', 'How long in-flight requests may run on after SIGTERM.'),
  request_timeout: withDefault(duration(), '5m', 'Whole-request deadline, all attempts included.'),
  trust_proxy: withDefault(
    v.union(
      [
        v.boolean(),
        v.array(v.pipe(v.string(), v.check(isCidr, 'expected an IP address or CIDR like 10.0.0.0/8'))),
      ],
      'expected true, false or a list of CIDRs',
    ),
    false,
    'Use X-Forwarded-For for the client IP: true (always), or only from these CIDRs.',
  ),
});

const atLeastOne = () => v.pipe(v.number(), v.integer(), v.minValue(1));

export const PROVIDER_ENTRIES = {
  type: described(
    name('a provider type'),
    'Provider type: built-in, a preset, or a relative path to a module.',
  ),
  api_key: v.optional(described(text(), 'Upstream API key; read it from the environment with $' + '{VAR}.')),
  base_url: v.optional(
    described(v.pipe(v.string(), v.url('expected a URL')), 'Upstream base URL (each type has a default).'),
  ),
  headers: withDefault(v.record(v.string(), text()), {}, 'Extra headers sent upstream.'),
  timeout: withDefault(
    strict({
      connect: withDefault(duration(), '5s', 'Time to open the connection.'),
      first_token: withDefault(duration(), '60s', 'Time to the first byte (streams: the first event).'),
      idle: withDefault(duration(), '30s', 'Longest silence between two stream events.'),
      total: withDefault(duration(), '10m', 'Whole upstream call.'),
    }),
    {},
    'Upstream timeouts.',
  ),
  models: withDefault(v.array(text()), [], 'Models advertised by /v1/models.'),
  max_concurrent: v.optional(
    described(
      atLeastOne(),
      'Outbound shaping: most requests in flight to this provider; more wait in a queue.',
    ),
  ),
  requests_per_minute: v.optional(
    described(
      atLeastOne(),
      "Outbound shaping: the provider's request quota; requests over it wait in a queue.",
    ),
  ),
  queue_limit: v.optional(
    described(
      v.pipe(v.number(), v.integer(), v.minValue(0)),
      'Outbound shaping: most requests waiting (default 100); past it the request moves on to its next target.',
    ),
  ),
  queue_timeout: v.optional(
    described(
      duration(),
      'Outbound shaping: longest wait (default 10s); past it the request moves on to its next target.',
    ),
  ),
};

/** The common keys of a provider block; the rest belong to the provider type. */
export const providerCore = loose(PROVIDER_ENTRIES);

const PROVIDER_ID = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
const providerId = v.pipe(
  v.string(),
  v.regex(
    PROVIDER_ID,
    'a provider id is letters, digits, "_", "." and "-" (no "/": it splits provider/model)',
  ),
);

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const headerMatch = v.union(
  [
    text(),
    strict({
      regex: v.pipe(
        v.string(),
        v.check(
          (source) => regexError(source) === undefined,
          (issue) => `invalid regex: ${regexError(String(issue.input))}`,
        ),
      ),
    }),
  ],
  'expected a header value or { regex: "..." }',
);

const match = loose({
  paths: v.optional(
    described(
      v.array(v.pipe(v.string(), v.startsWith('/', 'expected a path like /v1/chat/completions'))),
      'Request paths (default: every model endpoint).',
    ),
  ),
  models: v.optional(described(v.array(text()), 'Request models: exact names or globs like "fast-*".')),
  headers: v.optional(
    described(
      v.record(
        v.pipe(v.string(), v.regex(HEADER_NAME, 'expected a header name'), v.toLowerCase()),
        headerMatch,
      ),
      'Request headers: an exact value, or { regex: "..." }.',
    ),
  ),
});

export const MATCH_KEYS = Object.keys(match.entries);

const targetProvider = described(name('a provider id'), 'Provider id (a key of providers).');
const targetModel = v.optional(described(text(), "Model sent upstream (default: the client's model)."));

const route = strict({
  name: v.optional(described(name('a route name'), 'Route name (default: route-<index>).')),
  match: v.optional(
    described(match, 'When the route applies (default: always); the first matching route wins.'),
  ),
  strategy: withDefault(
    name('a strategy'),
    'weighted',
    'How a target is picked: weighted, round_robin, priority, least_latency, ...',
  ),
  targets: described(
    v.pipe(
      v.array(
        strict({
          provider: targetProvider,
          model: targetModel,
          weight: withDefault(
            v.pipe(v.number(), v.minValue(0)),
            1,
            'Relative share for weighted strategies.',
          ),
        }),
      ),
      v.minLength(1, 'a route needs at least one target'),
    ),
    'Candidate targets.',
  ),
  fallback: v.optional(
    described(
      v.array(strict({ provider: targetProvider, model: targetModel })),
      'Tried in order once the chosen target failed.',
    ),
  ),
  timeout: v.optional(
    described(duration(), 'Whole-request deadline for this route (overrides server.request_timeout).'),
  ),
});

function isRedisUrl(value: string): boolean {
  try {
    return ['redis:', 'rediss:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

export const coreSchema = strict({
  server: withDefault(server, {}, 'The HTTP listener.'),
  providers: withDefault(
    v.record(providerId, providerCore),
    {},
    'Upstreams by id: one instance of a provider type each.',
  ),
  routes: withDefault(v.array(route), [], 'Evaluated top to bottom; the first match wins.'),
  plugins: withDefault(v.array(v.unknown()), [], 'Enabled and ordered by this list.'),
  redis: v.optional(
    described(
      strict({
        url: described(
          v.pipe(v.string(), v.check(isRedisUrl, 'expected a redis:// or rediss:// URL')),
          'Redis URL.',
        ),
      }),
      'Shared state for several gateway replicas.',
    ),
  ),
  pricing: v.optional(
    described(
      pricingSchema,
      'Model prices in USD per million tokens by provider/model (provider id or type; model * for all), over the shipped table.',
    ),
  ),
  logging: withDefault(
    strict({
      level: withDefault(
        v.picklist(['debug', 'info', 'warn', 'error'], 'expected debug, info, warn or error'),
        'info',
        'Lowest level logged.',
      ),
      format: withDefault(
        v.picklist(['json', 'pretty'], 'expected json or pretty'),
        'json',
        'json (one object per line) or pretty.',
      ),
    }),
    {},
    'Process logging.',
  ),
});

export type CoreOutput = v.InferOutput<typeof coreSchema>;
