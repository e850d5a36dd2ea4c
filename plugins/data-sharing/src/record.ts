/**
 * Request records and the batch payload (schema `switchyard.records.v1`, docs/observability.md). A
 * pending record holds the request summary plus, when sharing is on, references to the prompt and the
 * answer and the caller's own credential (to redact it if it was pasted into the prompt); `encode` turns
 * pending records into JSON, applying the current sharing switches and redaction.
 */
import type { RequestSummary } from '@switchyard/accounting';
import { choicesOf, type SharedChoice } from './capture.js';
import type { Redactor } from './redact.js';

export const BATCH_SCHEMA = 'switchyard.records.v1';

export interface Pending {
  /** Arrival time, epoch ms. */
  at: number;
  summary: RequestSummary;
  /** Chat messages or embeddings input, as the client sent them. */
  prompt?: unknown;
  /** A JSON answer's body or text, or a stream's assembled choices. */
  answer?: { body?: unknown; raw?: string } | { choices: SharedChoice[] };
  /** The caller's credential values, redacted wherever they appear; never exported. */
  credentials?: string[];
}

export interface SharedRecord extends RequestSummary {
  /** Arrival time, ISO 8601. */
  time: string;
  prompt?: unknown;
  response?: { choices: SharedChoice[] };
}

function responseOf(answer: Pending['answer']): { choices: SharedChoice[] } | undefined {
  if (!answer) return undefined;
  if ('choices' in answer) return { choices: answer.choices };
  let body = answer.body;
  if (body === undefined && answer.raw !== undefined) {
    try {
      body = JSON.parse(answer.raw);
    } catch {
      return undefined;
    }
  }
  const choices = choicesOf(body);
  return choices ? { choices } : undefined;
}

export interface Sharing {
  prompts: boolean;
  responses: boolean;
  redactor: Redactor;
}

export function toRecord(p: Pending, sharing: Sharing): SharedRecord {
  const record: SharedRecord = { time: isoTime(p.at), ...p.summary };
  if (sharing.prompts && p.prompt !== undefined)
    record.prompt = sharing.redactor.apply(p.prompt, p.credentials);
  if (sharing.responses) {
    const response = responseOf(p.answer);
    if (response) record.response = sharing.redactor.apply(response, p.credentials);
  }
  return record;
}

/**
 * A metrics-only record, encoded when it is queued: toRecord's output for a summary alone, built from
 * the summary's JSON text (a string is cheaper to keep until the batch leaves than an object graph).
 */
export function summaryRecord(at: number, summaryText: string): string {
  return `{"time":"${isoTime(at)}",${summaryText.slice(1)}`;
}

let second = Number.NaN;
let secondText = '';

/**
 * `new Date(at).toISOString()` for the years 1970 to 9999. Records arrive thousands a second and
 * toISOString costs ~0.7 µs, so the text up to the second is reused while the second lasts.
 */
export function isoTime(at: number): string {
  const ms = Math.floor(at);
  const s = Math.floor(ms / 1000);
  if (s !== second) {
    second = s;
    secondText = new Date(s * 1000).toISOString().slice(0, 20); // 2026-11-25T08:09:58.
  }
  const milli = ms - s * 1000;
  return `${secondText}${milli < 10 ? '00' : milli < 100 ? '0' : ''}${milli}Z`;
}

/** Records are Pending (encoded here, under the current switches) or already encoded (summaryRecord). */
export function encodeBatch(
  items: readonly (Pending | string)[],
  droppedTotal: number,
  sharing: Sharing,
): string {
  const records = items.map((p) => (typeof p === 'string' ? p : JSON.stringify(toRecord(p, sharing))));
  const head = JSON.stringify({
    schema: BATCH_SCHEMA,
    sent_at: new Date().toISOString(),
    dropped_total: droppedTotal,
  });
  return `${head.slice(0, -1)},"records":[${records.join(',')}]}`;
}
