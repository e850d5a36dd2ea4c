/**
 * The benchmark's upstream: an OpenAI-compatible /v1/chat/completions on 127.0.0.1 that answers every
 * request at once with a fixed, realistic chat.completion (or, when the body asks for `stream: true`, a
 * burst of SSE chunks ending in `data: [DONE]`, one write per event, no delay between them). It is as cheap as node:http allows so that the numbers
 * measure what sits in front of it. Prints `listening on URL` when ready; exits when its stdin closes
 * (the runner died) or on SIGTERM.
 */
import http from 'node:http';
import { completionBody, streamEvents } from './upstream-answers.mjs';

const COMPLETION = Buffer.from(completionBody());
// One buffer per event: each is written on its own, as a real upstream's tokens arrive one by one.
const STREAM = streamEvents({ includeUsage: false }).map((e) => Buffer.from(e));
const STREAM_WITH_USAGE = streamEvents({ includeUsage: true }).map((e) => Buffer.from(e));

function answer(res, raw) {
  let body;
  try {
    body = JSON.parse(raw);
  } catch {
    res.writeHead(400, { 'content-type': 'application/json' });
    res.end('{"error":{"message":"malformed JSON","type":"invalid_request_error","param":null,"code":null}}');
    return;
  }
  if (body.stream === true) {
    const events = body.stream_options?.include_usage ? STREAM_WITH_USAGE : STREAM;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    for (const event of events) res.write(event);
    res.end();
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': COMPLETION.length });
  res.end(COMPLETION);
}

/**
 * POST /collector: the data-sharing sink. It reads and drops the batch: a real collector parses it on
 * its own machine, and parsing a 100-record batch here (milliseconds of JSON.parse) would stall every
 * upstream answer this process owes the gateway, slowing the gateway for a reason that is not its own.
 */
function collect(req, res) {
  req.resume();
  req.on('end', () => {
    res.writeHead(204);
    res.end();
  });
}

const server = http.createServer((req, res) => {
  if (req.method === 'POST' && req.url === '/collector') return collect(req, res);
  if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end('{"error":{"message":"not found","type":"invalid_request_error","param":null,"code":null}}');
    return;
  }
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => answer(res, Buffer.concat(chunks).toString('utf8')));
});
// Load generators and proxies keep connections open; never let node's defaults cut them mid-run.
server.keepAliveTimeout = 60_000;
server.headersTimeout = 65_000;

server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${server.address().port}`);
});
process.stdin.on('close', () => process.exit(0));
process.stdin.resume();
process.once('SIGTERM', () => process.exit(0));
