/**
 * A provider plugin for "Tiny", a made-up model API, loaded by path from YAML (`type: ./tiny-provider.js`).
 * Plain ESM JavaScript, so it loads with no build step. docs/providers.md walks through it.
 *
 * Tiny's wire format (tiny-kit.ts mocks it):
 *   POST {base_url}/v1/generate   header x-tiny-key
 *   { model, instructions, turns: [{ speaker: user|bot, parts: [{text}|{image}|{call}|{result}] }],
 *     functions: [{ name, description, schema }], json_schema?, limit, stop?, temperature?, stream }
 *   answer: { id, parts: [{text}|{call: {ref, name, args}}], end: done|limit|calls, tokens: {input, output} }
 *   stream: NDJSON lines {start:{id}} {text} {call:{ref,name,args}} {end, tokens} or {error:{kind,message}}
 *   errors: { problem: { kind: bad_input|bad_key|slow_down|broken|busy, message } }, retry-after on 429
 */
import { UpstreamError } from '@switchyard/core';
import * as v from 'valibot';

// ───────────────────────── request: OpenAI chat → Tiny ─────────────────────────

const text = (content) =>
  typeof content === 'string'
    ? content
    : (content ?? []).map((p) => (p.type === 'text' ? p.text : '')).join('');

/** OpenAI content (a string or parts) → Tiny parts. */
function parts(content) {
  if (typeof content === 'string') return content ? [{ text: content }] : [];
  return (content ?? []).flatMap((p) => {
    if (p.type === 'text') return [{ text: p.text }];
    if (p.type === 'image_url') return [{ image: p.image_url.url }];
    return []; // audio, files: Tiny has no equivalent
  });
}

/** OpenAI messages → Tiny's instructions and turns (tool results answer as the user, grouped per turn). */
function turns(messages) {
  const instructions = [];
  const out = [];
  for (const m of messages) {
    if (m.role === 'system' || m.role === 'developer') {
      instructions.push(text(m.content));
    } else if (m.role === 'assistant') {
      const calls = (m.tool_calls ?? []).map((c) => ({
        call: { ref: c.id, name: c.function.name, args: JSON.parse(c.function.arguments || '{}') },
      }));
      out.push({ speaker: 'bot', parts: [...parts(m.content), ...calls] });
    } else if (m.role === 'tool') {
      const result = { result: { ref: m.tool_call_id, output: text(m.content) } };
      const last = out.at(-1);
      if (last?.speaker === 'user' && last.parts.every((p) => p.result)) last.parts.push(result);
      else out.push({ speaker: 'user', parts: [result] });
    } else {
      out.push({ speaker: 'user', parts: parts(m.content) });
    }
  }
  return { instructions: instructions.join('\n') || undefined, turns: out };
}

function jsonSchema(format) {
  if (format?.type === 'json_schema') return format.json_schema.schema ?? { type: 'object' };
  if (format?.type === 'json_object') return { type: 'object' };
  return undefined;
}

function buildBody(body, call, limit) {
  const functions =
    body.tool_choice === 'none'
      ? undefined
      : body.tools?.map((t) => ({
          name: t.function.name,
          description: t.function.description,
          schema: t.function.parameters,
        }));
  return {
    model: call.model,
    ...turns(body.messages),
    functions,
    json_schema: jsonSchema(body.response_format),
    limit: body.max_completion_tokens ?? body.max_tokens ?? limit,
    stop: typeof body.stop === 'string' ? [body.stop] : (body.stop ?? undefined),
    temperature: body.temperature,
    stream: call.stream,
  };
}

// ───────────────────────── answers: Tiny → OpenAI chat ─────────────────────────

const FINISH = { done: 'stop', limit: 'length', calls: 'tool_calls' };

const usage = (tokens) => ({
  prompt_tokens: tokens.input,
  completion_tokens: tokens.output,
  total_tokens: tokens.input + tokens.output,
});

const toolCall = (call) => ({
  id: call.ref,
  type: 'function',
  function: { name: call.name, arguments: JSON.stringify(call.args) },
});

