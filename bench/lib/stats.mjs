/** The few statistics the benchmark reports. */

/** Nearest-rank percentile of an ascending array; undefined when empty. */
export function percentile(sorted, p) {
  if (sorted.length === 0) return undefined;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export function median(values) {
  const defined = values.filter((v) => typeof v === 'number' && Number.isFinite(v)).sort((a, b) => a - b);
  if (defined.length === 0) return undefined;
  const mid = defined.length >> 1;
  return defined.length % 2 ? defined[mid] : (defined[mid - 1] + defined[mid]) / 2;
}

/** Spread of repeated runs as a fraction of their median: (max - min) / median. */
export function spread(values) {
  const m = median(values);
  if (!m) return undefined;
  return (Math.max(...values) - Math.min(...values)) / m;
}

/** Least-squares slope of y over x (units of y per unit of x). */
export function slope(points) {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.x - mx) * (p.y - my);
    den += (p.x - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}
