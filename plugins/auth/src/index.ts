/**
 * API-key authentication. Each key has a name (the caller's identity: safe to log, to label metrics and
 * to key limits and cache entries) and is stored as its SHA-256 digest; a plain `key` works but
 * `switchyard validate` warns about it. The principal's `models` globs and `routes` names are enforced by
 * the core after routing (403 permission_error).
 *
 * The key itself is only hashed: it is never stored on the request, logged, or sent upstream (provider
 * adapters build their own headers from the provider config).
 */
import { errors, type HeaderReader, type PluginDefinition } from '@switchyard/core';
import * as v from 'valibot';
import { type KeyConfig, KeyTable, presentedKey } from './keys.js';

export { KeyTable, presentedKey, sha256 } from './keys.js';

const keySchema = v.pipe(
  v.strictObject({
    name: v.pipe(
      v.string(),
      v.regex(/^[\w.:@-]{1,64}$/, 'a key name is 1-64 letters, digits, "_", ".", ":", "@" or "-"'),
      v.description('Who is calling: the identity used by limits, cache entries, logs and metrics.'),
    ),
    key_sha256: v.optional(
      v.pipe(
        v.string(),
        v.regex(/^[0-9a-fA-F]{64}$/, 'expected 64 hex digits (printf %s "$KEY" | sha256sum)'),
        v.description('SHA-256 of the key, hex (preferred: the config never holds the key).'),
      ),
    ),
    key: v.optional(
      v.pipe(
        v.string(),
        v.minLength(16, 'a key must be at least 16 characters'),
        v.description('The key in plain text (discouraged).'),
      ),
    ),
    models: v.optional(
      v.pipe(v.array(v.string()), v.description('Model globs this key may use (default: any).')),
    ),
    routes: v.optional(
      v.pipe(v.array(v.string()), v.description('Route names this key may use (default: any).')),
    ),
  }),
  v.check(
    (k) => (k.key === undefined) !== (k.key_sha256 === undefined),
    'give exactly one of key_sha256 or key',
  ),
);

const schema = v.strictObject({
  keys: v.pipe(
    v.array(keySchema),
    v.minLength(1, 'list at least one key'),
    v.description('The accepted API keys.'),
  ),
  protect_endpoints: v.optional(
    v.pipe(
      v.array(v.pipe(v.string(), v.startsWith('/'))),
      v.description('Plugin endpoints (e.g. /metrics) that need a valid key too.'),
    ),
    [],
  ),
});
type Options = v.InferOutput<typeof schema>;

const auth: PluginDefinition<Options> = {
  name: 'auth',
  schema,
  warnings: (options) =>
    options.keys.flatMap((k, i) =>
      k.key === undefined
        ? []
        : [
            {
              path: ['keys', i, 'key'],
              message: `key '${k.name}' is in plain text; store its SHA-256 as key_sha256 instead`,
            },
          ],
    ),
  setup(options) {
    const table = new KeyTable(options.keys as KeyConfig[]);
    const check = (headers: HeaderReader) => {
      const presented = presentedKey(headers);
      if (presented === undefined) {
        throw errors.unauthenticated(
          'Missing API key: send it as "Authorization: Bearer <key>" or "x-api-key: <key>".',
        );
      }
      const principal = table.find(presented);
      if (!principal) throw errors.unauthenticated('Invalid API key.');
      return principal;
    };
    const guarded = new Set(options.protect_endpoints);
    return {
      hooks: {
        authenticate: (ctx) => check(ctx.headers),
        // Plugin endpoints are keyed `METHOD /path`; protection is by path.
        onEndpoint: guarded.size
          ? (request, endpoint) => {
              if (guarded.has(endpoint.slice(endpoint.indexOf(' ') + 1))) check(request.headers);
            }
          : undefined,
      },
    };
  },
};

export default auth;
