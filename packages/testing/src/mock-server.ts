/**
 * A scriptable upstream on 127.0.0.1 for tests and benchmarks: status codes, headers, delays before
 * headers / before the first byte / between chunks, dropped connections, and call recording.
 * Provider mocks (./mocks/*) build replies in each provider's wire format on top of it.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface MockRequest {
  method: string;
  /** Path with query, e.g. `/v1beta/models/x:streamGenerateContent?alt=sse`. */
  path: string;
  url: URL;
  headers: Record<string, string>;
  body: string;
  /** The body parsed as JSON, when it is JSON. */
  json: any;
}

export interface MockReply {
  status?: number;
  headers?: Record<string, string>;
  /** A JSON value (serialized) or raw text / bytes sent at once. */
  body?: unknown;
  /** Pieces sent one by one (already framed: SSE text, binary event-stream frames, ...). */
  chunks?: Array<string | Uint8Array>;
  delayHeadersMs?: number;
  /** After the headers, before the first chunk. */
  delayFirstByteMs?: number;
  chunkIntervalMs?: number;
  /** Destroy the connection after this many chunks (a cut stream). */
  dropAfterChunks?: number;
  /** Destroy the connection without answering. */
  drop?: boolean;
}

export type MockHandler = (req: MockRequest) => MockReply | Promise<MockReply>;

export interface RecordedCall extends MockRequest {
  /** Arrival time (performance.now()). */
  at: number;
  /** Resolves with performance.now() when the client's connection closed. */
  closed: Promise<number>;
  /** True when the client went away before the reply was complete. */
  aborted: boolean;
}

export interface MockServer {
  readonly url: string;
  readonly port: number;
  readonly calls: RecordedCall[];
  /** Requests being answered right now, and the most seen at once. */
  readonly inflight: number;
  readonly maxInflight: number;
  /** Replace the default handler. */
  setHandler(handler: MockHandler): void;
  /** Script the next answers, served in order before the default handler. */
  enqueue(...replies: Array<MockReply | MockHandler>): void;
  reset(): void;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startMockServer(
  handler: MockHandler = () => ({ status: 404, body: { error: 'no handler' } }),
  port = 0,
): Promise<MockServer> {
  let current = handler;
  const queue: Array<MockReply | MockHandler> = [];
  const calls: RecordedCall[] = [];
  let inflight = 0;
  let maxInflight = 0;

  const server: Server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    inflight++;
    maxInflight = Math.max(maxInflight, inflight);
    const at = performance.now();
    const parts: Buffer[] = [];
    for await (const part of req) parts.push(part as Buffer);
    const body = Buffer.concat(parts).toString('utf8');
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers))
      headers[k] = Array.isArray(v) ? v.join(', ') : String(v);
    let json: any;
    try {
      json = body ? JSON.parse(body) : undefined;
    } catch {
      json = undefined;
    }
    const path = req.url ?? '/';
    const call: RecordedCall = {
      method: req.method ?? 'GET',
      path,
      url: new URL(path, 'http://127.0.0.1'),
      headers,
      body,
      json,
      at,
      aborted: false,
      closed: new Promise((resolve) => res.once('close', () => resolve(performance.now()))),
    };
    res.once('close', () => {
      inflight--;
      if (!res.writableFinished) call.aborted = true;
    });
    calls.push(call);
    try {
      const next = queue.shift() ?? current;
      const reply = typeof next === 'function' ? await next(call) : next;
      await send(res, reply);
    } catch (err) {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: String(err), type: 'mock_error' } }));
    }
  });
  server.keepAliveTimeout = 30_000;
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  const actualPort = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${actualPort}`,
    port: actualPort,
    calls,
    get inflight() {
      return inflight;
    },
    get maxInflight() {
      return maxInflight;
    },
    setHandler: (h) => {
      current = h;
    },
    enqueue: (...replies) => {
      queue.push(...replies);
    },
    reset: () => {
      queue.length = 0;
      calls.length = 0;
      maxInflight = inflight;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function send(res: ServerResponse, reply: MockReply): Promise<void> {
  if (reply.delayHeadersMs) await sleep(reply.delayHeadersMs);
  if (res.destroyed) return;
  if (reply.drop) {
    res.socket?.destroy();
    return;
  }
  const headers = { ...reply.headers };
  const streaming = reply.chunks !== undefined;
  let payload: string | Uint8Array | undefined;
  if (!streaming && reply.body !== undefined) {
    payload =
      typeof reply.body === 'string' || reply.body instanceof Uint8Array
        ? reply.body
        : JSON.stringify(reply.body);
    headers['content-type'] ??= typeof reply.body === 'object' ? 'application/json' : 'text/plain';
  }
  if (streaming) headers['content-type'] ??= 'text/event-stream';
  res.writeHead(reply.status ?? 200, headers);
  if (!streaming) {
    if (reply.delayFirstByteMs) {
      res.flushHeaders();
      await sleep(reply.delayFirstByteMs);
    }
    res.end(payload);
    return;
  }
  res.flushHeaders();
  if (reply.delayFirstByteMs) await sleep(reply.delayFirstByteMs);
  let sent = 0;
  for (const chunk of reply.chunks!) {
    if (res.destroyed) return;
    if (reply.dropAfterChunks !== undefined && sent >= reply.dropAfterChunks) {
      res.socket?.destroy();
      return;
    }
    if (sent > 0 && reply.chunkIntervalMs) await sleep(reply.chunkIntervalMs);
    if (res.destroyed) return;
    // Wait for each write to reach the socket, so a drop after N chunks never loses chunk N.
    await new Promise<void>((resolve) => res.write(chunk, () => resolve()));
    sent++;
  }
  if (reply.dropAfterChunks !== undefined && sent >= reply.dropAfterChunks) {
    res.socket?.destroy();
    return;
  }
  res.end();
}
