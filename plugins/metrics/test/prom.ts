/** Scrape /metrics and read samples by name and labels (a small reader for the Prometheus text format). */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const LINE = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/;
const LABEL = /(\w+)="((?:[^"\\]|\\.)*)"/g;

export function parseProm(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = LINE.exec(line);
    if (!m) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(LABEL)) labels[l[1]!] = l[2]!;
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}

export interface Scrape {
  text: string;
  samples: Sample[];
  /** Sum of the samples of `name` whose labels include `labels`; undefined when none matches. */
  value(name: string, labels?: Record<string, string>): number | undefined;
}

export async function scrape(gatewayUrl: string, path = '/metrics'): Promise<Scrape> {
  const res = await fetch(`${gatewayUrl}${path}`);
  if (res.status !== 200) throw new Error(`GET ${path}: ${res.status}`);
  const text = await res.text();
  const samples = parseProm(text);
  return {
    text,
    samples,
    value(name, labels = {}) {
      const hits = samples.filter(
        (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
      );
      return hits.length === 0 ? undefined : hits.reduce((sum, s) => sum + s.value, 0);
    },
  };
}
