/**
 * Synthetic tool-call ids. Gemini's function calls carry no id, and the `thoughtSignature` Gemini attaches
 * to a function call must come back on that call in the next request, which a strict OpenAI client cannot
 * do: it only echoes `tool_calls[].id`. So the signature travels inside the id itself:
 *
 *   call_<16 hex>                      a call without a signature
 *   call_<16 hex>_ts_<base64url>       the signature's bytes (it is base64 on the wire), re-encoded URL-safe
 *   call_<16 hex>_tx_<base64url>       fallback for a signature that is not canonical base64: its UTF-8 text
 *
 * Stateless on purpose: any gateway replica, or one restarted in between, can read it back, and no memory
 * grows with traffic. Ids stay within `[A-Za-z0-9_-]`, the alphabet Anthropic and Bedrock accept.
 * The cost is length: the id grows by about the signature's size.
 */
import { createHash } from 'node:crypto';

const PATTERN = /^call_[0-9a-f]{16}_(ts|tx)_([A-Za-z0-9_-]+)$/;

/** A stable id for call `callIndex` of candidate `candidate` in request `requestId`. */
export function toolCallId(
  requestId: string,
  candidate: number,
  callIndex: number,
  signature?: string,
): string {
  const base = createHash('sha256')
    .update(`${requestId}:${candidate}:${callIndex}`)
    .digest('hex')
    .slice(0, 16);
  const id = `call_${base}`;
  if (!signature) return id;
  const bytes = Buffer.from(signature, 'base64');
  if (bytes.toString('base64') === signature) return `${id}_ts_${bytes.toString('base64url')}`;
  return `${id}_tx_${Buffer.from(signature, 'utf8').toString('base64url')}`;
}

/** The thoughtSignature stashed in an id made by `toolCallId`, if any (ids from elsewhere have none). */
export function signatureFromId(id: string): string | undefined {
  const m = PATTERN.exec(id);
  if (!m) return undefined;
  const bytes = Buffer.from(m[2]!, 'base64url');
  return m[1] === 'ts' ? bytes.toString('base64') : bytes.toString('utf8');
}
