// biome-ignore-all lint/suspicious/noTemplateCurlyInString: YAML with ${VAR} references
import { describe, expect, test } from 'vitest';
import { loadConfig } from './load.js';
import { fakeDefinitions } from './test-definitions.js';

const load = (yaml: string, env: NodeJS.ProcessEnv = {}) =>
  loadConfig(yaml, { source: 'switchyard.yaml', env, definitions: fakeDefinitions().source });

const FULL = `
server:
  port: \${PORT:-9000}
  body_limit: 2mb
  trust_proxy: [10.0.0.0/8, "::1"]
providers:
  openai:
    type: openai
    api_key: \${OPENAI_API_KEY}
    organization: org-1
    timeout: { connect: 1s, total: 2m }
    models: [gpt-4o, gpt-4o-mini]
  claude:
    type: anthropic
    api_key: \${ANTHROPIC_API_KEY}
    base_url: https://anthropic.internal
  local:
    type: mock
routes:
  - name: chat-default
    match:
      paths: [/v1/chat/completions]
      models: [gpt-4o-mini, "fast-*"]
      headers: { X-Team: research, x-tier: { regex: "^(gold|silver)$" } }
    targets:
      - { provider: openai, model: gpt-4o-mini, weight: 3 }
      - { provider: claude, model: claude-haiku-4-5 }
    fallback:
      - { provider: local, model: echo }
    timeout: 30s
  - strategy: priority
    match: { auto: true }
    targets: [{ provider: local }]
plugins:
  - metrics
  - retry: { attempts: 5 }
  - use: auth
    config: { keys: [{ name: web, key_sha256: abc }] }
    enabled: false
  - router:
redis:
  url: \${REDIS_URL:-redis://127.0.0.1:6379}
logging: { level: debug }
`;

