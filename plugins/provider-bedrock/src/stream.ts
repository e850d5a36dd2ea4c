/**
 * ConverseStream events → OpenAI chunks (wire/mapping.md §4). Payloads are the event members themselves
 * (`{delta, contentBlockIndex}`), padded with a `p` field that is ignored. Usage arrives in `metadata`
 * after `messageStop`, so the finish chunk goes out at messageStop and a `choices: []` usage chunk after it.
 */
import {
  type StreamItem,
  type StreamTranslator,
  type UpstreamCall,
  UpstreamError,
  type UpstreamEvent,
} from '@switchyard/core';
import type { ChatChunk } from '@switchyard/protocol';
import { streamException } from './errors.js';
import { finishReason, toUsage } from './finish.js';
import { jsonModeTool } from './request.js';
import { completionId, type ThinkingBlock } from './response.js';

type Delta = ChatChunk['choices'][number]['delta'];

/** What a content block index turned out to be. */
type Block =
  | { kind: 'tool'; index: number }
  | { kind: 'json' }
  | { kind: 'reasoning'; text: string; signature?: string; redacted?: string };

export class ConverseStreamTranslator implements StreamTranslator {
  private readonly id: string;
  private readonly created = Math.floor(Date.now() / 1000);
  private readonly model: string;
  private readonly jsonTool: string | undefined;
  private readonly blocks = new Map<number, Block>();
  private started = false;
  private stopped = false;
  private toolCalls = 0;
  private answeredAsJson = false;

  constructor(call: UpstreamCall) {
    this.id = completionId(call);
    this.model = call.model;
    this.jsonTool = jsonModeTool(call.body)?.name;
  }

  event(ev: UpstreamEvent): StreamItem[] {
    const kind = 'headers' in ev ? ev.headers?.[':message-type'] : undefined;
    if (kind === 'exception' || kind === 'error') {
      const headers = (ev as { headers?: Record<string, string> }).headers;
      throw streamException(
        ev.event ?? 'unknown',
        ev.data || JSON.stringify({ message: headers?.[':error-message'] }),
      );
    }
    const payload = parse(ev.data);
    switch (ev.event) {
      case 'messageStart':
        return this.start();
      case 'contentBlockStart':
        return this.blockStart(payload);
      case 'contentBlockDelta':
        return this.blockDelta(payload);
      case 'contentBlockStop':
        return this.blockStop(payload);
      case 'messageStop':
        return this.messageStop(payload);
      case 'metadata':
        return [{ ...this.chunk({}, null), choices: [], usage: toUsage(payload.usage) }];
      default:
        return []; // events added to the API later are skipped, not fatal
    }
  }

  end(): StreamItem[] {
    if (!this.stopped) {
      throw new UpstreamError(502, 'upstream_error', 'Bedrock stream ended before messageStop.', {
        code: 'incomplete_stream',
        retryable: true,
      });
    }
    return [];
  }

  private chunk(delta: Delta, finish: ChatChunk['choices'][number]['finish_reason']): ChatChunk {
    return {
      id: this.id,
      object: 'chat.completion.chunk',
      created: this.created,
      model: this.model,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    };
  }

  /** The role chunk, once, before anything else (text blocks may come without a messageStart). */
  private start(): ChatChunk[] {
    if (this.started) return [];
    this.started = true;
    return [this.chunk({ role: 'assistant', content: '' }, null)];
  }

  private blockStart(p: any): ChatChunk[] {
    const toolUse = p.start?.toolUse;
    if (!toolUse) return this.start();
    if (toolUse.name === this.jsonTool) {
      this.blocks.set(p.contentBlockIndex, { kind: 'json' });
      this.answeredAsJson = true;
      return this.start();
    }
    const index = this.toolCalls++;
    this.blocks.set(p.contentBlockIndex, { kind: 'tool', index });
    return [
      ...this.start(),
      this.chunk(
        {
          tool_calls: [
            {
              index,
              id: toolUse.toolUseId,
              type: 'function',
              function: { name: toolUse.name, arguments: '' },
            },
          ],
        },
        null,
      ),
    ];
  }

  private blockDelta(p: any): ChatChunk[] {
    const delta = p.delta ?? {};
    const out = this.start();
    const block = this.blocks.get(p.contentBlockIndex);
    if (typeof delta.text === 'string' && delta.text) out.push(this.chunk({ content: delta.text }, null));
    else if (typeof delta.toolUse?.input === 'string' && delta.toolUse.input && block) {
      const fragment = delta.toolUse.input;
      if (block.kind === 'json') out.push(this.chunk({ content: fragment }, null));
      else if (block.kind === 'tool')
        out.push(
          this.chunk({ tool_calls: [{ index: block.index, function: { arguments: fragment } }] }, null),
        );
    } else if (delta.reasoningContent)
      out.push(...this.reasoning(p.contentBlockIndex, delta.reasoningContent));
    return out;
  }

  /** Reasoning text streams as `reasoning_content`; the whole signed block follows at its end. */
  private reasoning(
    index: number,
    r: { text?: string; signature?: string; redactedContent?: string },
  ): ChatChunk[] {
    let block = this.blocks.get(index);
    if (block?.kind !== 'reasoning') {
      block = { kind: 'reasoning', text: '' };
      this.blocks.set(index, block);
    }
    if (typeof r.signature === 'string') block.signature = r.signature;
    if (typeof r.redactedContent === 'string') block.redacted = r.redactedContent;
    if (typeof r.text === 'string' && r.text) {
      block.text += r.text;
      return [this.chunk({ reasoning_content: r.text }, null)];
    }
    return [];
  }

  private blockStop(p: any): ChatChunk[] {
    const block = this.blocks.get(p.contentBlockIndex);
    if (block?.kind !== 'reasoning') return [];
    const thinking: ThinkingBlock =
      block.redacted !== undefined
        ? { type: 'redacted_thinking', data: block.redacted }
        : block.signature !== undefined
          ? { type: 'thinking', thinking: block.text, signature: block.signature }
          : { type: 'thinking', thinking: block.text };
    return [this.chunk({ thinking_blocks: [thinking] }, null)];
  }

  private messageStop(p: any): ChatChunk[] {
    const finish = finishReason(p.stopReason, this.answeredAsJson && this.toolCalls === 0);
    this.stopped = true;
    return [...this.start(), this.chunk({}, finish)];
  }
}

function parse(data: string): any {
  try {
    return data ? JSON.parse(data) : {};
  } catch {
    throw new UpstreamError(502, 'upstream_error', 'Bedrock sent a stream event that is not JSON.', {
      code: 'bad_response',
      retryable: true,
    });
  }
}