function parseResponse(raw, call) {
  const answer = JSON.parse(raw);
  const content = answer.parts.filter((p) => p.text !== undefined).map((p) => p.text);
  const calls = answer.parts.filter((p) => p.call).map((p) => toolCall(p.call));
  return {
    id: `chatcmpl-${answer.id}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: call.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: content.length ? content.join('') : null,
          ...(calls.length && { tool_calls: calls }),
        },
        finish_reason: FINISH[answer.end] ?? 'stop',
        logprobs: null,
      },
    ],
    usage: usage(answer.tokens),
  };
}

/** One translator per stream: Tiny lines in, OpenAI chunks out. */
function createStreamTranslator(call) {
  let id = call.requestId;
  let toolIndex = 0;
  const created = Math.floor(Date.now() / 1000);
  const chunk = (delta, finish = null) => ({
    id: `chatcmpl-${id}`,
    object: 'chat.completion.chunk',
    created,
    model: call.model,
    choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
  });
  return {
    event(ev) {
      const line = JSON.parse(ev.data);
      if (line.error) throw streamError(line.error);
      if (line.start) {
        id = line.start.id;
        return [chunk({ role: 'assistant', content: '' })];
      }
      if (line.text !== undefined) return [chunk({ content: line.text })];
      if (line.call) return [chunk({ tool_calls: [{ index: toolIndex++, ...toolCall(line.call) }] })];
      if (line.end) {
        // Always send the usage chunk: the core removes it when the client did not ask for it.
        const last = { ...chunk({}), choices: [], usage: usage(line.tokens) };
        return [chunk({}, FINISH[line.end] ?? 'stop'), last];
      }
      return [];
    },
    end() {
      return [];
    },
  };
}

/** NDJSON: one event per line, whatever way the network splits them. */
async function* decodeStream(body) {
  const decoder = new TextDecoder();
  let buffered = '';
  for await (const bytes of body) {
    buffered += decoder.decode(bytes, { stream: true });
    const lines = buffered.split('\n');
    buffered = lines.pop();
    for (const line of lines) if (line.trim()) yield { event: 'line', data: line };
  }
  if (buffered.trim()) yield { event: 'line', data: buffered };
}

// ───────────────────────── errors ─────────────────────────

const KINDS = {
  bad_input: 'invalid_request_error',
  bad_key: 'authentication_error',
  slow_down: 'rate_limit_error',
  broken: 'api_error',
  busy: 'overloaded_error',
};

function classifyError(status, _headers, body) {
  let problem;
  try {
    problem = JSON.parse(body).problem;
  } catch {
    problem = undefined; // a proxy's HTML page: keep the status, say so
  }
  return {
    status,
    type: KINDS[problem?.kind] ?? (status >= 500 ? 'api_error' : 'invalid_request_error'),
    code: problem?.kind ?? null,
    message: problem?.message ?? `Tiny answered ${status}`,
    // The core reads retry-after itself; retryable decides retries and fallback.
    retryable: status === 429 || status >= 500,
  };
}

function streamError(error) {
  const status = { slow_down: 429, busy: 503 }[error.kind] ?? 502;
  return new UpstreamError(status, KINDS[error.kind] ?? 'upstream_error', error.message, {
    code: error.kind,
    retryable: true,
  });
}

// ───────────────────────── the definition ─────────────────────────

/** @type {import('@switchyard/core').ProviderDefinition<{ default_limit: number }>} */
export default {
  type: 'tiny',
  defaultBaseUrl: 'http://127.0.0.1:7070',
  schema: v.object({
    default_limit: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1)), 1024),
  }),
  create(config) {
    const prefix = new URL(config.base_url).pathname.replace(/\/+$/, '');
    const headers = { 'content-type': 'application/json', ...config.headers };
    if (config.api_key) headers['x-tiny-key'] = config.api_key;
    return {
      operations: ['chat'],
      decodeStream,
      buildRequest: (call) => ({
        method: 'POST',
        path: `${prefix}/v1/generate`,
        headers,
        body: JSON.stringify(buildBody(call.body, call, config.default_limit)),
      }),
      parseResponse,
      createStreamTranslator,
      classifyError,
    };
  },
};
