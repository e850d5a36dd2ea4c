import { Ajv } from 'ajv';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { parse } from 'yaml';
import { configJsonSchema } from './json-schema.js';
import { fakePlugins, fakeProviders } from './test-definitions.js';

const definitions = {
  plugins: Object.fromEntries(Object.entries(fakePlugins).map(([name, p]) => [name, p.schema])),
  providers: Object.fromEntries(Object.entries(fakeProviders).map(([type, p]) => [type, p.schema])),
};

// Checks and transforms cannot be expressed in JSON Schema; the exporter may say so on stderr.
beforeEach(() => void vi.spyOn(console, 'warn').mockImplementation(() => {}));
afterEach(() => vi.restoreAllMocks());

type Json = Record<string, any>;

describe('configJsonSchema', () => {
  test('is a draft-07 schema with descriptions and defaults for the core keys', () => {
    const schema = configJsonSchema(definitions) as Json;
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    const server = schema.properties.server.anyOf[0];
    expect(server.properties.port).toMatchObject({
      default: 8080,
      description: expect.stringContaining('port'),
    });
    expect(server.properties.body_limit.default).toBe('10mb');
    expect(schema.properties.routes.description).toMatch(/first match wins/);
    expect(schema.additionalProperties).toBe(false);
  });

  test("carries each plugin's block under plugins items", () => {
    const items = (configJsonSchema(definitions) as Json).properties.plugins.items.anyOf as Json[];
    const retry = items.find((item) => item.required?.[0] === 'retry');
    expect(retry?.properties.retry.anyOf[0].properties.attempts).toMatchObject({
      type: 'integer',
      minimum: 1,
      default: 3,
    });
    expect(items[0]?.anyOf[0].enum).toEqual(Object.keys(fakePlugins));
  });

  test("carries each provider type's own keys, chosen by type", () => {
    const block = (configJsonSchema(definitions) as Json).properties.providers.additionalProperties;
    const anthropic = block.allOf.find((rule: Json) => rule.if.properties.type.const === 'anthropic');
    expect(anthropic.then.properties.max_tokens_default).toMatchObject({ type: 'integer', default: 4096 });
    expect(anthropic.then.properties.api_key).toBeDefined();
  });

  describe('validates config files like an editor would', () => {
    const validate = new Ajv({ strict: false, validateFormats: false }).compile(
      configJsonSchema(definitions),
    );
    const check = (yaml: string) => validate(parse(yaml) ?? {});

    test.each([
      ['an empty file', ''],
      ['a full config', FULL],
      ['a provider type given as a path', 'providers:\n  own: { type: ./my-provider.js, anything: 1 }\n'],
      ['a plugin given as a path', 'plugins: [./my-plugin.js]\n'],
      ['an extension key holding an anchor', 'x-shared: &s { type: mock }\nproviders: { a: *s }\n'],
    ])('accepts %s', (_, yaml) => {
      expect(check(yaml), JSON.stringify(validate.errors)).toBe(true);
    });

    // [what, yaml, where the editor flags it]
    test.each([
      ['a typo in server', 'server: { prot: 1 }\n', '/server'],
      ["a typo in a plugin's block", 'plugins:\n  - retry: { atempts: 2 }\n', '/plugins/0/retry'],
      [
        "a wrong type in a plugin's block (use form)",
        'plugins:\n  - use: retry\n    config: { attempts: two }\n',
        '/plugins/0/config/attempts',
      ],
      ['an unknown plugin name', 'plugins: [nope]\n', '/plugins/0'],
      [
        "a typo in a provider type's keys",
        'providers:\n  o: { type: openai, organisation: x }\n',
        '/providers/o',
      ],
      [
        'a key of another provider type',
        'providers:\n  o: { type: mock, organization: x }\n',
        '/providers/o',
      ],
      ['a bad duration', 'server: { shutdown_grace: 30 seconds }\n', '/server/shutdown_grace'],
      ['a route without targets', 'routes:\n  - name: r\n', '/routes/0'],
    ])('refuses %s', (_, yaml, where) => {
      expect(check(yaml)).toBe(false);
      expect(validate.errors?.map((error) => error.instancePath)).toContain(where);
    });
  });
});

const FULL = `
server: { host: 0.0.0.0, port: 8080, body_limit: 10mb, trust_proxy: [10.0.0.0/8] }
providers:
  openai: { type: openai, api_key: sk, organization: org, timeout: { connect: 5s }, models: [gpt-4o] }
  claude: { type: anthropic, max_tokens_default: 1024 }
  aws: { type: bedrock, region: eu-west-1 }
  local: { type: mock }
routes:
  - name: r
    match: { models: ["gpt-*"], headers: { x-team: { regex: "^a" } }, auto: true }
    targets: [{ provider: openai, model: gpt-4o, weight: 2 }]
    fallback: [{ provider: local }]
    timeout: 30s
plugins:
  - metrics
  - retry: { attempts: 3, backoff: { initial: 100ms } }
  - use: auth
    config: { keys: [{ name: web, key_sha256: abc }] }
    enabled: false
  - router:
redis: { url: "redis://127.0.0.1:6379" }
logging: { level: warn, format: pretty }
`;
