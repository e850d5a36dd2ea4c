/**
 * Anthropic SSE events → OpenAI `chat.completion.chunk`s (mapping.md §4), one translator per stream:
 *   message_start        → id, model and input usage; the role chunk {role:'assistant', content:''} waits for
 *                          the first content, so an error before any content is still retryable (no byte sent)
 *   text_delta           → delta.content
 *   thinking_delta       → delta.reasoning_content (signatures are collected, not streamed)
 *   tool_use block start → a tool call with id/type/name; input_json_delta → its arguments
 *   message_delta        → [delta.thinking_blocks] + the finish chunk + the usage chunk (choices: [])
 *   message_stop         → DONE;  error → UpstreamError;  ping, content_block_stop, unknown → nothing
 */
import {
  DONE,
  parseJsonSafe,
  type StreamItem,
  type StreamTranslator,
  type UpstreamCall,
  UpstreamError,
  type UpstreamEvent,
} from '@switchyard/core';
import type { ChatChunk } from '@switchyard/protocol';
import { streamError } from './errors.js';
import { REASONING_FIELD, THINKING_BLOCKS_FIELD } from './thinking.js';
import { finishReason, toUsage } from './usage.js';
import type { SignedThinking, ThinkingBlock, Usage } from './wire.js';

type Delta = ChatChunk['choices'][number]['delta'];

/** What an Anthropic content block (by its index) turned into. */
type BlockState =
  | { kind: 'text' }
  | { kind: 'tool'; index: number }
  | { kind: 'thinking'; block: ThinkingBlock };

export class AnthropicStreamTranslator implements StreamTranslator {
  private id: string;
  private model: string;
  private readonly created = Math.floor(Date.now() / 1000);
  private started = false;
  private finished = false;
  /** OpenAI tool-call index: counts tool blocks only, not Anthropic's content-block index. */
  private toolCount = 0;
  private readonly blocks = new Map<number, BlockState>();
  private readonly thinking: SignedThinking[] = [];
  private usage: Usage = {};
  private stopReason: string | null = null;

  constructor(call: UpstreamCall) {
    this.id = `chatcmpl-${call.requestId}`;
    this.model = call.model;
  }

  event(ev: UpstreamEvent): StreamItem[] | typeof DONE {
    const data = parseJsonSafe(ev.data);
    if (typeof data !== 'object' || data === null) {
      throw new UpstreamError(502, 'upstream_error', 'Anthropic sent a stream event that is not JSON.', {
        code: 'bad_response',
        retryable: true,
      });
    }
    switch (data.type ?? ev.event) {
      case 'message_start':
        return this.messageStart(data.message ?? {});
      case 'content_block_start':
        return this.blockStart(data.index, data.content_block ?? {});
      case 'content_block_delta':
        return this.blockDelta(data.index, data.delta ?? {});
      case 'message_delta':
        this.stopReason = data.delta?.stop_reason ?? this.stopReason;
        // message_delta.usage is cumulative: it replaces, never adds to, what message_start said.
        this.usage = { ...this.usage, ...data.usage };
        return this.finish();
      case 'message_stop':
        return this.finished ? DONE : this.finish();
      case 'error':
        throw streamError(data);
      default:
        return [];
    }
  }

  /** The body ended. After message_stop nothing is held; without it the answer is cut short. */
  end(): StreamItem[] {
    if (this.finished) return [];
    throw new UpstreamError(502, 'upstream_error', 'The Anthropic stream ended before message_stop.', {
      code: 'stream_truncated',
      retryable: true,
    });
  }

  private messageStart(message: { id?: string; model?: string; usage?: Usage }): StreamItem[] {
    if (message.id) this.id = `chatcmpl-${message.id}`;
    if (message.model) this.model = message.model;
    this.usage = { ...message.usage };
    return [];
  }

  private blockStart(index: number, block: Record<string, any>): StreamItem[] {
    switch (block.type) {
      case 'text':
        this.blocks.set(index, { kind: 'text' });
        return block.text ? this.emit({ content: block.text }) : [];
      case 'tool_use': {
        const toolIndex = this.toolCount++;
        this.blocks.set(index, { kind: 'tool', index: toolIndex });
        return this.emit({
          tool_calls: [
            {
              index: toolIndex,
              id: block.id,
              type: 'function',
              function: { name: block.name, arguments: '' },
            },
          ],
        });
      }
      case 'thinking': {
        const state: ThinkingBlock = {
          type: 'thinking',
          thinking: block.thinking ?? '',
          signature: block.signature ?? '',
        };
        this.blocks.set(index, { kind: 'thinking', block: state });
        this.thinking.push(state);
        return state.thinking ? this.emit({ [REASONING_FIELD]: state.thinking }) : [];
      }
      case 'redacted_thinking':
        this.thinking.push({ type: 'redacted_thinking', data: block.data });
        return [];
      default:
        return [];
    }
  }

  private blockDelta(index: number, delta: Record<string, any>): StreamItem[] {
    const state = this.blocks.get(index);
    switch (delta.type) {
      case 'text_delta':
        return delta.text ? this.emit({ content: delta.text }) : [];
      case 'input_json_delta':
        if (state?.kind !== 'tool' || !delta.partial_json) return [];
        return this.emit({
          tool_calls: [{ index: state.index, function: { arguments: delta.partial_json } }],
        });
      case 'thinking_delta':
        if (state?.kind === 'thinking') state.block.thinking += delta.thinking ?? '';
        return delta.thinking ? this.emit({ [REASONING_FIELD]: delta.thinking }) : [];
      case 'signature_delta':
        if (state?.kind === 'thinking') state.block.signature += delta.signature ?? '';
        return [];
      default:
        return [];
    }
  }

  /** Signed thinking (whole, so an accumulating client can send it back), the finish chunk, the usage chunk. */
  private finish(): StreamItem[] {
    if (this.finished) return [];
    this.finished = true;
    const out = this.open();
    if (this.thinking.length > 0) out.push(this.chunk({ [THINKING_BLOCKS_FIELD]: this.thinking }));
    out.push(this.chunk({}, finishReason(this.stopReason)));
    out.push({
      id: this.id,
      object: 'chat.completion.chunk',
      created: this.created,
      model: this.model,
      choices: [],
      usage: toUsage(this.usage),
    });
    return out;
  }

  /** The role chunk, once, before the first content (or the finish chunk of an empty answer). */
  private open(): ChatChunk[] {
    if (this.started) return [];
    this.started = true;
    return [this.chunk({ role: 'assistant', content: '' })];
  }

  private emit(delta: Delta): StreamItem[] {
    const out: StreamItem[] = this.open();
    out.push(this.chunk(delta));
    return out;
  }

  private chunk(delta: Delta, finish: string | null = null): ChatChunk {
    return {
      id: this.id,
      object: 'chat.completion.chunk',
      created: this.created,
      model: this.model,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    };
  }
}
