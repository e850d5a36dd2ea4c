/**
 * Redaction of shared prompts and answers: every string inside them is scrubbed of credentials (always),
 * of the secrets this gateway itself holds (upstream keys from the config, the caller's own key), and of
 * the operator's `redact` patterns. Matches become `[REDACTED]`.
 */
export const REDACTED = '[REDACTED]';

/** Credential shapes that are removed whatever the config says. */
const CREDENTIALS: RegExp[] = [
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g,
  /\bBearer\s+[\w.~+/=-]{8,}/gi,
  /\b(?:sk|pk|rk)-[\w-]{16,}/g, // OpenAI, Anthropic (sk-ant-…) and similar keys
  /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g, // AWS access key ids
  /\bAIza[\w-]{35}\b/g, // Google API keys
  /\bgh[pousr]_[A-Za-z0-9]{36,}\b/g, // GitHub tokens
  /\bxox[abprs]-[\w-]{10,}/g, // Slack tokens
  /\beyJ[\w-]{10,}\.[\w-]{10,}\.[\w-]{10,}/g, // JWTs
];

/** `api_key: value`, `"password": "value"`, `Authorization=value`: the name stays, the value goes. */
const NAMED_SECRET =
  /\b(authorization|x-api-key|api[_-]?key|access[_-]?key|secret(?:[_-]?access[_-]?key)?|password|passwd|token)(["']?\s*[:=]\s*["']?)[^\s"',;}]+/gi;

export interface Redactor {
  /** A deep copy of `value` with every string redacted; `literals` are extra exact secrets (the caller's key). */
  apply<T>(value: T, literals?: readonly string[]): T;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function createRedactor(patterns: readonly string[], secrets: readonly string[]): Redactor {
  const custom = patterns.map((p) => new RegExp(p, 'g'));
  // Short values would redact ordinary words; real keys are long.
  const known = secrets.filter((s) => s.length >= 8).map((s) => new RegExp(escapeRegExp(s), 'g'));

  const scrub = (text: string, literals: readonly RegExp[]): string => {
    let out = text;
    for (const re of literals) out = out.replace(re, REDACTED);
    for (const re of known) out = out.replace(re, REDACTED);
    for (const re of CREDENTIALS) out = out.replace(re, REDACTED);
    out = out.replace(NAMED_SECRET, `$1$2${REDACTED}`);
    for (const re of custom) out = out.replace(re, REDACTED);
    return out;
  };

  const walk = (value: unknown, literals: readonly RegExp[]): unknown => {
    if (typeof value === 'string') return scrub(value, literals);
    if (Array.isArray(value)) return value.map((item) => walk(item, literals));
    if (value && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) out[key] = walk(item, literals);
      return out;
    }
    return value;
  };

  return {
    apply<T>(value: T, literals: readonly string[] = []): T {
      const extra = literals.filter((s) => s.length >= 8).map((s) => new RegExp(escapeRegExp(s), 'g'));
      return walk(value, extra) as T;
    },
  };
}

const SECRET_NAME = /key|secret|token|password|authorization/i;

/** Secret values a config holds: provider options and extra headers whose name says they are credentials. */
export function configSecrets(providers: Record<string, Record<string, unknown>>): string[] {
  const out: string[] = [];
  const collect = (entries: Record<string, unknown>) => {
    for (const [key, value] of Object.entries(entries)) {
      if (typeof value === 'string' && SECRET_NAME.test(key)) out.push(value);
    }
  };
  for (const provider of Object.values(providers)) {
    collect(provider);
    if (provider.headers && typeof provider.headers === 'object')
      collect(provider.headers as Record<string, unknown>);
  }
  return out;
}
