/** OpenAI media content parts → Gemini `inlineData` / `fileData` parts. */
import { errors } from '@switchyard/core';
import type { GeminiPart } from './gemini-types.js';

const DATA_URL = /^data:([^;,]+)?((?:;[^;,]*)*?),(.*)$/s;

/** Guessed from the URL's extension, because OpenAI image parts do not say what they link to. */
const MIME_BY_EXTENSION: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  heic: 'image/heic',
  heif: 'image/heif',
  pdf: 'application/pdf',
};

/** A data URL becomes inline bytes; an http(s) URL becomes a `fileData` reference Gemini fetches itself. */
export function urlPart(url: string, param: string): GeminiPart {
  const data = DATA_URL.exec(url);
  if (data) {
    const mimeType = data[1] ?? 'application/octet-stream';
    const payload = data[3] ?? '';
    const base64 = /;base64$/i.test(data[2] ?? '')
      ? payload
      : Buffer.from(decodeURIComponent(payload), 'utf8').toString('base64');
    return { inlineData: { mimeType, data: base64 } };
  }
  if (/^https?:\/\//i.test(url)) return { fileData: { mimeType: guessMimeType(url), fileUri: url } };
  throw errors.invalid('Image URLs must be data: URLs or http(s) URLs.', param, 'invalid_image_url');
}

/** Unknown or missing extensions (e.g. Files API URIs) default to JPEG, the most common photo type. */
export function guessMimeType(url: string): string {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    path = url;
  }
  const ext = /\.([a-z0-9]+)$/i.exec(path)?.[1]?.toLowerCase();
  return (ext && MIME_BY_EXTENSION[ext]) || 'image/jpeg';
}

/** `input_audio: {data, format}` → inline audio (`wav` → `audio/wav`, `mp3` → `audio/mp3`). */
export function audioPart(audio: unknown, param: string): GeminiPart {
  const a = audio as { data?: unknown; format?: unknown } | undefined;
  if (typeof a?.data !== 'string' || typeof a.format !== 'string') {
    throw errors.invalid('input_audio needs string `data` and `format`.', param);
  }
  return { inlineData: { mimeType: `audio/${a.format}`, data: a.data } };
}

/** `file: {file_data: <data URL>}` → inline bytes; uploaded OpenAI file ids mean nothing to Gemini. */
export function filePart(file: unknown, param: string): GeminiPart {
  const f = file as { file_data?: unknown } | undefined;
  if (typeof f?.file_data !== 'string' || !f.file_data.startsWith('data:')) {
    throw errors.invalid('Only file parts with a data: URL in `file_data` can be sent to Gemini.', param);
  }
  return urlPart(f.file_data, param);
}
