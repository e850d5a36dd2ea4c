// biome-ignore-all lint/suspicious/noTemplateCurlyInString: YAML with ${VAR} references
/**
 * Invalid configs and the exact problems they produce: key path, line:col, and what the message says.
 * Lines are written one per array item, so the expected line numbers can be read off the case.
 */
import { describe, expect, test } from 'vitest';
import { loadConfig } from './load.js';
import { fakeDefinitions } from './test-definitions.js';

type Expected = [path: string, line: number, col: number, message: string | RegExp];

const cases: Array<{ name: string; yaml: string[]; env?: NodeJS.ProcessEnv; problems: Expected[] }> = [
  {
    name: 'YAML syntax error',
    yaml: ['server:', '  port: 80', '   host: x'],
    problems: [['', 2, 9, 'Nested mappings are not allowed in compact mappings']],
  },
  {
    name: 'duplicate YAML key',
    yaml: ['server:', '  port: 80', '  port: 81'],
    problems: [['', 3, 3, 'Map keys must be unique']],
  },
  {
    name: 'an unquoted ${VAR} inside { } (one problem for the line, with a hint)',
    yaml: ['server: { host: ${HOST}, port: 1 }'],
    problems: [['', 1, 18, /put \$\{VAR\} references in quotes/]],
  },
  {
    name: 'a list where the document should be a mapping',
    yaml: ['- a', '- b'],
    problems: [['', 1, 1, 'expected a mapping (key: value pairs), got a list']],
  },
  {
    name: 'unknown top-level key, with a suggestion',
    yaml: ['provider:', '  a: { type: mock }', 'extra: 1'],
    problems: [
      ['provider', 1, 1, 'unknown key "provider" (did you mean "providers"?)'],
      ['extra', 3, 1, 'unknown key "extra"'],
    ],
  },
  {
    name: 'server keys',
    yaml: [
      'server:',
      '  prot: 80',
      '  port: eighty',
      '  body_limit: 10 megabytes',
      '  trust_proxy: [10.0.0.0/33, yes]',
    ],
    problems: [
      ['server.prot', 2, 3, 'unknown key "prot" (did you mean "port"?)'],
      ['server.port', 3, 9, 'Invalid type: Expected number but received "eighty"'],
      ['server.body_limit', 4, 15, 'expected a size like 512kb, 10mb or 1gb (a number is bytes)'],
      ['server.trust_proxy[0]', 5, 17, 'expected an IP address or CIDR like 10.0.0.0/8'],
      ['server.trust_proxy[1]', 5, 30, 'expected an IP address or CIDR like 10.0.0.0/8'],
    ],
  },
  {
    name: 'every unknown key of a block, not just the first',
    yaml: ['logging:', '  levle: info', '  fromat: json', '  colour: true'],
    problems: [
      ['logging.levle', 2, 3, 'unknown key "levle" (did you mean "level"?)'],
      ['logging.fromat', 3, 3, 'unknown key "fromat" (did you mean "format"?)'],
      ['logging.colour', 4, 3, 'unknown key "colour"'],
    ],
  },
  {
    name: 'a list where a section should be a mapping',
    yaml: ['server: [a]', 'providers:', '  - type: mock', 'logging: []'],
    problems: [
      ['server', 1, 9, 'expected a mapping (key: value pairs), got a list'],
      ['providers', 3, 3, 'expected a mapping (key: value pairs), got a list'],
      ['logging', 4, 10, 'expected a mapping (key: value pairs), got a list'],
    ],
  },
  {
    name: 'a provider without a type (pointed at by its id)',
    yaml: ['providers:', '  openai:', '    api_key: x'],
    problems: [['providers.openai.type', 2, 3, 'missing required key "type"']],
  },
  {
    name: 'an unknown provider type',
    yaml: ['providers:', '  openai:', '    type: opnai'],
    problems: [['providers.openai.type', 3, 11, 'unknown provider type "opnai"']],
  },
  {
    name: "type-specific keys, checked by the provider type's schema",
    yaml: [
      'providers:',
      '  claude:',
      '    type: anthropic',
      '    max_tokens_default: lots',
      '    api_versoin: x',
      '  local:',
      '    type: mock',
      '    region: eu',
    ],
    problems: [
      ['providers.claude.max_tokens_default', 4, 25, 'Invalid type: Expected number but received "lots"'],
      ['providers.claude.api_versoin', 5, 5, 'unknown key "api_versoin" (did you mean "api_version"?)'],
      ['providers.local.region', 8, 5, 'unknown key "region"'],
    ],
  },
  {
    name: 'a provider type with a loose schema takes extra keys, but checks its own',
    yaml: ['providers:', '  aws:', '    type: bedrock', '    profile: dev'],
    problems: [['providers.aws.region', 2, 3, 'missing required key "region"']],
  },
  {
    name: 'provider common keys',
    yaml: [
      'providers:',
      '  openai:',
      '    type: openai',
      '    timeout:',
      '      connect: 5 seconds',
      '      first_tokn: 1s',
      '    base_url: not a url',
      '    models: gpt-4o',
    ],
    problems: [
      ['providers.openai.timeout.connect', 5, 16, /^expected a duration like 250ms/],
      ['providers.openai.timeout.first_tokn', 6, 7, 'unknown key "first_tokn" (did you mean "first_token"?)'],
      ['providers.openai.base_url', 7, 15, 'expected a URL'],
      ['providers.openai.models', 8, 13, 'Invalid type: Expected Array but received "gpt-4o"'],
    ],
  },
  {
    name: 'a provider id with a slash',
    yaml: ['providers:', '  open/ai: { type: mock }'],
    problems: [['providers["open/ai"]', 2, 3, /no "\/": it splits provider\/model/]],
  },
  {
    name: 'targets and fallbacks naming providers that do not exist',
    yaml: [
      'providers:',
      '  a: { type: mock }',
      'routes:',
      '  - name: r',
      '    targets:',
      '      - { provider: a }',
      '      - { provider: b, wieght: 2 }',
      '    fallback:',
      '      - provider: c',
    ],
    problems: [
      ['routes[0].targets[1].provider', 7, 21, 'no provider "b" (configured: a)'],
      ['routes[0].targets[1].wieght', 7, 24, 'unknown key "wieght" (did you mean "weight"?)'],
      ['routes[0].fallback[0].provider', 9, 19, 'no provider "c" (configured: a)'],
    ],
  },
  {
    name: 'route shapes: no targets, missing targets, bad timeout, unknown key',
    yaml: [
      'providers:',
      '  a: { type: mock }',
      'routes:',
      '  - name: empty',
      '    targets: []',
      '  - name: none',
      '  - name: r',
      '    timeout: soon',
      '    retries: 3',
      '    targets: [{ provider: a }]',
    ],
    problems: [
      ['routes[0].targets', 5, 14, 'a route needs at least one target'],
      ['routes[1].targets', 6, 5, 'missing required key "targets"'],
      ['routes[2].timeout', 8, 14, /^expected a duration/],
      ['routes[2].retries', 9, 5, 'unknown key "retries"'],
    ],
  },
  {
    name: 'duplicate route names, given and defaulted',
    yaml: [
      'providers: { a: { type: mock } }',
      'routes:',
      '  - name: route-1',
      '    targets: [{ provider: a }]',
      '  - targets: [{ provider: a }]',
      '  - name: route-1',
      '    targets: [{ provider: a }]',
    ],
    problems: [
      ['routes[1]', 5, 5, `this route's default name "route-1" is taken by routes[0]; give it a name`],
      ['routes[2].name', 6, 11, 'duplicate route name "route-1" (also routes[0])'],
    ],
  },
  {
    name: 'match blocks: paths, invalid regex, header names',
    yaml: [
      'providers: { a: { type: mock } }',
      'routes:',
      '  - match:',
      '      paths: [v1/chat]',
      '      headers:',
      '        x-team: { regex: "(unclosed" }',
      '        "bad header": x',
      '        x-tier: { regex: "^a", flags: i }',
      '    targets: [{ provider: a }]',
    ],
    problems: [
      ['routes[0].match.paths[0]', 4, 15, 'expected a path like /v1/chat/completions'],
      ['routes[0].match.headers.x-team.regex', 6, 26, /^invalid regex: .*Unterminated group/],
      ['routes[0].match.headers["bad header"]', 7, 9, 'expected a header name'],
      ['routes[0].match.headers.x-tier', 8, 17, 'expected a header value or { regex: "..." }'],
    ],
  },
  {
    name: 'plugin items: not found, bad options (both forms), duplicates, bad shapes',
    yaml: [
      'plugins:',
      '  - nope',
      '  - retry: { attempts: 0, backof: {} }',
      '  - use: retry',
      '    config: { attempts: two }',
      '  - { metrics: {}, enabled: false }',
      '  - 42',
      '  - use: metrics',
      '    enable: false',
      '  - retry: [1]',
    ],
    problems: [
      [
        'plugins[0]',
        2,
        5,
        'cannot find plugin "nope" (not a built-in plugin, an installed package or a file)',
      ],
      ['plugins[1].retry.attempts', 3, 24, 'Invalid value: Expected >=1 but received 0'],
      ['plugins[1].retry.backof', 3, 27, 'unknown key "backof" (did you mean "backoff"?)'],
      ['plugins[2].use', 4, 10, 'plugin "retry" is already listed at plugins[1]'],
      ['plugins[2].config.attempts', 5, 25, 'Invalid type: Expected number but received "two"'],
      [
        'plugins[3]',
        6,
        5,
        /^expected a name, \{ name: options \}, or \{ use: .*this one has the keys metrics, enabled/,
      ],
      ['plugins[4]', 7, 5, /^expected a name, \{ name: options \}/],
      ['plugins[5].enable', 9, 5, 'unknown key "enable" (did you mean "enabled"?)'],
      ['plugins[6].retry', 10, 5, 'plugin "retry" is already listed at plugins[1]'],
      ['plugins[6].retry', 10, 12, 'expected a mapping (key: value pairs), got a list'],
    ],
  },
  {
    name: 'an unknown key inside a discriminated variant of a plugin block',
    yaml: ['plugins:', '  - cache:', '      store: { type: memory, max_entires: 10 }'],
    problems: [['plugins[0].cache.store.max_entires', 3, 30, 'unknown key "max_entires"']],
  },
  {
    name: 'unset variables and a bad reference, each at its key',
    yaml: [
      'server:',
      '  host: ${HOST}',
      '  port: ${PORT:-8080}',
      'providers:',
      '  openai:',
      '    type: openai',
      '    api_key: ${OPENAI_API_KEY}',
      '    headers: { x-org: "${ORG" }',
    ],
    problems: [
      ['server.host', 2, 9, 'environment variable HOST is not set (give a default with ${HOST:-default})'],
      ['providers.openai.api_key', 7, 14, /^environment variable OPENAI_API_KEY is not set/],
      ['providers.openai.headers.x-org', 8, 23, 'unterminated "${" (write "$${" for a literal "${")'],
    ],
  },
  {
    name: 'an unset variable in a value that has a format is reported once',
    yaml: ['server:', '  shutdown_grace: ${GRACE}'],
    problems: [['server.shutdown_grace', 2, 19, /^environment variable GRACE is not set/]],
  },
  {
    name: 'redis and logging',
    yaml: ['redis:', '  url: http://cache', '  pool: 3', 'logging:', '  level: verbose'],
    problems: [
      ['redis.url', 2, 8, 'expected a redis:// or rediss:// URL'],
      ['redis.pool', 3, 3, 'unknown key "pool"'],
      ['logging.level', 5, 10, 'expected debug, info, warn or error'],
    ],
  },
  {
    name: 'every problem at once, in document order',
    yaml: [
      'server:',
      '  port: 70000',
      'providers:',
      '  a:',
      '    type: nope',
      'routes:',
      '  - targets: [{ provider: b }]',
      'plugins: [missing]',
      'extra: 1',
    ],
    problems: [
      ['server.port', 2, 9, 'expected a port number (0-65535)'],
      ['providers.a.type', 5, 11, 'unknown provider type "nope"'],
      ['routes[0].targets[0].provider', 7, 27, 'no provider "b" (configured: a)'],
      ['plugins[0]', 8, 11, /^cannot find plugin "missing"/],
      ['extra', 9, 1, 'unknown key "extra"'],
    ],
  },
];

describe('loadConfig: invalid configs', () => {
  test.each(cases)('$name', async ({ yaml, env, problems }) => {
    const result = await loadConfig(`${yaml.join('\n')}\n`, {
      source: 'switchyard.yaml',
      env: env ?? {},
      definitions: fakeDefinitions().source,
    });
    expect(result.config).toBeUndefined();
    expect(result.problems.map((p) => [p.path, p.line, p.col, p.severity])).toEqual(
      problems.map(([path, line, col]) => [path, line, col, 'error']),
    );
    result.problems.forEach((problem, index) => {
      const message = problems[index]![3];
      if (typeof message === 'string') expect(problem.message).toBe(message);
      else expect(problem.message).toMatch(message);
    });
  });
});
