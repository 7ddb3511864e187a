/**
 * Text the gate and the check write: bounded for CloudFormation (everything the gate sends back, attributes and
 * reasons, ends up in one JSON response body of at most 4,096 bytes, so lengths are counted as bytes of JSON,
 * escapes included), and durations as people read them.
 */

const ELLIPSIS = '…';

/** Bytes that `value` takes in a JSON body. */
export function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value), 'utf8');
}

/** Cuts `text` to at most `maxChars` code points, marking the cut with an ellipsis. */
export function truncateChars(text: string, maxChars: number): string {
  const points = Array.from(text);
  if (points.length <= maxChars) return text;
  return maxChars <= 0 ? '' : points.slice(0, maxChars - 1).join('') + ELLIPSIS;
}

/** Cuts `text` so that it takes at most `maxJsonBytes` as a JSON string (quotes and escapes included). */
export function truncateToJsonBytes(text: string, maxJsonBytes: number): string {
  if (jsonBytes(text) <= maxJsonBytes) return text;
  const points = Array.from(text);
  let lo = 0;
  let hi = points.length;
  // Largest prefix whose JSON (with the ellipsis) fits.
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (jsonBytes(points.slice(0, mid).join('') + ELLIPSIS) <= maxJsonBytes) lo = mid;
    else hi = mid - 1;
  }
  const cut = points.slice(0, lo).join('') + ELLIPSIS;
  return jsonBytes(cut) <= maxJsonBytes ? cut : '';
}

/**
 * Cuts the middle of `text` so that it takes at most `maxJsonBytes` as a JSON string, keeping as much of its head
 * and of its tail as fit, half the budget each, with an ellipsis between. Reasons put what happened and where at
 * the head, what to do next at the tail, and an API's own (unbounded) text in between: the part to lose first.
 */
export function cutMiddleToJsonBytes(text: string, maxJsonBytes: number): string {
  if (jsonBytes(text) <= maxJsonBytes) return text;
  const points = Array.from(text);
  const fits = (headLength: number, tailLength: number): boolean =>
    jsonBytes(points.slice(0, headLength).join('') + ELLIPSIS + points.slice(points.length - tailLength).join('')) <= maxJsonBytes;
  // Largest tail within half the budget, then the largest head that fits beside it.
  const half = Math.floor(maxJsonBytes / 2);
  const tail = largest(points.length, (n) => jsonBytes(points.slice(points.length - n).join('')) <= half);
  const head = largest(points.length - tail, (n) => fits(n, tail));
  if (!fits(head, tail)) return truncateToJsonBytes(text, maxJsonBytes);
  return points.slice(0, head).join('') + ELLIPSIS + points.slice(points.length - tail).join('');
}

/** The largest n in [0, max] for which `ok(n)` holds, for a monotone `ok` (true up to some n, false after). */
function largest(max: number, ok: (n: number) => boolean): number {
  let lo = 0;
  let hi = max;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (ok(mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** An ISO 8601 time, or '' for a missing or invalid date. */
export function iso(date: Date | undefined): string {
  return date && !Number.isNaN(date.getTime()) ? date.toISOString() : '';
}

/** "9m 30s", "45s", "1h 0m 0s". */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return `${h}h ${m}m ${s}s`;
  if (m > 0) return `${m}m ${s}s`;
  return `${s}s`;
}
