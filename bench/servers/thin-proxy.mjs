/**
 * The floor: the least a proxy in front of the upstream must do. node:http in, parse the JSON body,
 * rewrite the model (as a route does), forward with the same client the gateway uses (an undici Pool:
 * keep-alive, unbounded connections), and pass the answer back as it arrives (JSON or SSE). Nothing
 * else: no validation, no routing, no metrics, no error shaping. The gateway / proxy throughput ratio
 * is therefore the cost of everything the gateway adds.
 *
 * Env: UPSTREAM_URL (origin of the mock upstream), TARGET_MODEL, PORT (default: any free port).
 */
import http from 'node:http';
import { pipeline } from 'node:stream';
import { Pool } from 'undici';

const upstream = new Pool(process.env.UPSTREAM_URL, {
  keepAliveTimeout: 30_000,
  headersTimeout: 0,
  bodyTimeout: 0,
});
const targetModel = process.env.TARGET_MODEL ?? 'gpt-4o-mini';

function fail(res, status, message) {
  if (res.headersSent) return res.destroy();
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ error: { message, type: 'proxy_error', param: null, code: null } }));
}

async function forward(req, res, raw) {
  let body;
  try {
    body = JSON.parse(raw);
  } catch {
    return fail(res, 400, 'malformed JSON');
  }
  body.model = targetModel;
  // The client leaving aborts the upstream call, as the gateway does.
  const abort = new AbortController();
  res.on('close', () => abort.abort());
  try {
    const answer = await upstream.request({
      path: req.url,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: abort.signal,
    });
    res.writeHead(answer.statusCode, {
      'content-type': answer.headers['content-type'] ?? 'application/json',
    });
    pipeline(answer.body, res, () => {});
  } catch (err) {
    fail(res, 502, `upstream: ${err.message}`);
  }
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => void forward(req, res, Buffer.concat(chunks).toString('utf8')));
});
server.keepAliveTimeout = 60_000;
server.headersTimeout = 65_000;

server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${server.address().port}`);
});
process.stdin.on('close', () => process.exit(0));
process.stdin.resume();
process.once('SIGTERM', () => process.exit(0));
