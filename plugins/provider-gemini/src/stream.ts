/**
 * Gemini SSE (`alt=sse`: every event is a whole GenerateContentResponse holding only the new parts) →
 * OpenAI chunks. Per stream: one id / created / model for every chunk, a role chunk when a candidate first
 * appears, one chunk per text / thought part, one complete tool-call delta per functionCall (Gemini sends
 * them whole), a finish chunk on `finishReason`, and at end() a `choices: []` chunk with the last
 * (cumulative) usage. Gemini has no terminator: the body just ends.
 */
import { type StreamItem, type StreamTranslator, type UpstreamCall, UpstreamError } from '@switchyard/core';
import type { ChatChunk, Usage } from '@switchyard/protocol';
import { blockedPromptError, finishReason, parseUpstreamJson, toUsage } from './candidate.js';
import { streamError } from './errors.js';
import type { GeminiCandidate, GeminiUsage } from './gemini-types.js';
import { toolCallId } from './tool-ids.js';

interface CandidateState {
  toolCalls: number;
  finished: boolean;
}

type Delta = ChatChunk['choices'][number]['delta'];

export function createStreamTranslator(call: UpstreamCall): StreamTranslator {
  const id = `chatcmpl-${call.requestId}`;
  const created = Math.floor(Date.now() / 1000);
  let model: string | undefined;
  let usage: GeminiUsage | undefined;
  const candidates = new Map<number, CandidateState>();

  const chunk = (choices: ChatChunk['choices'], extra?: { usage: Usage }): ChatChunk => ({
    id,
    object: 'chat.completion.chunk',
    created,
    model: model ?? call.model,
    choices,
    ...extra,
  });
  const delta = (index: number, d: Delta, finish: string | null = null): ChatChunk =>
    chunk([{ index, delta: d, logprobs: null, finish_reason: finish }]);

  function candidate(c: GeminiCandidate, position: number, out: StreamItem[]): void {
    const index = c.index ?? position;
    let state = candidates.get(index);
    if (!state) {
      state = { toolCalls: 0, finished: false };
      candidates.set(index, state);
      out.push(delta(index, { role: 'assistant', content: '' }));
    }
    for (const part of c.content?.parts ?? []) {
      if (part.functionCall) {
        const n = state.toolCalls++;
        const args = JSON.stringify(part.functionCall.args ?? {});
        const callId = toolCallId(call.requestId, index, n, part.thoughtSignature);
        out.push(
          delta(index, {
            tool_calls: [
              {
                index: n,
                id: callId,
                type: 'function',
                function: { name: part.functionCall.name, arguments: args },
              },
            ],
          }),
        );
      } else if (typeof part.text === 'string' && part.text !== '') {
        out.push(delta(index, part.thought ? { reasoning_content: part.text } : { content: part.text }));
      }
    }
    if (c.finishReason && !state.finished) {
      state.finished = true;
      out.push(delta(index, {}, finishReason(c.finishReason, state.toolCalls > 0)));
    }
  }

  return {
    event(ev) {
      const res = parseUpstreamJson(ev.data);
      if (res.error) throw streamError(res.error);
      const blocked = blockedPromptError(res);
      if (blocked) throw blocked;
      model ??= res.modelVersion;
      if (res.usageMetadata) usage = res.usageMetadata;
      const out: StreamItem[] = [];
      for (const [i, c] of (res.candidates ?? []).entries()) candidate(c, i, out);
      return out;
    },
    end() {
      const unfinished = candidates.size === 0 || [...candidates.values()].some((s) => !s.finished);
      if (unfinished) {
        // Gemini always ends a complete answer with a finishReason; without one the answer is cut short.
        throw new UpstreamError(
          502,
          'upstream_error',
          'The Gemini stream ended before the answer was finished.',
          {
            code: 'upstream_error',
            retryable: true,
          },
        );
      }
      return usage ? [chunk([], { usage: toUsage(usage) })] : [];
    },
  };
}
