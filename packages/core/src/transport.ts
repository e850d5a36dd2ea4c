/**
 * The default transport: one undici Pool (keep-alive, unbounded connections) per provider origin.
 * Never the global fetch: it costs ~4x more CPU per request (design/STACK-NOTES.md).
 */
import { Pool } from 'undici';
import type { Transport, UpstreamHttpResponse } from './contract.js';

export interface PooledTransport {
  readonly key: string;
  readonly send: Transport;
  close(): Promise<void>;
}

export function undiciTransport(baseUrl: string, connectTimeoutMs: number): PooledTransport {
  const origin = new URL(baseUrl).origin;
  const pool = new Pool(origin, {
    connect: { timeout: connectTimeoutMs },
    keepAliveTimeout: 30_000,
    // The core enforces first_token / idle / total with its own abort signals.
    headersTimeout: 0,
    bodyTimeout: 0,
  });
  const send: Transport = async (req, signal) => {
    const res = await pool.request({
      origin,
      path: req.path,
      method: req.method,
      headers: req.headers,
      body: req.body,
      // undici accepts any EventTarget-like signal (see abort.ts for why it is not an AbortSignal).
      signal: signal as AbortSignal,
    });
    return {
      status: res.statusCode,
      headers: res.headers as UpstreamHttpResponse['headers'],
      body: res.body,
    };
  };
  return { key: transportKey(baseUrl, connectTimeoutMs), send, close: () => pool.close() };
}

export function transportKey(baseUrl: string, connectTimeoutMs: number): string {
  return `${new URL(baseUrl).origin}|${connectTimeoutMs}`;
}
