/**
 * The benchmark's scenarios: a gateway config in ./configs and the workload sent to it. To add one,
 * add its YAML file (use ${BENCH_UPSTREAM_URL} for the upstream and port 0) and one line here; then
 * `pnpm bench --scenarios kernel,NAME` measures both side by side in the same run.
 *
 * `request` (optional): `stream: true` asks for SSE answers; `headers` are sent with every request
 * (e.g. a gateway key); `uniqueBodies: true` makes every body different (a cache that never hits).
 * The thin proxy is measured once per distinct workload, with the same requests.
 */
export const SCENARIOS = {
  kernel: { config: 'kernel.yaml', about: 'router + metrics' },
  bare: { config: 'bare.yaml', about: 'router only: the kernel without metrics' },
  resilience: { config: 'resilience.yaml', about: 'kernel + retry + circuit-breaker (+ fallback declared)' },
  shaping: { config: 'shaping.yaml', about: 'kernel + bottleneck shaping on the provider (never queuing)' },
  observability: {
    config: 'observability.yaml',
    about: 'kernel + access log + data sharing (metrics only) to a local collector',
  },
  edge: {
    config: 'edge.yaml',
    about: 'kernel + auth + rate-limit (memory) + cache (memory); every request a cache miss',
    request: { headers: { authorization: 'Bearer sk-bench-edge-0123456789' }, uniqueBodies: true },
  },
  'edge-cache-hit': {
    config: 'edge.yaml',
    about: 'the edge config with one repeated body: every request after the first a cache hit',
    request: { headers: { authorization: 'Bearer sk-bench-edge-0123456789' } },
  },
  'kernel-stream': {
    config: 'kernel.yaml',
    about: 'router + metrics, SSE answers',
    request: { stream: true },
  },
};