describe('loadConfig: a valid config', () => {
  test('applies defaults, converts durations and sizes, normalizes plugins', async () => {
    const result = await load(FULL, { OPENAI_API_KEY: 'sk-o', ANTHROPIC_API_KEY: 'sk-a' });
    expect(result.problems).toEqual([]);
    expect(result.config).toEqual({
      server: {
        host: '127.0.0.1',
        port: 9000,
        body_limit: 2 * 1024 * 1024,
        shutdown_grace: 30_000,
        request_timeout: 300_000,
        trust_proxy: ['10.0.0.0/8', '::1'],
      },
      providers: {
        openai: {
          type: 'openai',
          api_key: 'sk-o',
          base_url: 'https://api.openai.com/v1',
          headers: {},
          timeout: { connect: 1000, first_token: 60_000, idle: 30_000, total: 120_000 },
          models: ['gpt-4o', 'gpt-4o-mini'],
          organization: 'org-1',
        },
        claude: {
          type: 'anthropic',
          api_key: 'sk-a',
          base_url: 'https://anthropic.internal',
          headers: {},
          timeout: { connect: 5000, first_token: 60_000, idle: 30_000, total: 600_000 },
          models: [],
          api_version: '2023-06-01',
          max_tokens_default: 4096,
        },
        local: {
          type: 'mock',
          base_url: 'http://mock.invalid',
          headers: {},
          timeout: { connect: 5000, first_token: 60_000, idle: 30_000, total: 600_000 },
          models: [],
        },
      },
      routes: [
        {
          name: 'chat-default',
          match: {
            paths: ['/v1/chat/completions'],
            models: ['gpt-4o-mini', 'fast-*'],
            headers: { 'x-team': 'research', 'x-tier': { regex: '^(gold|silver)$' } },
          },
          strategy: 'weighted',
          targets: [
            { provider: 'openai', model: 'gpt-4o-mini', weight: 3 },
            { provider: 'claude', model: 'claude-haiku-4-5', weight: 1 },
          ],
          fallback: [{ provider: 'local', model: 'echo' }],
          timeout: 30_000,
        },
        {
          name: 'route-1',
          match: { auto: true },
          strategy: 'priority',
          targets: [{ provider: 'local', weight: 1 }],
        },
      ],
      plugins: [
        { name: 'metrics', use: 'metrics', options: { path: '/metrics' }, enabled: true },
        { name: 'retry', use: 'retry', options: { attempts: 5, backoff: { initial: 200 } }, enabled: true },
        {
          name: 'auth',
          use: 'auth',
          options: { keys: [{ name: 'web', key_sha256: 'abc' }] },
          enabled: false,
        },
        { name: 'router', use: 'router', options: {}, enabled: true },
      ],
      redis: { url: 'redis://127.0.0.1:6379' },
      logging: { level: 'debug', format: 'json' },
    });
  });

  test('an empty file is the defaults', async () => {
    const result = await load('');
    expect(result.problems).toEqual([]);
    expect(result.config).toEqual({
      server: {
        host: '127.0.0.1',
        port: 8080,
        body_limit: 10 * 1024 * 1024,
        shutdown_grace: 30_000,
        request_timeout: 300_000,
        trust_proxy: false,
      },
      providers: {},
      routes: [],
      plugins: [],
      logging: { level: 'info', format: 'json' },
    });
  });

  test('empty sections (`key:` with no value) take their defaults', async () => {
    const result = await load('server:\nproviders:\nroutes:\nplugins:\nlogging:\n');
    expect(result.problems).toEqual([]);
    expect(result.config?.server.port).toBe(8080);
    expect(result.config?.routes).toEqual([]);
  });

  test('asks the definition source for each provider type and plugin', async () => {
    const { source, asked } = fakeDefinitions();
    await loadConfig(FULL, {
      source: 'x.yaml',
      env: { OPENAI_API_KEY: 'a', ANTHROPIC_API_KEY: 'b' },
      definitions: source,
    });
    expect(asked.providers.sort()).toEqual(['anthropic', 'mock', 'openai']);
    expect(asked.plugins.sort()).toEqual(['auth', 'metrics', 'retry', 'router']);
  });

  test('reads process.env when no env is given', async () => {
    process.env.SWITCHYARD_CONFIG_TEST_PORT = '7070';
    try {
      const result = await loadConfig('server: { port: "${SWITCHYARD_CONFIG_TEST_PORT}" }\n', {
        source: 'x.yaml',
        definitions: fakeDefinitions().source,
      });
      // Quoted: a string, which the port schema refuses; unquoted below gives the number.
      expect(result.problems.map((p) => p.path)).toEqual(['server.port']);
      const plain = await loadConfig('server:\n  port: ${SWITCHYARD_CONFIG_TEST_PORT}\n', {
        source: 'x.yaml',
        definitions: fakeDefinitions().source,
      });
      expect(plain.config?.server.port).toBe(7070);
    } finally {
      delete process.env.SWITCHYARD_CONFIG_TEST_PORT;
    }
  });
});

describe('loadConfig: YAML anchors and extension keys', () => {
  test('top-level x-* keys hold shared blocks and are otherwise ignored', async () => {
    const yaml = [
      'x-common: &common',
      '  type: openai',
      '  headers: { x-team: "${TEAM}" }',
      'providers:',
      '  a:',
      '    <<: *common',
      '    api_key: key-a',
      '  b:',
      '    <<: *common',
      '    base_url: https://b.example/v1',
      '',
    ].join('\n');
    const result = await load(yaml, { TEAM: 'research' });
    expect(result.problems).toEqual([]);
    expect(Object.keys(result.config ?? {})).not.toContain('x-common');
    expect(result.config?.providers.a).toMatchObject({
      type: 'openai',
      api_key: 'key-a',
      headers: { 'x-team': 'research' },
    });
    expect(result.config?.providers.b).toMatchObject({
      base_url: 'https://b.example/v1',
      headers: { 'x-team': 'research' },
    });
    expect(result.config?.providers.a?.base_url).toBe('https://api.openai.com/v1');
  });

  test('a merged block is validated like a written one', async () => {
    const yaml = [
      'providers:',
      '  a: &a',
      '    type: openai',
      '    timeout: { connect: 5 }',
      '  b:',
      '    <<: *a',
      '    organisation: x',
      '',
    ];
    const result = await load(yaml.join('\n'));
    expect(result.problems.map((p) => [p.path, p.line, p.col])).toEqual([['providers.b.organisation', 7, 5]]);
  });
});

