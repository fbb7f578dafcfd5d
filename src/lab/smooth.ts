/**
 * The book's `smooth_curve` (Deep Learning from Scratch, `common/util.py`), exactly:
 *
 *   window_len = 11
 *   s = np.r_[x[window_len-1:0:-1], x, x[-1:-window_len:-1]]
 *   w = np.kaiser(window_len, 2)
 *   y = np.convolve(w/w.sum(), s, mode='valid')
 *   return y[5:len(y)-5]
 *
 * numpy's slicing rules are followed literally, so short inputs behave as they do in Python.
 */
export function smoothCurve(x: ArrayLike<number>): Float64Array {
  const windowLength = 11;
  const n = x.length;
  const s: number[] = [];
  // x[window_len-1:0:-1]: from index min(window_len-1, n-1) down to 1.
  for (let i = Math.min(windowLength - 1, n - 1); i >= 1; i--) s.push(x[i]);
  for (let i = 0; i < n; i++) s.push(x[i]);
  // x[-1:-window_len:-1]: from n-1 down to, but excluding, n-window_len (clamped to "past the start").
  const stop = n - windowLength;
  for (let i = n - 1; i > Math.max(stop, -1); i--) s.push(x[i]);
  const w = kaiserWindow(windowLength, 2);
  let total = 0;
  for (const value of w) total += value;
  const weights = w.map((value) => value / total);
  const convolved = convolveValid(weights, s);
  const from = Math.min(5, convolved.length);
  const to = Math.max(from, convolved.length - 5);
  return Float64Array.from(convolved.slice(from, to));
}

/** numpy's `np.convolve(a, v, mode='valid')`: length max(M, N) − min(M, N) + 1. */
function convolveValid(a: ArrayLike<number>, v: ArrayLike<number>): number[] {
  const [long, short] = a.length >= v.length ? [a, v] : [v, a];
  const out: number[] = [];
  for (let i = 0; i + short.length <= long.length; i++) {
    let sum = 0;
    for (let j = 0; j < short.length; j++) sum += long[i + j] * short[short.length - 1 - j];
    out.push(sum);
  }
  return out;
}

/** numpy's `np.kaiser(M, beta)`: w[n] = I0(β·√(1 − (2n/(M−1) − 1)²)) / I0(β). */
export function kaiserWindow(length: number, beta: number): number[] {
  if (length === 1) return [1];
  const out: number[] = [];
  for (let n = 0; n < length; n++) {
    const ratio = (2 * n) / (length - 1) - 1;
    out.push(besselI0(beta * Math.sqrt(Math.max(0, 1 - ratio * ratio))) / besselI0(beta));
  }
  return out;
}

/** The modified Bessel function of the first kind, order 0, by its power series Σ ((x/2)^k / k!)². */
export function besselI0(x: number): number {
  const quarterSquare = (x * x) / 4;
  let term = 1;
  let sum = 1;
  for (let k = 1; k < 500; k++) {
    term *= quarterSquare / (k * k);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return sum;
}
