/** Shared helpers of the resilience tests: one request through the gateway, timed, and metric lines. */
import type { TestGateway } from '@switchyard/testing';
import { request } from 'undici';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Answer {
  status: number;
  headers: Record<string, string>;
  text: string;
  json: any;
  /** Milliseconds from sending to the end of the body. */
  ms: number;
}

export async function chat(
  gw: TestGateway,
  model: string,
  options: { stream?: boolean; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const started = performance.now();
  const res = await request(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...options.headers },
    body: JSON.stringify({
      model,
      stream: options.stream ?? false,
      messages: [{ role: 'user', content: 'hi' }],
    }),
  });
  const text = await res.body.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return {
    status: res.statusCode,
    headers: res.headers as Record<string, string>,
    text,
    json,
    ms: performance.now() - started,
  };
}

/** The value of one Prometheus series (labels in any order), or undefined when absent. */
export async function metric(
  gw: TestGateway,
  name: string,
  labels: Record<string, string> = {},
): Promise<number | undefined> {
  const res = await request(`${gw.url}/metrics`);
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of (await res.body.text()).split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (wanted.every((w) => line.includes(w))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

/** SSE `data:` payloads of a stream body, in order. */
export const events = (text: string) =>
  text
    .split('\n\n')
    .map((e) => e.trim())
    .filter((e) => e.startsWith('data: '))
    .map((e) => e.slice(6));
