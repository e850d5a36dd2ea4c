/** OpenAI message content (a string or parts) → Anthropic content blocks. */
import { errors } from '@switchyard/core';
import type { ChatMessage } from '@switchyard/protocol';
import type { Base64Source, DocumentBlock, ImageBlock, ImageSource, TextBlock } from './wire.js';

export type InputBlock = TextBlock | ImageBlock | DocumentBlock;

/**
 * User and tool content. Empty text is left out (Anthropic rejects empty text blocks); a part's
 * `cache_control` is kept so clients can mark prompt-cache breakpoints.
 */
export function inputBlocks(content: ChatMessage['content'], param: string): InputBlock[] {
  if (content === undefined || content === null) return [];
  if (typeof content === 'string') return content ? [{ type: 'text', text: content }] : [];
  if (!Array.isArray(content)) throw errors.invalid('content must be a string or an array of parts.', param);
  const out: InputBlock[] = [];
  content.forEach((part, i) => {
    const block = partBlock(part as Record<string, any>, `${param}[${i}]`);
    if (block) out.push(block);
  });
  return out;
}

/** Text only (system prompts and assistant turns): the parts' texts, in order. */
export function textBlocks(content: ChatMessage['content'], param: string): TextBlock[] {
  return inputBlocks(content, param).map((block, i) => {
    if (block.type !== 'text') throw errors.invalid('Only text parts are allowed here.', `${param}[${i}]`);
    return block;
  });
}

function partBlock(part: Record<string, any>, param: string): InputBlock | undefined {
  switch (part?.type) {
    case 'text': {
      if (typeof part.text !== 'string') throw errors.invalid('A text part needs a string `text`.', param);
      if (!part.text) return undefined;
      const block: TextBlock = { type: 'text', text: part.text };
      if (part.cache_control) block.cache_control = part.cache_control;
      return block;
    }
    case 'image_url':
      return { type: 'image', source: imageSource(part.image_url?.url, `${param}.image_url.url`) };
    case 'file':
      return { type: 'document', source: pdfSource(part.file?.file_data, `${param}.file.file_data`) };
    case 'refusal':
      // An earlier refusal the client echoes back carries nothing the model needs.
      return undefined;
    default:
      throw errors.invalid(
        `Content part type '${part?.type}' is not supported by the anthropic provider.`,
        param,
      );
  }
}

/** `data:` URLs become base64 sources, http(s) URLs url sources (Anthropic fetches them itself). */
function imageSource(url: unknown, param: string): ImageSource {
  if (typeof url !== 'string') throw errors.invalid('image_url.url must be a string.', param);
  if (url.startsWith('data:')) return dataUrlSource(url, param);
  if (/^https?:\/\//i.test(url)) return { type: 'url', url };
  throw errors.invalid('Image URLs must be https:// or data: URLs.', param);
}

function pdfSource(fileData: unknown, param: string): Base64Source {
  const source = typeof fileData === 'string' ? dataUrlSource(fileData, param) : undefined;
  if (source?.media_type !== 'application/pdf') {
    throw errors.invalid('Only PDF files given inline as a data: URL are supported.', param);
  }
  return source;
}

function dataUrlSource(url: string, param: string): Base64Source {
  const match = /^data:([^;,]+)((?:;[^;,]*)*),(.*)$/s.exec(url);
  if (!match) throw errors.invalid('Malformed data: URL.', param);
  const [, mediaType, flags, payload] = match;
  const base64 = flags!.split(';').includes('base64');
  const data = base64 ? payload! : Buffer.from(decodeURIComponent(payload!), 'utf8').toString('base64');
  return { type: 'base64', media_type: mediaType!.toLowerCase(), data };
}
