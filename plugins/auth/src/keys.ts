/**
 * The key table: every configured key as the SHA-256 digest of its text, checked in constant time.
 * A presented credential is hashed once and compared with every key's digest (no early exit), so the
 * time taken says nothing about which key matched or how close a guess came.
 *
 * A credential that matched is remembered by its text, so a known caller costs one map lookup instead
 * of a hash (~3 µs) on every request. The map holds at most one entry per configured key (only
 * matches are kept, and only exact text matches a digest) and lives as long as this config. A miss
 * still takes the constant-time path; the map lookup before it depends on the presented text only
 * through V8's string hash, never on how close the text is to a key.
 */
import { hash, timingSafeEqual } from 'node:crypto';
import type { HeaderReader, Principal } from '@switchyard/core';

export interface KeyConfig {
  name: string;
  key_sha256?: string;
  key?: string;
  models?: string[];
  routes?: string[];
}

interface Entry {
  digest: Buffer;
  principal: Principal;
}

/** One-shot hashing (no Hash object per request). */
export const sha256 = (text: string): Buffer => hash('sha256', text, 'buffer');

export class KeyTable {
  private readonly entries: Entry[];
  private readonly known = new Map<string, Principal>();

  constructor(keys: readonly KeyConfig[]) {
    this.entries = keys.map((k) => ({
      digest: k.key_sha256 ? Buffer.from(k.key_sha256, 'hex') : sha256(k.key!),
      // Frozen arrays: the core compiles each principal's globs once and caches them by identity.
      principal: Object.freeze({
        name: k.name,
        ...(k.models ? { models: Object.freeze([...k.models]) } : {}),
        ...(k.routes ? { routes: Object.freeze([...k.routes]) } : {}),
      }),
    }));
  }

  /** The principal whose key is `presented`, or undefined. */
  find(presented: string): Principal | undefined {
    const known = this.known.get(presented);
    if (known) return known;
    const digest = sha256(presented);
    let found: Principal | undefined;
    for (const entry of this.entries) {
      if (timingSafeEqual(entry.digest, digest) && !found) found = entry.principal;
    }
    if (found && this.known.size < this.entries.length) this.known.set(presented, found);
    return found;
  }
}

/**
 * The credential a client sent: `Authorization: Bearer <key>`, else `x-api-key: <key>` (the Anthropic
 * SDK's header). An Authorization header with another scheme does not count as a key.
 */
export function presentedKey(headers: HeaderReader): string | undefined {
  const auth = headers.get('authorization');
  if (auth) {
    const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(auth);
    if (m) return m[1];
  }
  const apiKey = headers.get('x-api-key')?.trim();
  return apiKey || undefined;
}
