/**
 * The HTTP edge (hono): endpoints, body limit, JSON parsing and validation, request ids, client IP.
 * Everything model-related is handed to the Gateway; this file only speaks HTTP.
 */

import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { HttpBindings } from '@hono/node-server';
import { chatRequestSchema, embeddingsRequestSchema, firstIssue } from '@switchyard/protocol';
import { type Handler, Hono } from 'hono';
import * as v from 'valibot';
import { Abort } from './abort.js';
import { type ClientIpResolver, clientIpResolver } from './client-ip.js';
import type { HeaderReader, Operation } from './contract.js';
import { errorBody, errors, type GatewayError, toGatewayError } from './errors.js';
import type { Gateway, Incoming } from './gateway.js';
import { modelCards } from './models.js';
import type { Snapshot } from './snapshot.js';

const SANE_ID = /^[\w.:@-]{1,128}$/;
const schemas = { chat: chatRequestSchema, embeddings: embeddingsRequestSchema } as const;

type Env = { Bindings: HttpBindings };

/** Per-snapshot edge settings, computed once per config load. */
const clientIps = new WeakMap<Snapshot, ClientIpResolver>();
function clientIpOf(snap: Snapshot): ClientIpResolver {
  let resolve = clientIps.get(snap);
  if (!resolve) {
    resolve = clientIpResolver(snap.config.server.trust_proxy);
    clientIps.set(snap, resolve);
  }
  return resolve;
}

/** A Headers-like view over node's already lower-cased header object: no web Headers per request. */
function headerView(raw: IncomingHttpHeaders): HeaderReader {
  const get = (name: string) => {
    const value = raw[name] ?? raw[name.toLowerCase()];
    return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
  };
  return { get, has: (name) => get(name) !== null };
}

/**
 * The request body as text, read straight from node's stream (the web Request body costs ~5% CPU per
 * request in stream adapters); undefined once it passes `limit` bytes (declared or counted).
 */
function readBody(req: IncomingMessage, limit: number): Promise<string | undefined> {
  if (Number(req.headers['content-length']) > limit) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
      else {
        req.off('data', onData);
        resolve(undefined);
      }
    };
    req.on('data', onData);
    req.once('end', () =>
      resolve(chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8')),
    );
    req.once('error', reject);
  });
}

/** Aborted when the client goes away before its answer was fully written. */
function clientAbort(res: ServerResponse): Abort {
  const abort = new Abort();
  res.once('close', () => {
    if (!res.writableFinished) abort.abort(new Error('client closed the request'));
  });
  return abort;
}

function jsonError(err: GatewayError, requestId?: string): Response {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (requestId) headers['x-switchyard-request-id'] = requestId;
  return new Response(JSON.stringify(errorBody(err)), { status: err.status, headers });
}

export interface AppOptions {
  version: string;
  startedAt?: number;
}

export function createApp(gateway: Gateway, options: AppOptions): Hono<Env> {
  const app = new Hono<Env>();
  const bootedAt = options.startedAt ?? Date.now();

  app.get('/health', (c) =>
    c.json({ status: 'ok', version: options.version, uptime_s: Math.round((Date.now() - bootedAt) / 1000) }),
  );
  app.get('/ready', (c) =>
    gateway.draining ? c.json({ status: 'draining' }, 503) : c.json({ status: 'ready' }, 200),
  );

  const model =
    (operation: Operation): Handler<Env> =>
    async (c) => {
      const snap = gateway.snapshot;
      const { incoming: req, outgoing: res } = c.env;
      const headers = headerView(req.headers);
      const given = headers.get('x-request-id');
      const incoming: Incoming = {
        id: given && SANE_ID.test(given) ? given : crypto.randomUUID(),
        operation,
        path: c.req.path,
        headers,
        body: {} as Incoming['body'],
        clientIp: clientIpOf(snap)(req.socket.remoteAddress ?? '', headers.get('x-forwarded-for')),
        signal: clientAbort(res),
        startedAt: performance.now(),
      };
      if (gateway.draining)
        return gateway.reject(incoming, errors.unavailable('The gateway is shutting down.'));
      const limit = snap.config.server.body_limit;
      const text = await readBody(req, limit);
      if (text === undefined) {
        const refused = gateway.reject(incoming, errors.tooLarge(limit));
        // The rest of the body is never read: the client must not reuse this connection.
        refused.headers.set('connection', 'close');
        return refused;
      }
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        return gateway.reject(
          incoming,
          errors.invalid('The request body is not valid JSON.', null, 'invalid_json'),
        );
      }
      if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        return gateway.reject(
          incoming,
          errors.invalid('The request body must be a JSON object.', null, 'invalid_json'),
        );
      }
      incoming.body = body as Incoming['body'];
      const checked = v.safeParse(schemas[operation], body);
      if (!checked.success) {
        const { param, message } = firstIssue(checked.issues);
        return gateway.reject(incoming, errors.invalid(message, param, 'invalid_value'));
      }
      return gateway.handle(incoming);
    };

  app.post('/v1/chat/completions', model('chat'));
  app.post('/v1/embeddings', model('embeddings'));

  app.get('/v1/models', (c) => c.json({ object: 'list', data: modelCards(gateway.snapshot) }));
  app.get('/v1/models/*', (c) => {
    const id = decodeURIComponent(c.req.path.slice('/v1/models/'.length));
    const card = modelCards(gateway.snapshot).find((m) => m.id === id);
    return card ? c.json(card) : jsonError(errors.modelNotFound(id));
  });

  // Plugin endpoints (e.g. GET /metrics) come from the current snapshot; anything else is a JSON 404.
  // The onEndpoint guard (e.g. the auth plugin) may refuse them first.
  app.all('*', async (c) => {
    const snap = gateway.snapshot;
    const endpoint = `${c.req.method} ${c.req.path}`;
    const handler = snap.endpoints.get(endpoint);
    if (handler) {
      if (snap.hooks.has('onEndpoint')) {
        try {
          const refused = await snap.hooks.guard('onEndpoint', c.req.raw, endpoint);
          if (refused) return refused;
        } catch (err) {
          return jsonError(toGatewayError(err));
        }
      }
      return handler(c.req.raw);
    }
    return jsonError(errors.notFound(`Unknown path: ${c.req.method} ${c.req.path}`));
  });

  app.onError((err) => {
    gateway.log.error({ err: err instanceof Error ? err.message : String(err) }, 'unhandled edge error');
    return jsonError(errors.internal());
  });
  return app;
}
