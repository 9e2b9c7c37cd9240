import { Matrix } from '@ffnn/tensor';

/**
 * Dense factorizations for the closed-form fits: a thin SVD computed as Householder QR followed by
 * one-sided (Hestenes) Jacobi on the small triangular factor. Jacobi is slow for large p but
 * computes singular values to high relative accuracy and handles rank deficiency without pivoting,
 * which is what least squares on ill-conditioned polynomial features needs.
 */

/** A thin singular value decomposition `A = U·diag(s)·Vᵀ` of an `n × p` matrix, `k = min(n, p)`. */
export interface ThinSvd {
  /** `n × k`, orthonormal columns (a column is zero where its singular value is exactly 0). */
  U: Matrix;
  /** The `k` singular values, in decreasing order. */
  s: Float64Array;
  /** `p × k`, orthonormal columns. */
  V: Matrix;
}

/** Column-major copy of a row-major `rows × cols` matrix (columns are contiguous). */
function toColumnMajor(A: Matrix): Float64Array {
  const { rows, cols } = A;
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = A.data[i * cols + j]!;
  return out;
}

/**
 * Householder QR of an `n × p` matrix with `n ≥ p`, in place on column-major storage `a`.
 * Returns the `p × p` upper triangle R (column-major) and the Householder vectors left in `a`
 * (below the diagonal, with `beta` holding 2/‖v‖²), so `Q` can be applied later.
 */
function householderQr(a: Float64Array, n: number, p: number): { R: Float64Array; tau: Float64Array } {
  const tau = new Float64Array(p);
  const R = new Float64Array(p * p);
  for (let k = 0; k < p; k++) {
    const col = k * n;
    // Scaled norm of a[k:n, k] to avoid overflow and underflow.
    let scale = 0;
    for (let i = k; i < n; i++) scale = Math.max(scale, Math.abs(a[col + i]!));
    if (scale === 0) {
      tau[k] = 0;
    } else {
      let ss = 0;
      for (let i = k; i < n; i++) {
        const v = a[col + i]! / scale;
        ss += v * v;
      }
      const x0 = a[col + k]!;
      const normx = scale * Math.sqrt(ss);
      // v = x + sign(x0)·‖x‖·e1 avoids cancellation; the reflection maps x to −sign(x0)‖x‖·e1.
      const alpha = x0 >= 0 ? -normx : normx;
      a[col + k] = x0 - alpha;
      let vnorm2 = 0;
      for (let i = k; i < n; i++) vnorm2 += a[col + i]! * a[col + i]!;
      tau[k] = 2 / vnorm2;
      for (let j = k + 1; j < p; j++) {
        const cj = j * n;
        let d = 0;
        for (let i = k; i < n; i++) d += a[col + i]! * a[cj + i]!;
        const f = tau[k]! * d;
        for (let i = k; i < n; i++) a[cj + i] = a[cj + i]! - f * a[col + i]!;
      }
      R[k * p + k] = alpha;
    }
    if (tau[k] === 0) R[k * p + k] = a[col + k]!;
    for (let j = k + 1; j < p; j++) R[j * p + k] = a[j * n + k]!;
  }
  return { R, tau };
}

/** `y ← Q·y` for the Q of {@link householderQr} (y has length n). */
function applyQ(a: Float64Array, tau: Float64Array, n: number, p: number, y: Float64Array, offset: number): void {
  for (let k = p - 1; k >= 0; k--) {
    const t = tau[k]!;
    if (t === 0) continue;
    const col = k * n;
    let d = 0;
    for (let i = k; i < n; i++) d += a[col + i]! * y[offset + i]!;
    const f = t * d;
    for (let i = k; i < n; i++) y[offset + i] = y[offset + i]! - f * a[col + i]!;
  }
}

/**
 * One-sided Jacobi on the columns of a column-major `m × p` matrix `b` (in place): rotates pairs
 * of columns until all are mutually orthogonal to working precision; `v` (p × p column-major,
 * starting as the identity) accumulates the rotations. Afterwards `b = U·diag(s)` and the input
 * equals `b·vᵀ`.
 */
