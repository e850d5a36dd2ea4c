/**
 * Azure's stream quirks, on top of the OpenAI translator. Azure opens every stream with a prelude chunk
 * that has `choices: []`, an empty id and model, and only the prompt's `prompt_filter_results`; with
 * asynchronous content filtering, annotation chunks carry a choice with no `delta`. The prelude is held
 * back and its filter results ride on the next chunk, so clients see OpenAI's shape (every chunk has a
 * choice, the first one has the real id) and the core's usage handling never mistakes it for a usage
 * chunk; choices without `delta` get an empty one.
 */
import { DONE, type StreamItem, type StreamTranslator } from '@switchyard/core';

const NO_CHOICES = /"choices":\s*\[\s*\]/;
const DELTA = /"delta"/;

type Chunk = {
  choices?: Array<{ delta?: object; [key: string]: unknown }>;
  usage?: unknown;
  prompt_filter_results?: unknown;
  [key: string]: unknown;
};

export function azureStream(inner: StreamTranslator): StreamTranslator {
  let promptFilter: unknown;

  function fix(item: StreamItem): StreamItem | undefined {
    // The common case, an ordinary chunk, is forwarded as the upstream's own text.
    if (typeof item === 'string' && promptFilter === undefined && !NO_CHOICES.test(item) && DELTA.test(item))
      return item;
    const chunk = (typeof item === 'string' ? JSON.parse(item) : item) as Chunk;
    const choices = chunk.choices ?? [];
    if (choices.length === 0) {
      if (chunk.usage) return item; // the usage chunk the core expects
      promptFilter = chunk.prompt_filter_results ?? promptFilter;
      return undefined;
    }
    if (promptFilter !== undefined) {
      chunk.prompt_filter_results ??= promptFilter;
      promptFilter = undefined;
    }
    for (const choice of choices) choice.delta ??= {};
    return chunk as StreamItem;
  }

  const fixAll = (items: StreamItem[]) =>
    items.map(fix).filter((item): item is StreamItem => item !== undefined);

  return {
    event(ev) {
      const out = inner.event(ev);
      return out === DONE ? DONE : fixAll(out);
    },
    end: () => fixAll(inner.end()),
  };
}
