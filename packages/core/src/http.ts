/**
 * The HTTP edge (hono): endpoints, body limit, JSON parsing and validation, request ids, client IP.
 * Everything model-related is handed to the Gateway; this file only speaks HTTP.
 */
import type { HttpBindings } from '@hono/node-server';
import { chatRequestSchema, embeddingsRequestSchema, firstIssue } from '@switchyard/protocol';
import { type Handler, Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import * as v from 'valibot';
import { type ClientIpResolver, clientIpResolver } from './client-ip.js';
import type { Operation } from './contract.js';
import { errorBody, errors, type GatewayError, toGatewayError } from './errors.js';
import type { Gateway, Incoming } from './gateway.js';
import { modelCards } from './models.js';
import type { Snapshot } from './snapshot.js';

const SANE_ID = /^[\w.:@-]{1,128}$/;
const schemas = { chat: chatRequestSchema, embeddings: embeddingsRequestSchema } as const;

type Env = { Bindings: HttpBindings; Variables: { incoming: Incoming } };

/** Per-snapshot edge settings, computed once per config load. */
interface EdgeSettings {
  clientIp: ClientIpResolver;
  limit: MiddlewareHandler<Env>;
}
const settingsCache = new WeakMap<Snapshot, EdgeSettings>();

function settings(gateway: Gateway, snap: Snapshot): EdgeSettings {
  let s = settingsCache.get(snap);
  if (!s) {
    const maxSize = snap.config.server.body_limit;
    s = {
      clientIp: clientIpResolver(snap.config.server.trust_proxy),
      limit: bodyLimit({
        maxSize,
        onError: (c) => {
          const res = gateway.reject(c.get('incoming'), errors.tooLarge(maxSize));
          // The rest of the body is never read: tell the client not to reuse this connection.
          res.headers.set('connection', 'close');
          return res;
        },
      }),
    };
    settingsCache.set(snap, s);
  }
  return s;
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

  /** Request id, client IP and the body limit, before the body is read. */
  const admit =
    (operation: Operation): MiddlewareHandler<Env> =>
    (c, next) => {
      const snap = gateway.snapshot;
      const edge = settings(gateway, snap);
      const given = c.req.header('x-request-id');
      c.set('incoming', {
        id: given && SANE_ID.test(given) ? given : crypto.randomUUID(),
        operation,
        path: c.req.path,
        headers: c.req.raw.headers,
        body: {} as Incoming['body'],
        clientIp: edge.clientIp(
          c.env.incoming.socket.remoteAddress ?? '',
          c.req.header('x-forwarded-for') ?? null,
        ),
        signal: c.req.raw.signal,
        startedAt: performance.now(),
      });
      return edge.limit(c, next);
    };

  const model =
    (operation: Operation): Handler<Env> =>
    async (c) => {
      const incoming = c.get('incoming');
      if (gateway.draining)
        return gateway.reject(incoming, errors.unavailable('The gateway is shutting down.'));
      let body: unknown;
      try {
        body = JSON.parse(await c.req.text());
      } catch (err) {
        if ((err as Error)?.name === 'BodyLimitError') throw err; // answered by the body-limit middleware
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

  app.post('/v1/chat/completions', admit('chat'), model('chat'));
  app.post('/v1/embeddings', admit('embeddings'), model('embeddings'));

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
    if (err.name === 'BodyLimitError') return new Response(null, { status: 413 }); // replaced by the middleware
    gateway.log.error({ err: err instanceof Error ? err.message : String(err) }, 'unhandled edge error');
    return jsonError(errors.internal());
  });
  return app;
}