function jacobiOrthogonalize(b: Float64Array, m: number, p: number, v: Float64Array): void {
  const eps = Number.EPSILON;
  for (let sweep = 0; sweep < 80; sweep++) {
    let rotated = false;
    for (let i = 0; i < p - 1; i++) {
      for (let j = i + 1; j < p; j++) {
        const ci = i * m, cj = j * m;
        let alpha = 0, beta = 0, gamma = 0;
        for (let r = 0; r < m; r++) {
          const x = b[ci + r]!, y = b[cj + r]!;
          alpha += x * x;
          beta += y * y;
          gamma += x * y;
        }
        if (gamma === 0 || Math.abs(gamma) <= eps * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        // Rotation angle that zeroes the (i, j) entry of bᵀb (Golub & Van Loan, Alg. 8.5.1 on bᵀb).
        const zeta = (beta - alpha) / (2 * gamma);
        const t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = c * t;
        for (let r = 0; r < m; r++) {
          const x = b[ci + r]!, y = b[cj + r]!;
          b[ci + r] = c * x - s * y;
          b[cj + r] = s * x + c * y;
        }
        const vi = i * p, vj = j * p;
        for (let r = 0; r < p; r++) {
          const x = v[vi + r]!, y = v[vj + r]!;
          v[vi + r] = c * x - s * y;
          v[vj + r] = s * x + c * y;
        }
      }
    }
    if (!rotated) return;
  }
}

/** Thin SVD of a tall matrix given column-major (`n × p`, `n ≥ p`). */
function svdTall(a: Float64Array, n: number, p: number): ThinSvd {
  const { R, tau } = householderQr(a, n, p);
  const v = new Float64Array(p * p);
  for (let i = 0; i < p; i++) v[i * p + i] = 1;
  jacobiOrthogonalize(R, p, p, v);
  const s = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    let ss = 0;
    for (let r = 0; r < p; r++) ss += R[j * p + r]! * R[j * p + r]!;
    s[j] = Math.sqrt(ss);
  }
  const order = Array.from({ length: p }, (_, j) => j).sort((x, y) => s[y]! - s[x]!);
  // U = Q·[Ũ; 0] where Ũ = R-after-Jacobi with unit columns.
  const uCols = new Float64Array(n * p);
  const U = new Matrix(n, p);
  const V = new Matrix(p, p);
  const sSorted = new Float64Array(p);
  order.forEach((j, k) => {
    const sj = s[j]!;
    sSorted[k] = sj;
    if (sj > 0) for (let r = 0; r < p; r++) uCols[k * n + r] = R[j * p + r]! / sj;
    applyQ(a, tau, n, p, uCols, k * n);
    for (let r = 0; r < n; r++) U.data[r * p + k] = uCols[k * n + r]!;
    for (let r = 0; r < p; r++) V.data[r * p + k] = v[j * p + r]!;
  });
  return { U, s: sSorted, V };
}

/**
 * Thin SVD `A = U·diag(s)·Vᵀ` of any `n × p` matrix (Householder QR, then one-sided Jacobi on R;
 * a wide matrix is handled through its transpose).
 */
export function svd(A: Matrix): ThinSvd {
  const { rows: n, cols: p } = A;
  if (n >= p) return svdTall(toColumnMajor(A), n, p);
  // Aᵀ is p × n; its row-major storage is A's column-major storage.
  const At = new Float64Array(A.data);
  const t = svdTall(At, p, n);
  return { U: t.V, s: t.s, V: t.U };
}

/** The default singular-value cutoff of {@link lstsq}: `eps · max(n, p)` (NumPy's `lstsq` default). */
export function defaultRcond(n: number, p: number): number {
  return Number.EPSILON * Math.max(n, p);
}

/**
 * Minimum-norm least-squares solution `x = A⁺·b` of `min ‖A·x − b‖₂` via the SVD: singular values
 * `s_i ≤ rcond · s_max` are treated as zero (pseudo-inverse), like `scipy.linalg.lstsq`/`numpy.linalg.lstsq`.
 * Returns `x` (length p) and the effective rank.
 */
export function lstsq(
  A: Matrix,
  b: ArrayLike<number>,
  rcond = defaultRcond(A.rows, A.cols),
): {
  /** The minimum-norm solution, length p. */
  x: Float64Array;
  /** Effective rank: singular values above the cutoff. */
  rank: number;
} {
  const f = svd(A);
  const cutoff = rcond * (f.s[0] ?? 0);
  return solveSvd(f, b, (s) => (s > cutoff && s > 0 ? 1 / s : 0));
}

/**
 * `x = V·diag(φ(s))·Uᵀ·b` for a filter `φ` of the singular values: `1/s` gives least squares,
 * `s/(s² + α)` gives ridge. Also returns the number of nonzero filter factors.
 */
export function solveSvd(
  f: ThinSvd,
  b: ArrayLike<number>,
  phi: (s: number) => number,
): {
  /** The filtered solution, length p. */
  x: Float64Array;
  /** Number of nonzero filter factors φ(s_i). */
  rank: number;
} {
  const { U, s, V } = f;
  const k = s.length;
  const n = U.rows;
  const p = V.rows;
  const x = new Float64Array(p);
  let rank = 0;
  for (let j = 0; j < k; j++) {
    const factor = phi(s[j]!);
    if (factor === 0) continue;
    rank++;
    let d = 0;
    for (let i = 0; i < n; i++) d += U.data[i * k + j]! * b[i]!;
    const c = factor * d;
    for (let r = 0; r < p; r++) x[r] = x[r]! + c * V.data[r * k + j]!;
  }
  return { x, rank };
}
