// Small statistics and formatting helpers shared by the bench scripts.

/** Median of numbers (copies, does not sort the input). */
export function median(values) {
  return quantile(values, 0.5);
}

/** Nearest-rank quantile, q in [0, 1]. */
export function quantile(values, q) {
  const sorted = Float64Array.from(values).sort();
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank];
}

/** A duration given in nanoseconds, in the unit that suits it. */
export function fmtNs(ns) {
  if (!Number.isFinite(ns)) return 'n/a';
  if (ns < 1e3) return `${ns.toFixed(0)} ns`;
  if (ns < 1e6) return `${(ns / 1e3).toFixed(ns < 1e4 ? 2 : 1)} µs`;
  if (ns < 1e9) return `${(ns / 1e6).toFixed(ns < 1e7 ? 2 : 1)} ms`;
  return `${(ns / 1e9).toFixed(2)} s`;
}

export function fmtBytes(bytes) {
  if (!Number.isFinite(bytes)) return 'n/a';
  if (Math.abs(bytes) < 1024) return `${bytes.toFixed(0)} B`;
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

export function fmtRatio(r) {
  if (!Number.isFinite(r)) return 'n/a';
  return r < 0.1 ? `${r.toFixed(4)}` : `${r.toFixed(2)}`;
}

/** `[min–max]` of per-rep values, formatted. */
export function range(values, fmt = fmtNs) {
  if (values.length < 2) return '';
  return `[${fmt(Math.min(...values))}–${fmt(Math.max(...values))}]`;
}