describe('loadConfig: secrets', () => {
  test('a value from the environment is never printed in a problem', async () => {
    const yaml = 'server:\n  port: ${PORT}\nredis:\n  url: ${REDIS_URL}\n';
    const result = await load(yaml, { PORT: 'hunter2', REDIS_URL: 'http://user:hunter2@cache' });
    expect(result.config).toBeUndefined();
    expect(result.problems.map((p) => [p.path, p.message])).toEqual([
      ['server.port', 'Invalid type: Expected number but received the value of ${PORT}'],
      ['redis.url', 'expected a redis:// or rediss:// URL'],
    ]);
  });
});

describe('loadConfig: warnings', () => {
  test("a plugin's warnings do not stop the config, and point at the option", async () => {
    const yaml = 'plugins:\n  - auth:\n      keys:\n        - name: web\n          key: plain-secret\n';
    const result = await load(yaml);
    expect(result.config?.plugins[0]?.name).toBe('auth');
    expect(result.problems).toEqual([
      {
        path: 'plugins[0].auth.keys[0].key',
        line: 5,
        col: 16,
        message: 'a plain-text key; prefer key_sha256',
        severity: 'warning',
      },
    ]);
  });

  test('a disabled plugin that cannot be found is a warning', async () => {
    const result = await load('plugins:\n  - use: ./not-there.js\n    enabled: false\n');
    expect(result.config?.plugins).toEqual([
      { name: './not-there.js', use: './not-there.js', options: {}, enabled: false },
    ]);
    expect(result.problems.map((p) => [p.path, p.line, p.col, p.severity])).toEqual([
      ['plugins[0].use', 2, 10, 'warning'],
    ]);
  });

  test('a likely typo of a core match key is a warning', async () => {
    const yaml =
      'providers: { p: { type: mock } }\nroutes:\n  - match:\n      model: [gpt-4o]\n    targets: [{ provider: p }]\n';
    const result = await load(yaml);
    expect(result.config).toBeDefined();
    expect(result.problems).toEqual([
      {
        path: 'routes[0].match.model',
        line: 4,
        col: 7,
        message: '"model" is not a core match key (did you mean "models"?)',
        severity: 'warning',
      },
    ]);
  });
});

describe('loadConfig: definition sources that fail', () => {
  test('a plugin that throws while loading is reported, not thrown', async () => {
    const definitions = {
      plugin: async () => {
        throw new Error('SyntaxError in plugin.js');
      },
      provider: fakeDefinitions().source.provider,
    };
    const result = await loadConfig('plugins: [./broken.js]\n', { source: 'x', env: {}, definitions });
    expect(result.problems).toEqual([
      {
        path: 'plugins[0]',
        line: 1,
        col: 11,
        message: 'cannot load plugin "./broken.js": SyntaxError in plugin.js',
        severity: 'error',
      },
    ]);
  });

  test('a plugin whose warnings() throws is reported at its block', async () => {
    const { source } = fakeDefinitions({
      boom: {
        warnings: () => {
          throw new Error('bug');
        },
      },
    });
    const result = await loadConfig('plugins:\n  - boom: {}\n', {
      source: 'x',
      env: {},
      definitions: source,
    });
    expect(result.problems.map((p) => [p.path, p.line, p.col, p.message])).toEqual([
      ['plugins[0].boom', 2, 11, 'plugin "boom" failed while checking its options: bug'],
    ]);
  });
});
