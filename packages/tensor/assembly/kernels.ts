// WebAssembly SIMD kernels of @ffnn/tensor (AssemblyScript; compiled by scripts/build-wasm.mjs).
//
// Every pointer is a byte offset into the imported linear memory; every size is in elements.
// The JavaScript side (src/wasm/) owns the memory layout: it copies operands in (or finds them
// already resident), calls one export, and copies results out. Nothing here allocates.
//
// Determinism: every element of a gemm result is computed by the same sequence of IEEE operations
// whichever tile (4×2 vectors, 1×2, a column of one vector or a partial vector) and whichever thread computes it:
//   acc = 0; for p = 0..k−1: acc = acc + a[i,p]·b[p,j];  C[i,j] = α·acc (+ β·C[i,j] when β ≠ 0)
// (a lane of f32x4.mul/add rounds exactly like scalar f32 mul/add; wasm has no implicit FMA), so
// splitting C over threads cannot change a single bit.

// ---------------------------------------------------------------------------------------------
// gemm

/** Final write of one vector of C: α·acc, or α·acc + β·C. */
@inline
function finish<T>(c: usize, acc: v128, alpha: v128, beta: v128, useBeta: bool): void {
  finishPart<T>(c, acc, alpha, beta, useBeta, <i32>(16 / sizeof<T>()));
}

// Micro-kernel: 4 rows × 2 vectors (8 f32 or 4 f64 columns) of C, 8 accumulators. With the two
// vectors of B and the broadcast of A that is 11 live registers: it fits the 16 of x64 SSE, where
// V8 keeps one for itself; a 4×4 tile (21 registers) spills and measured ~20 % slower.
// op(A)[i, p] is at a + i·sAi + p·sAp; op(B)[p, j..] is contiguous at b + p·sBp.
@inline
function tile4x2<T>(
  k: i32, a: usize, sAi: usize, sAp: usize, b: usize, sBp: usize,
  c: usize, ldc: usize, alpha: v128, beta: v128, useBeta: bool,
): void {
  const z = v128.splat<T>(0);
  let c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z;
  let a0 = a;
  const a1 = sAi, a2 = sAi << 1, a3 = sAi * 3;
  for (let p = 0; p < k; p++) {
    const b0 = v128.load(b), b1 = v128.load(b, 16);
    let x = v128.load_splat<T>(a0);
    c00 = v128.add<T>(c00, v128.mul<T>(x, b0)); c01 = v128.add<T>(c01, v128.mul<T>(x, b1));
    x = v128.load_splat<T>(a0 + a1);
    c10 = v128.add<T>(c10, v128.mul<T>(x, b0)); c11 = v128.add<T>(c11, v128.mul<T>(x, b1));
    x = v128.load_splat<T>(a0 + a2);
    c20 = v128.add<T>(c20, v128.mul<T>(x, b0)); c21 = v128.add<T>(c21, v128.mul<T>(x, b1));
    x = v128.load_splat<T>(a0 + a3);
    c30 = v128.add<T>(c30, v128.mul<T>(x, b0)); c31 = v128.add<T>(c31, v128.mul<T>(x, b1));
    a0 += sAp;
    b += sBp;
  }
  finish<T>(c, c00, alpha, beta, useBeta); finish<T>(c + 16, c01, alpha, beta, useBeta);
  c += ldc;
  finish<T>(c, c10, alpha, beta, useBeta); finish<T>(c + 16, c11, alpha, beta, useBeta);
  c += ldc;
  finish<T>(c, c20, alpha, beta, useBeta); finish<T>(c + 16, c21, alpha, beta, useBeta);
  c += ldc;
  finish<T>(c, c30, alpha, beta, useBeta); finish<T>(c + 16, c31, alpha, beta, useBeta);
}

// 1 row × 2 vectors (row tail).
@inline
function tile1x2<T>(
  k: i32, a: usize, sAp: usize, b: usize, sBp: usize,
  c: usize, alpha: v128, beta: v128, useBeta: bool,
): void {
  const z = v128.splat<T>(0);
  let c00 = z, c01 = z;
  for (let p = 0; p < k; p++) {
    const x = v128.load_splat<T>(a);
    c00 = v128.add<T>(c00, v128.mul<T>(x, v128.load(b)));
    c01 = v128.add<T>(c01, v128.mul<T>(x, v128.load(b, 16)));
    a += sAp;
    b += sBp;
  }
  finish<T>(c, c00, alpha, beta, useBeta); finish<T>(c + 16, c01, alpha, beta, useBeta);
}

/**
 * Block `C[i0:i1, j0:j1] ← α·op(A)·op(B) + β·C` of a row-major m×n C (leading dimension n).
 * op(A)[i, p] is at pA + (i·sAi + p·sAp)·size; op(B) must be row-major k×n at pB (the caller
 * transposes a transposed B first). With β = 0, C is overwritten.
 */
@inline
function gemmBlock<T>(
  n: i32, k: i32, alpha: T, pA: usize, sAi: i32, sAp: i32, pB: usize, beta: T, pC: usize,
  i0: i32, i1: i32, j0: i32, j1: i32,
): void {
  const size = <usize>sizeof<T>();
  const lanes = <i32>(16 / sizeof<T>());
  const wide = lanes << 1;
  const sAiB = <usize>sAi * size, sApB = <usize>sAp * size, sBp = <usize>n * size, ldc = <usize>n * size;
  const useBeta = beta != 0;
  const va = v128.splat<T>(alpha), vb = v128.splat<T>(beta);
  let j = j0;
  // Column panels of 2 vectors: the k×(2·lanes) panel of B stays in cache while A streams by.
  for (; j + wide <= j1; j += wide) {
    const b = pB + <usize>j * size;
    let i = i0;
    for (; i + 4 <= i1; i += 4) {
      tile4x2<T>(k, pA + <usize>i * sAiB, sAiB, sApB, b, sBp, pC + <usize>i * ldc + <usize>j * size, ldc, va, vb, useBeta);
    }
    for (; i < i1; i++) {
      tile1x2<T>(k, pA + <usize>i * sAiB, sApB, b, sBp, pC + <usize>i * ldc + <usize>j * size, va, vb, useBeta);
    }
  }
  for (; j + lanes <= j1; j += lanes) {
    vectorColumn<T>(lanes, k, pA, sAiB, sApB, pB + <usize>j * size, sBp, pC + <usize>j * size, ldc, i0, i1, va, vb, useBeta);
  }
  // The last 1..lanes−1 columns: a partial vector, loaded and stored lane by lane (never past the row).
  const r = j1 - j;
  if (r > 0) {
    const b = pB + <usize>j * size;
    if (sizeof<T>() == 8 || r == 1) {
      vectorColumn<T>(1, k, pA, sAiB, sApB, b, sBp, pC + <usize>j * size, ldc, i0, i1, va, vb, useBeta);
    } else if (r == 2) {
      vectorColumn<T>(2, k, pA, sAiB, sApB, b, sBp, pC + <usize>j * size, ldc, i0, i1, va, vb, useBeta);
    } else {
      vectorColumn<T>(3, k, pA, sAiB, sApB, b, sBp, pC + <usize>j * size, ldc, i0, i1, va, vb, useBeta);
    }
  }
}

/** Loads the first `r` elements at `p` (all lanes, or the low 1..3 with the rest zero); `r` is a constant. */
@inline
function loadPart<T>(p: usize, r: i32): v128 {
  if (r * sizeof<T>() == 16) return v128.load(p);
  if (sizeof<T>() == 8 || r == 2) return v128.load64_zero(p);
  if (r == 1) return v128.load32_zero(p);
  return v128.load32_lane(p + 8, v128.load64_zero(p), 2);
}

/** Stores the low `r` lanes of `v` at `p` (all of them when `r` is the lane count). */
@inline
function storePart<T>(p: usize, v: v128, r: i32): void {
  if (r * sizeof<T>() == 16) {
    v128.store(p, v);
  } else if (sizeof<T>() == 8 || r == 2) {
    v128.store64_lane(p, v, 0);
  } else if (r == 1) {
    v128.store32_lane(p, v, 0);
  } else {
    v128.store64_lane(p, v, 0);
    v128.store32_lane(p + 8, v, 2);
  }
}

/** {@link finish} for the low `r` lanes (all of them when `r` is the lane count). */
@inline
function finishPart<T>(c: usize, acc: v128, alpha: v128, beta: v128, useBeta: bool, r: i32): void {
  let out = v128.mul<T>(alpha, acc);
  if (useBeta) out = v128.add<T>(out, v128.mul<T>(beta, loadPart<T>(c, r)));
  storePart<T>(c, out, r);
}

/**
 * Columns `j..j+r−1` of rows i0..i1 of C (one vector, or the last r < lanes columns), `c` pointing at
 * row 0, column j: 4 rows at a time, then single rows; each lane computes the same sequence as a lane
 * of {@link tile4x2} (so the documented per-element order holds here too).
 */
@inline
function vectorColumn<T>(
  r: i32, k: i32, pA: usize, sAiB: usize, sApB: usize, b: usize, sBp: usize,
  c: usize, ldc: usize, i0: i32, i1: i32, alpha: v128, beta: v128, useBeta: bool,
): void {
  const z = v128.splat<T>(0);
  let i = i0;
  for (; i + 4 <= i1; i += 4) {
    let a = pA + <usize>i * sAiB;
    let bp = b;
    let c0 = z, c1 = z, c2 = z, c3 = z;
    const a1 = sAiB, a2 = sAiB << 1, a3 = sAiB * 3;
    for (let p = 0; p < k; p++) {
      const y = loadPart<T>(bp, r);
      c0 = v128.add<T>(c0, v128.mul<T>(v128.load_splat<T>(a), y));
      c1 = v128.add<T>(c1, v128.mul<T>(v128.load_splat<T>(a + a1), y));
      c2 = v128.add<T>(c2, v128.mul<T>(v128.load_splat<T>(a + a2), y));
      c3 = v128.add<T>(c3, v128.mul<T>(v128.load_splat<T>(a + a3), y));
      a += sApB;
      bp += sBp;
    }
    const ci = c + <usize>i * ldc;
    finishPart<T>(ci, c0, alpha, beta, useBeta, r);
    finishPart<T>(ci + ldc, c1, alpha, beta, useBeta, r);
    finishPart<T>(ci + (ldc << 1), c2, alpha, beta, useBeta, r);
    finishPart<T>(ci + ldc * 3, c3, alpha, beta, useBeta, r);
  }
  for (; i < i1; i++) {
    let a = pA + <usize>i * sAiB;
    let bp = b;
    let c0 = z;
    for (let p = 0; p < k; p++) {
      c0 = v128.add<T>(c0, v128.mul<T>(v128.load_splat<T>(a), loadPart<T>(bp, r)));
      a += sApB;
      bp += sBp;
    }
    finishPart<T>(c + <usize>i * ldc, c0, alpha, beta, useBeta, r);
  }
}

export function gemmF32(
  n: i32, k: i32, alpha: f64, pA: usize, sAi: i32, sAp: i32, pB: usize, beta: f64, pC: usize,
  i0: i32, i1: i32, j0: i32, j1: i32,
): void {
  gemmBlock<f32>(n, k, <f32>alpha, pA, sAi, sAp, pB, <f32>beta, pC, i0, i1, j0, j1);
}

export function gemmF64(
  n: i32, k: i32, alpha: f64, pA: usize, sAi: i32, sAp: i32, pB: usize, beta: f64, pC: usize,
  i0: i32, i1: i32, j0: i32, j1: i32,
): void {
  gemmBlock<f64>(n, k, alpha, pA, sAi, sAp, pB, beta, pC, i0, i1, j0, j1);
}

// ---------------------------------------------------------------------------------------------
// Sparse A (e.g. MNIST pixels, 81 % zeros): a count of A's nonzeros (up to the limit) decides; then the nonzero entries
// of each row of a row-major m×k A (CSR: row starts, byte offsets p·ldb of the matching rows of B,
// values), then C = α·A·B + β·C
// summing only those terms. For finite B this gives the dense kernel's bits: a skipped term is
// ±0 and adding ±0 to the running sum (which starts at +0 and is never −0) changes nothing.

/** One bit per lane of the vector at `p`: set where the element is nonzero (or NaN). */
@inline
function nonzeroMask<T>(p: usize): i32 {
  const ne = v128.ne<T>(v128.load(p), v128.splat<T>(0));
  return sizeof<T>() == 4 ? i32x4.bitmask(ne) : i64x2.bitmask(ne);
}

/**
 * Whether more than `limit` of the `size` elements at `p` (in any layout) are nonzero or NaN: the
 * sparse path's go/no-go. Stops counting once past `limit`, so a dense operand costs a short scan.
 */
@inline
function moreNonzerosThanT<T>(size: i32, p: usize, limit: i32): i32 {
  const bytes = <usize>sizeof<T>();
  const lanes = <i32>(16 / sizeof<T>());
  const block = lanes << 4;
  let count = 0;
  let t = 0;
  for (; t + block <= size; ) {
    for (const end = t + block; t < end; t += lanes) count += <i32>popcnt(nonzeroMask<T>(p + <usize>t * bytes));
    if (count > limit) return 1;
  }
  for (; t + lanes <= size; t += lanes) count += <i32>popcnt(nonzeroMask<T>(p + <usize>t * bytes));
  for (; t < size; t++) if (load<T>(p + <usize>t * bytes) != 0) count++;
  return i32(count > limit);
}

export function moreNonzerosThanF32(size: i32, p: usize, limit: i32): i32 {
  return moreNonzerosThanT<f32>(size, p, limit);
}

export function moreNonzerosThanF64(size: i32, p: usize, limit: i32): i32 {
  return moreNonzerosThanT<f64>(size, p, limit);
}

/** The nonzero (or NaN) entries of a row-major m×k A in CSR form; column entries are byte offsets p·ldb into B. */
@inline
function csrT<T>(m: i32, k: i32, pA: usize, ldb: i32, pRow: usize, pCol: usize, pVal: usize): void {
  const size = <usize>sizeof<T>();
  const lanes = <i32>(16 / sizeof<T>());
  let nnz = 0;
  for (let i = 0; i < m; i++) {
    store<i32>(pRow + (<usize>i << 2), nnz);
    const a = pA + <usize>i * <usize>k * size;
    let p = 0;
    for (; p + lanes <= k; p += lanes) {
      let mask = nonzeroMask<T>(a + <usize>p * size);
      while (mask != 0) {
        const q = p + ctz(mask);
        mask &= mask - 1;
        store<i32>(pCol + (<usize>nnz << 2), q * ldb);
        store<T>(pVal + <usize>nnz * size, load<T>(a + <usize>q * size));
        nnz++;
      }
    }
    for (; p < k; p++) {
      const x = load<T>(a + <usize>p * size);
      if (x != 0) {
        store<i32>(pCol + (<usize>nnz << 2), p * ldb);
        store<T>(pVal + <usize>nnz * size, x);
        nnz++;
      }
    }
  }
  store<i32>(pRow + (<usize>m << 2), nnz);
}

export function csrF32(m: i32, k: i32, pA: usize, ldb: i32, pRow: usize, pCol: usize, pVal: usize): void {
  csrT<f32>(m, k, pA, ldb, pRow, pCol, pVal);
}

export function csrF64(m: i32, k: i32, pA: usize, ldb: i32, pRow: usize, pCol: usize, pVal: usize): void {
  csrT<f64>(m, k, pA, ldb, pRow, pCol, pVal);
}

/** `C[i0:i1, :] ← α·A·B + β·C` with A in CSR form ({@link csrT}, column entries as byte offsets into B). */
@inline
function gemmSparseT<T>(n: i32, pRow: usize, pCol: usize, pVal: usize, pB: usize, alpha: T, beta: T, pC: usize, i0: i32, i1: i32): void {
  const size = <usize>sizeof<T>();
  const lanes = <i32>(16 / sizeof<T>());
  const ldc = <usize>n * size;
  const useBeta = beta != 0;
  const va = v128.splat<T>(alpha), vb = v128.splat<T>(beta);
  const z = v128.splat<T>(0);
  // Column panels outside, rows inside: a panel of B (k × 8 vectors) stays in cache while the rows'
  // nonzero terms pick their rows of it (rows outside would stream all of B once per row).
  let j = 0;
  for (; j + 8 * lanes <= n; j += 8 * lanes) {
    const bj = pB + <usize>j * size;
    for (let i = i0; i < i1; i++) {
      const s = load<i32>(pRow + (<usize>i << 2)), e = load<i32>(pRow + (<usize>(i + 1) << 2));
      let c0 = z, c1 = z, c2 = z, c3 = z, c4 = z, c5 = z, c6 = z, c7 = z;
      for (let t = s; t < e; t++) {
        const x = v128.load_splat<T>(pVal + <usize>t * size);
        const b = bj + <usize>load<i32>(pCol + (<usize>t << 2));
        c0 = v128.add<T>(c0, v128.mul<T>(x, v128.load(b)));
        c1 = v128.add<T>(c1, v128.mul<T>(x, v128.load(b, 16)));
        c2 = v128.add<T>(c2, v128.mul<T>(x, v128.load(b, 32)));
        c3 = v128.add<T>(c3, v128.mul<T>(x, v128.load(b, 48)));
        c4 = v128.add<T>(c4, v128.mul<T>(x, v128.load(b, 64)));
        c5 = v128.add<T>(c5, v128.mul<T>(x, v128.load(b, 80)));
        c6 = v128.add<T>(c6, v128.mul<T>(x, v128.load(b, 96)));
        c7 = v128.add<T>(c7, v128.mul<T>(x, v128.load(b, 112)));
      }
      const o = pC + <usize>i * ldc + <usize>j * size;
      finish<T>(o, c0, va, vb, useBeta); finish<T>(o + 16, c1, va, vb, useBeta);
      finish<T>(o + 32, c2, va, vb, useBeta); finish<T>(o + 48, c3, va, vb, useBeta);
      finish<T>(o + 64, c4, va, vb, useBeta); finish<T>(o + 80, c5, va, vb, useBeta);
      finish<T>(o + 96, c6, va, vb, useBeta); finish<T>(o + 112, c7, va, vb, useBeta);
    }
  }
  for (; j + 2 * lanes <= n; j += 2 * lanes) {
    const bj = pB + <usize>j * size;
    for (let i = i0; i < i1; i++) {
      const s = load<i32>(pRow + (<usize>i << 2)), e = load<i32>(pRow + (<usize>(i + 1) << 2));
      let c0 = z, c1 = z;
      for (let t = s; t < e; t++) {
        const x = v128.load_splat<T>(pVal + <usize>t * size);
        const b = bj + <usize>load<i32>(pCol + (<usize>t << 2));
        c0 = v128.add<T>(c0, v128.mul<T>(x, v128.load(b)));
        c1 = v128.add<T>(c1, v128.mul<T>(x, v128.load(b, 16)));
      }
      const o = pC + <usize>i * ldc + <usize>j * size;
      finish<T>(o, c0, va, vb, useBeta); finish<T>(o + 16, c1, va, vb, useBeta);
    }
  }
  for (; j + lanes <= n; j += lanes) {
    sparseColumn<T>(lanes, pRow, pCol, pVal, pB + <usize>j * size, pC + <usize>j * size, ldc, i0, i1, va, vb, useBeta);
  }
  const r = n - j;
  if (r > 0) {
    const bj = pB + <usize>j * size, c = pC + <usize>j * size;
    if (sizeof<T>() == 8 || r == 1) sparseColumn<T>(1, pRow, pCol, pVal, bj, c, ldc, i0, i1, va, vb, useBeta);
    else if (r == 2) sparseColumn<T>(2, pRow, pCol, pVal, bj, c, ldc, i0, i1, va, vb, useBeta);
    else sparseColumn<T>(3, pRow, pCol, pVal, bj, c, ldc, i0, i1, va, vb, useBeta);
  }
}

/** Columns `j..j+r−1` of rows i0..i1 of {@link gemmSparseT} (one vector, or the last r < lanes columns). */
@inline
function sparseColumn<T>(
  r: i32, pRow: usize, pCol: usize, pVal: usize, bj: usize, c: usize, ldc: usize, i0: i32, i1: i32,
  alpha: v128, beta: v128, useBeta: bool,
): void {
  const size = <usize>sizeof<T>();
  for (let i = i0; i < i1; i++) {
    const s = load<i32>(pRow + (<usize>i << 2)), e = load<i32>(pRow + (<usize>(i + 1) << 2));
    let c0 = v128.splat<T>(0);
    for (let t = s; t < e; t++) {
      c0 = v128.add<T>(c0, v128.mul<T>(v128.load_splat<T>(pVal + <usize>t * size), loadPart<T>(bj + <usize>load<i32>(pCol + (<usize>t << 2)), r)));
    }
    finishPart<T>(c + <usize>i * ldc, c0, alpha, beta, useBeta, r);
  }
}

export function gemmSparseF32(n: i32, pRow: usize, pCol: usize, pVal: usize, pB: usize, alpha: f64, beta: f64, pC: usize, i0: i32, i1: i32): void {
  gemmSparseT<f32>(n, pRow, pCol, pVal, pB, <f32>alpha, <f32>beta, pC, i0, i1);
}

export function gemmSparseF64(n: i32, pRow: usize, pCol: usize, pVal: usize, pB: usize, alpha: f64, beta: f64, pC: usize, i0: i32, i1: i32): void {
  gemmSparseT<f64>(n, pRow, pCol, pVal, pB, alpha, beta, pC, i0, i1);
}

/** Transposes the lanes×lanes block at `src` (row stride `ss` bytes) into `out` (row stride `so` bytes). */
@inline
function transposeBlock<T>(src: usize, ss: usize, out: usize, so: usize): void {
  if (sizeof<T>() == 4) {
    const r0 = v128.load(src), r1 = v128.load(src + ss), r2 = v128.load(src + 2 * ss), r3 = v128.load(src + 3 * ss);
    const t0 = i32x4.shuffle(r0, r1, 0, 4, 1, 5), t1 = i32x4.shuffle(r0, r1, 2, 6, 3, 7);
    const t2 = i32x4.shuffle(r2, r3, 0, 4, 1, 5), t3 = i32x4.shuffle(r2, r3, 2, 6, 3, 7);
    v128.store(out, i32x4.shuffle(t0, t2, 0, 1, 4, 5));
    v128.store(out + so, i32x4.shuffle(t0, t2, 2, 3, 6, 7));
    v128.store(out + 2 * so, i32x4.shuffle(t1, t3, 0, 1, 4, 5));
    v128.store(out + 3 * so, i32x4.shuffle(t1, t3, 2, 3, 6, 7));
  } else {
    const r0 = v128.load(src), r1 = v128.load(src + ss);
    v128.store(out, i64x2.shuffle(r0, r1, 0, 2));
    v128.store(out + so, i64x2.shuffle(r0, r1, 1, 3));
  }
}

/** `out` (cols×rows) = `src` (rows×cols)ᵀ, in 32×32 tiles of lanes×lanes SIMD blocks (exact: values are only moved). */
@inline
function transposeT<T>(rows: i32, cols: i32, src: usize, out: usize): void {
  const size = <usize>sizeof<T>();
  const lanes = <i32>(16 / sizeof<T>());
  const ss = <usize>cols * size, so = <usize>rows * size;
  const B = 32;
  for (let i0 = 0; i0 < rows; i0 += B) {
    const i1 = min(i0 + B, rows);
    for (let j0 = 0; j0 < cols; j0 += B) {
      const j1 = min(j0 + B, cols);
      let i = i0;
      for (; i + lanes <= i1; i += lanes) {
        let j = j0;
        for (; j + lanes <= j1; j += lanes) transposeBlock<T>(src + <usize>i * ss + <usize>j * size, ss, out + <usize>j * so + <usize>i * size, so);
        for (; j < j1; j++) {
          for (let r = i; r < i + lanes; r++) store<T>(out + <usize>j * so + <usize>r * size, load<T>(src + <usize>r * ss + <usize>j * size));
        }
      }
      for (; i < i1; i++) {
        for (let j = j0; j < j1; j++) store<T>(out + <usize>j * so + <usize>i * size, load<T>(src + <usize>i * ss + <usize>j * size));
      }
    }
  }
}

export function transposeF32(rows: i32, cols: i32, src: usize, out: usize): void {
  transposeT<f32>(rows, cols, src, out);
}

export function transposeF64(rows: i32, cols: i32, src: usize, out: usize): void {
  transposeT<f64>(rows, cols, src, out);
}

/** `C ← β·C` over `size` elements (β = 0 writes zeros, so NaN in C is ignored). */
@inline
function scaleT<T>(size: i32, beta: T, pC: usize): void {
  const bytes = <usize>sizeof<T>();
  const lanes = <i32>(16 / sizeof<T>());
  if (beta == 0) {
    memory.fill(pC, 0, <usize>size * bytes);
    return;
  }
  const vb = v128.splat<T>(beta);
  let t = 0;
  for (; t + lanes <= size; t += lanes) {
    const c = pC + <usize>t * bytes;
    v128.store(c, v128.mul<T>(vb, v128.load(c)));
  }
  for (; t < size; t++) {
    const c = pC + <usize>t * bytes;
    store<T>(c, beta * load<T>(c));
  }
}

export function scaleF32(size: i32, beta: f64, pC: usize): void {
  scaleT<f32>(size, <f32>beta, pC);
}

export function scaleF64(size: i32, beta: f64, pC: usize): void {
  scaleT<f64>(size, beta, pC);
}

// ---------------------------------------------------------------------------------------------
// Row-vector kernels. f32 + f32 rounded once equals the JavaScript backend's f64 sum stored into a
// Float32Array, so these match it bit for bit.

/** `out[i, j] = A[i, j] + b[j]`; with `relu`, also `a[i, j] = max(0, out[i, j])` (NaN → 0, as `z > 0 ? z : 0`). */
@inline
function addRowVectorT<T>(m: i32, n: i32, pA: usize, pb: usize, pOut: usize, relu: bool, pAct: usize): void {
  const size = <usize>sizeof<T>();
  const lanes = <i32>(16 / sizeof<T>());
  const zero = v128.splat<T>(0);
  for (let i = 0; i < m; i++) {
    const row = <usize>i * <usize>n * size;
    let j = 0;
    for (; j + lanes <= n; j += lanes) {
      const o = row + <usize>j * size;
      const z = v128.add<T>(v128.load(pA + o), v128.load(pb + <usize>j * size));
      v128.store(pOut + o, z);
      if (relu) v128.store(pAct + o, v128.and(z, v128.gt<T>(z, zero)));
    }
    for (; j < n; j++) {
      const o = row + <usize>j * size;
      const z: T = load<T>(pA + o) + load<T>(pb + <usize>j * size);
      store<T>(pOut + o, z);
      if (relu) store<T>(pAct + o, z > 0 ? z : <T>0);
    }
  }
}

export function addRowVectorF32(m: i32, n: i32, pA: usize, pb: usize, pOut: usize): void {
  addRowVectorT<f32>(m, n, pA, pb, pOut, false, 0);
}

export function addRowVectorF64(m: i32, n: i32, pA: usize, pb: usize, pOut: usize): void {
  addRowVectorT<f64>(m, n, pA, pb, pOut, false, 0);
}

export function addRowVectorReluF32(m: i32, n: i32, pA: usize, pb: usize, pZ: usize, pAct: usize): void {
  addRowVectorT<f32>(m, n, pA, pb, pZ, true, pAct);
}

export function addRowVectorReluF64(m: i32, n: i32, pA: usize, pb: usize, pZ: usize, pAct: usize): void {
  addRowVectorT<f64>(m, n, pA, pb, pZ, true, pAct);
}

/** `out[j] = β·out[j] + Σ_i A[i, j]`, summing rows in order 0..m−1 (the JavaScript backend's order). */
@inline
function sumRowsT<T>(m: i32, n: i32, pA: usize, beta: T, pOut: usize): void {
  const size = <usize>sizeof<T>();
  const lanes = <i32>(16 / sizeof<T>());
  if (beta != 1) scaleT<T>(n, beta, pOut);
  let j = 0;
  // Four vectors of columns at a time, so the running sums stay in registers down the rows.
  for (; j + 4 * lanes <= n; j += 4 * lanes) {
    const o = pOut + <usize>j * size;
    let s0 = v128.load(o), s1 = v128.load(o, 16), s2 = v128.load(o, 32), s3 = v128.load(o, 48);
    let a = pA + <usize>j * size;
    for (let i = 0; i < m; i++) {
      s0 = v128.add<T>(s0, v128.load(a)); s1 = v128.add<T>(s1, v128.load(a, 16));
      s2 = v128.add<T>(s2, v128.load(a, 32)); s3 = v128.add<T>(s3, v128.load(a, 48));
      a += <usize>n * size;
    }
    v128.store(o, s0); v128.store(o, s1, 16); v128.store(o, s2, 32); v128.store(o, s3, 48);
  }
  for (; j + lanes <= n; j += lanes) {
    const o = pOut + <usize>j * size;
    let s = v128.load(o);
    let a = pA + <usize>j * size;
    for (let i = 0; i < m; i++) {
      s = v128.add<T>(s, v128.load(a));
      a += <usize>n * size;
    }
    v128.store(o, s);
  }
  for (; j < n; j++) {
    const o = pOut + <usize>j * size;
    let s = load<T>(o);
    let a = pA + <usize>j * size;
    for (let i = 0; i < m; i++) {
      s = s + load<T>(a);
      a += <usize>n * size;
    }
    store<T>(o, s);
  }
}

export function sumRowsF32(m: i32, n: i32, pA: usize, beta: f64, pOut: usize): void {
  sumRowsT<f32>(m, n, pA, <f32>beta, pOut);
}

export function sumRowsF64(m: i32, n: i32, pA: usize, beta: f64, pOut: usize): void {
  sumRowsT<f64>(m, n, pA, beta, pOut);
}

/** `dz = da ⊙ 1[z > 0]` over `size` elements (exact, so identical to the JavaScript backend). */
@inline
function reluBackwardT<T>(size: i32, pz: usize, pda: usize, pdz: usize): void {
  const bytes = <usize>sizeof<T>();
  const lanes = <i32>(16 / sizeof<T>());
  const zero = v128.splat<T>(0);
  let t = 0;
  for (; t + lanes <= size; t += lanes) {
    const o = <usize>t * bytes;
    v128.store(pdz + o, v128.and(v128.load(pda + o), v128.gt<T>(v128.load(pz + o), zero)));
  }
  for (; t < size; t++) {
    const o = <usize>t * bytes;
    store<T>(pdz + o, load<T>(pz + o) > 0 ? load<T>(pda + o) : <T>0);
  }
}

export function reluBackwardF32(size: i32, pz: usize, pda: usize, pdz: usize): void {
  reluBackwardT<f32>(size, pz, pda, pdz);
}

export function reluBackwardF64(size: i32, pz: usize, pda: usize, pdz: usize): void {
  reluBackwardT<f64>(size, pz, pda, pdz);
}

/** `out[t] = c·(a[t] − b[t])` over `size` elements, in f64 and rounded once (as the JavaScript backend). */
@inline
function scaledDifferenceT<T>(size: i32, pa: usize, pb: usize, pOut: usize, c: f64): void {
  const bytes = <usize>sizeof<T>();
  for (let t = 0; t < size; t++) {
    const o = <usize>t * bytes;
    store<T>(pOut + o, <T>(c * (<f64>load<T>(pa + o) - <f64>load<T>(pb + o))));
  }
}

export function scaledDifferenceF32(size: i32, pa: usize, pb: usize, pOut: usize, c: f64): void {
  scaledDifferenceT<f32>(size, pa, pb, pOut, c);
}

export function scaledDifferenceF64(size: i32, pa: usize, pb: usize, pOut: usize, c: f64): void {
  scaledDifferenceT<f64>(size, pa, pb, pOut, c);
}

/** `out[t] = (a[t] − b[t])/d` over `size` elements, in f64 and rounded once (as the JavaScript backend). */
@inline
function differenceOverT<T>(size: i32, pa: usize, pb: usize, pOut: usize, d: f64): void {
  const bytes = <usize>sizeof<T>();
  for (let t = 0; t < size; t++) {
    const o = <usize>t * bytes;
    store<T>(pOut + o, <T>((<f64>load<T>(pa + o) - <f64>load<T>(pb + o)) / d));
  }
}

export function differenceOverF32(size: i32, pa: usize, pb: usize, pOut: usize, d: f64): void {
  differenceOverT<f32>(size, pa, pb, pOut, d);
}

export function differenceOverF64(size: i32, pa: usize, pb: usize, pOut: usize, d: f64): void {
  differenceOverT<f64>(size, pa, pb, pOut, d);
}

/** BLAS axpy `out[t] = y[t] + α·x[t]` over `size` elements, in f64 and rounded once (`out` may be `y`). */
@inline
function axpyT<T>(size: i32, px: usize, py: usize, pOut: usize, alpha: f64): void {
  const bytes = <usize>sizeof<T>();
  for (let t = 0; t < size; t++) {
    const o = <usize>t * bytes;
    store<T>(pOut + o, <T>(<f64>load<T>(py + o) + alpha * <f64>load<T>(px + o)));
  }
}

/** `out[t] = y[t] + α·sign(x[t])`, sign(0) = sign(NaN) = 0, in f64 and rounded once (`out` may be `y`). */
@inline
function signAxpyT<T>(size: i32, px: usize, py: usize, pOut: usize, alpha: f64): void {
  const bytes = <usize>sizeof<T>();
  for (let t = 0; t < size; t++) {
    const o = <usize>t * bytes;
    const v = <f64>load<T>(px + o);
    store<T>(pOut + o, <T>(<f64>load<T>(py + o) + (v > 0 ? alpha : v < 0 ? -alpha : 0)));
  }
}

/** `out[t] = x[t]·(mask[t] ≠ 0 ? s : 0)` over `size` elements, in f64 and rounded once (`out` may be `x`). */
@inline
function maskedScaleT<T>(size: i32, px: usize, pm: usize, pOut: usize, s: f64): void {
  const bytes = <usize>sizeof<T>();
  for (let t = 0; t < size; t++) {
    const o = <usize>t * bytes;
    const m = <f64>load<T>(pm + o);
    store<T>(pOut + o, <T>(<f64>load<T>(px + o) * (m != 0 ? s : 0)));
  }
}

export function maskedScaleF32(size: i32, px: usize, pm: usize, pOut: usize, s: f64): void {
  maskedScaleT<f32>(size, px, pm, pOut, s);
}

export function maskedScaleF64(size: i32, px: usize, pm: usize, pOut: usize, s: f64): void {
  maskedScaleT<f64>(size, px, pm, pOut, s);
}

export function axpyF32(size: i32, px: usize, py: usize, pOut: usize, alpha: f64): void {
  axpyT<f32>(size, px, py, pOut, alpha);
}

export function axpyF64(size: i32, px: usize, py: usize, pOut: usize, alpha: f64): void {
  axpyT<f64>(size, px, py, pOut, alpha);
}

export function signAxpyF32(size: i32, px: usize, py: usize, pOut: usize, alpha: f64): void {
  signAxpyT<f32>(size, px, py, pOut, alpha);
}

export function signAxpyF64(size: i32, px: usize, py: usize, pOut: usize, alpha: f64): void {
  signAxpyT<f64>(size, px, py, pOut, alpha);
}

// ---------------------------------------------------------------------------------------------
// The logistic sigmoid, in f64 and rounded once (as the JavaScript backend), on a port of fdlibm's
// e_exp.c that gives the bits of src/fdlibm-exp.ts (and of V8's Math.exp).

/** 2^k for −1022 ≤ k ≤ 1023, exactly. */
@inline
function twoTo(k: i32): f64 {
  return reinterpret<f64>(<u64>(0x3ff + k) << 52);
}

/** e^x: fdlibm e_exp.c line by line (see src/fdlibm-exp.ts). */
function exp64(x: f64): f64 {
  const bits = reinterpret<u64>(x);
  let hx = <u32>(bits >> 32);
  const xsb = <i32>(hx >> 31);
  hx &= 0x7fffffff;
  if (hx >= 0x40862e42) {
    if (hx >= 0x7ff00000) {
      if (((hx & 0xfffff) | <u32>bits) != 0) return x + x;
      return xsb == 0 ? x : 0;
    }
    if (x > 7.09782712893383973096e2) return 1.0e300 * 1.0e300;
    if (x < -7.45133219101941108420e2) return 9.33263618503218878990e-302 * 9.33263618503218878990e-302;
  }
  let hi: f64 = 0, lo: f64 = 0;
  let k: i32 = 0;
  if (hx > 0x3fd62e42) {
    if (hx < 0x3ff0a2b2) {
      if (x == 1) return 2.718281828459045;
      hi = x - (xsb == 0 ? 6.93147180369123816490e-1 : -6.93147180369123816490e-1);
      lo = xsb == 0 ? 1.90821492927058770002e-10 : -1.90821492927058770002e-10;
      k = 1 - xsb - xsb;
    } else {
      k = <i32>(1.44269504088896338700e0 * x + (xsb == 0 ? 0.5 : -0.5));
      hi = x - <f64>k * 6.93147180369123816490e-1;
      lo = <f64>k * 1.90821492927058770002e-10;
    }
    x = hi - lo;
  } else if (hx < 0x3e300000) {
    if (1.0e300 + x > 1) return 1 + x;
  }
  const t = x * x;
  const c = x - t * (1.66666666666666019037e-1 + t * (-2.77777777770155933842e-3 + t * (6.61375632143793436117e-5 + t * (-1.65339022054652515390e-6 + t * 4.13813679705723846039e-8))));
  if (k == 0) return 1 - ((x * c) / (c - 2.0) - x);
  const y = 1 - ((lo - (x * c) / (2.0 - c)) - hi);
  if (k >= -1021) {
    if (k == 1024) return y * 2.0 * twoTo(1023);
    return y * twoTo(k);
  }
  return y * twoTo(k + 1000) * 9.33263618503218878990e-302;
}

/** One element of {@link sigmoidT}: `1/(1 + e^(−z))` for z ≥ 0, `e^z/(1 + e^z)` otherwise (no overflow). */
@inline
function sigmoid1<T>(pz: usize, pa: usize): void {
  const v = <f64>load<T>(pz);
  let r: f64;
  if (v >= 0) {
    r = 1 / (1 + exp64(-v));
  } else {
    const e = exp64(v);
    r = e / (1 + e);
  }
  store<T>(pa, <T>r);
}

/** sigmoid over `size` elements: f32 by sigmoidF32Rounded (an approximation and a rounding test), f64 by {@link sigmoidFdlibmT}. */
@inline
function sigmoidT<T>(size: i32, pz: usize, pa: usize): void {
  if (sizeof<T>() == 4) sigmoidF32Rounded(size, pz, pa);
  else sigmoidFdlibmT<T>(size, pz, pa);
}

/**
 * {@link sigmoid1} over `size` elements, two at a time: e = e^(−|z|) by {@link exp64x2}, then
 * (z ≥ 0 ? 1 : e)/(1 + e), the same operations as the scalar form in each lane. A pair with a lane
 * outside 2^−28 ≤ |z| < 708 (NaN included) goes through the scalar form. (f32 sigmoid has a loop of
 * its own, sigmoidF32Rounded, and comes here never: its fallback is the scalar form.)
 */
@inline
function sigmoidFdlibmT<T>(size: i32, pz: usize, pa: usize): void {
  const bytes = <usize>sizeof<T>();
  let t = 0;
  // Eight at a time: four pairs side by side. Each pair's exp and division form a long chain of
  // dependent operations, and four independent chains keep the CPU's units busy where two left them
  // idle part of the time (measured for f32 on a quiet machine: 3.45 ns an element with two pairs,
  // 3.0–3.2 with four).
  for (; t + 8 <= size; t += 8) {
    const o1 = <usize>t * bytes, o2 = o1 + 2 * bytes, o3 = o1 + 4 * bytes, o4 = o1 + 6 * bytes;
    const v1 = loadPair<T>(pz + o1), v2 = loadPair<T>(pz + o2), v3 = loadPair<T>(pz + o3), v4 = loadPair<T>(pz + o4);
    const a1 = f64x2.abs(v1), a2 = f64x2.abs(v2), a3 = f64x2.abs(v3), a4 = f64x2.abs(v4);
    if (i64x2.all_true(v128.and(v128.and(sigmoidDomain(a1), sigmoidDomain(a2)), v128.and(sigmoidDomain(a3), sigmoidDomain(a4))))) {
      // e^(−|z|): exp64(−z) for z ≥ 0, exp64(z) otherwise.
      const e1 = exp64x2(v128.or(a1, lanes(SIGN))), e2 = exp64x2(v128.or(a2, lanes(SIGN)));
      const e3 = exp64x2(v128.or(a3, lanes(SIGN))), e4 = exp64x2(v128.or(a4, lanes(SIGN)));
      storePair<T>(pa + o1, sigmoidFinish(v1, e1));
      storePair<T>(pa + o2, sigmoidFinish(v2, e2));
      storePair<T>(pa + o3, sigmoidFinish(v3, e3));
      storePair<T>(pa + o4, sigmoidFinish(v4, e4));
    } else {
      sigmoidPair<T>(pz + o1, pa + o1);
      sigmoidPair<T>(pz + o2, pa + o2);
      sigmoidPair<T>(pz + o3, pa + o3);
      sigmoidPair<T>(pz + o4, pa + o4);
    }
  }
  for (; t + 2 <= size; t += 2) sigmoidPair<T>(pz + <usize>t * bytes, pa + <usize>t * bytes);
  if (t < size) sigmoid1<T>(pz + <usize>t * bytes, pa + <usize>t * bytes);
}

/** The lanes of |z| where exp64x2 computes e^(−|z|): 2^−28 ≤ |z| < 708. */
@inline
function sigmoidDomain(a: v128): v128 {
  return v128.and(f64x2.lt(a, lanes(EXP_LIMIT)), f64x2.ge(a, lanes(TINY)));
}

/** (z ≥ 0 ? 1 : e)/(1 + e), e = e^(−|z|). */
@inline
function sigmoidFinish(v: v128, e: v128): v128 {
  const one = lanes(ONE);
  return f64x2.div(v128.bitselect(one, e, f64x2.ge(v, lanes(ZERO))), f64x2.add(one, e));
}

/** One pair: by exp64x2 when both lanes are in its domain, else by the scalar form. */
@inline
function sigmoidPair<T>(pz: usize, pa: usize): void {
  const v = loadPair<T>(pz);
  const a = f64x2.abs(v);
  if (i64x2.all_true(sigmoidDomain(a))) {
    storePair<T>(pa, sigmoidFinish(v, exp64x2(v128.or(a, lanes(SIGN)))));
  } else {
    sigmoid1<T>(pz, pa);
    sigmoid1<T>(pz + <usize>sizeof<T>(), pa + <usize>sizeof<T>());
  }
}

/** `dz = da·a·(1 − a)` over `size` elements, in f64 and rounded once (two at a time; a pair with a NaN result is redone one by one). */
@inline
function sigmoidBackwardT<T>(size: i32, pa: usize, pda: usize, pdz: usize): void {
  const bytes = <usize>sizeof<T>();
  let t = 0;
  for (; t + 2 <= size; t += 2) {
    const o = <usize>t * bytes;
    const v = loadPair<T>(pa + o);
    const r = f64x2.mul(f64x2.mul(loadPair<T>(pda + o), v), f64x2.sub(lanes(ONE), v));
    if (i64x2.all_true(f64x2.eq(r, r))) {
      storePair<T>(pdz + o, r);
    } else {
      sigmoidBackward1<T>(pa + o, pda + o, pdz + o);
      sigmoidBackward1<T>(pa + o + bytes, pda + o + bytes, pdz + o + bytes);
    }
  }
  if (t < size) sigmoidBackward1<T>(pa + <usize>t * bytes, pda + <usize>t * bytes, pdz + <usize>t * bytes);
}

@inline
function sigmoidBackward1<T>(pa: usize, pda: usize, pdz: usize): void {
  const v = <f64>load<T>(pa);
  store<T>(pdz, <T>(<f64>load<T>(pda) * v * (1 - v)));
}

// ---------------------------------------------------------------------------------------------
// float32 sigmoid without fdlibm on the common path. The result must be R(z) = <f32>F(z), F the f64
// value sigmoid1 computes (z ≥ 0: 1/(1 + exp64(−z)); else e = exp64(z), e/(1 + e); the bits of
// Math.fround of jsSigmoid's value). A cheap f64 approximation y of σ(z) decides R(z) whenever the
// rounding is certain (Ziv's rounding test, as for f32 tanh):
//
//   lo = y·(1 − δ), hi = y·(1 + δ), δ = 2^−40; if <f32>lo == <f32>hi, that f32 is R(z).
//
// Why: y has a relative error below 2^−48 (next paragraph) and F is within 2^−50.5 of σ(z) (exp64
// within an ulp, 2^−52 relative, carried into σ with a factor ≤ 1; 1 + e and the division round by
// 2^−53 each; σ(z) ≥ e^−110 is far above f64's subnormals), so |F − y| < 2^−47·y and F lies in
// [lo, hi] with room to spare (the products round by 2^−53 relative only). Rounding to f32 is
// monotone, subnormal f32 results (σ < 2^−126, z < −87.3) and the underflow to +0 (σ < 2^−150,
// z < −103.97) included: <f32>lo ≤ R(z) ≤ <f32>hi, so equal ends give R(z). When they differ (the
// interval holds an f32 rounding boundary) or y is NaN, the pair is computed by the exact scalar
// form sigmoid1. scripts/check-rounded-f32.mjs sigmoid runs this kernel on all 2^32 float32 inputs against
// Math.fround of jsSigmoid's formula: no difference; 13430 finite inputs take the fallback (11466
// pairs; all with 2^−23 ≤ z ≤ 17.33 or −90.13 ≤ z ≤ −2^−24, densest near |z| = 10^−5, where σ ≈ ½ + z/4 and
// an f32 z with few significant bits puts F on or next to a boundary), besides the NaNs; y's largest
// relative error is 2^−48.95. Unlike tanh's, <f32>y alone is wrong on 24 inputs: F is exactly an f32
// midpoint on 145 inputs (it rounds to even there) and within 2^−53 of one on others, closer than y's
// error, so the test and the fallback are what make those right.
//
// The approximation: y = 1/(1 + E), E = e^x, x = −z clamped to [−110, 110] (exact), for either sign
// of z (for z < 0 this is σ = 1/(1 + e^|z|), the reference's e/(1 + e) in another form: y is only the
// approximation). E = 2^(k/N)·e^r with N = 128, k = round(x·N/ln2) (by the 1.5·2^52 shifter: k +
// SHIFTER holds k in its low bits; |k| ≤ 20313), r = x − k·ln2hi/N − k·ln2lo/N: ln2hi has 32
// significant bits, so k·ln2hi/N is exact, and so is x − k·ln2hi/N (k = 0, or |x| > 2^−9 and both
// are multiples of 2^−39 less than 2^−8 apart); |r| ≤ ln2/256 < 2^−8.5. 2^(k/N) = 2^(j/N)·2^q with
// k = 128q + j, 0 ≤ j < 128: SIGMOID_EXP_TABLE holds the bits of 2^(j/N) (exp64(j·ln2/N), within
// 2^−51.4) less j << 45, and adding (k + SHIFTER) << 45 (= k << 45 modulo 2^64: the shifter's bits
// leave) puts q into the exponent (|q| ≤ 159: normal). e^r is 1 + r + r²/2 + r³/6 + r⁴/24 (the rest
// is below r⁵/119 < 2^−49.5; evaluated as (1 + r) + r²·((½ + r/6) + r²/24)), E is within about
// 2^−48.5, and y within 2^−48 (E's error reaches y with a factor E/(1 + E) ≤ 1).
// Beyond the clamp (|z| ≥ 110, ±∞ included) y is σ(±110): for z ≥ 110, y = 1 and both ends round to
// 1 = R(z) (F = 1 there); for z ≤ −110, y ≈ 2^−158.7 and both ends round to +0 = R(z) (F < 2^−158).
// ±0 give E = 1 and y = ½ (as jsSigmoid, where −0 ≥ 0). NaN stays NaN through the clamp (pmax(x, −110)
// is `x < −110 ? −110 : x`, pmin(x, 110) is `110 < x ? 110 : x`), its table index is some j < 128,
// y is NaN and the pair goes through sigmoid1, which returns the bits the scalar form always did.
// Four pairs side by side, as in sigmoidFdlibmT (the divisions' latency overlaps).

/** 2^(j/128) for j = 0 … 127 (exp64(j·ln2/128)), as bits less j << 45 (see above); filled when the module starts. */
const SIGMOID_EXP_TABLE = memory.data(8 * 128, 16);
for (let j = 0; j < 128; j++) {
  const bits = reinterpret<u64>(exp64(<f64>j * (0.6931471805599453 / 128)));
  store<u64>(SIGMOID_EXP_TABLE + (<usize>j << 3), bits - (<u64>j << 45));
}

/** σ(z) = 1/(1 + e^(−z)) of both lanes (f32 values widened) within 2^−48 relative; NaN for NaN. */
@inline
function sigmoidApprox64x2(v: v128): v128 {
  const x = f64x2.pmin(f64x2.pmax(v128.xor(v, lanes(SIGN)), lanes(SIGMOID_LIMIT_NEG)), lanes(SIGMOID_LIMIT));
  const shifter = lanes(SHIFTER);
  const k = f64x2.add(f64x2.mul(x, lanes(SIGMOID_INV_STEP)), shifter);
  const kd = f64x2.sub(k, shifter);
  const r = f64x2.sub(f64x2.sub(x, f64x2.mul(kd, lanes(SIGMOID_STEP_HI))), f64x2.mul(kd, lanes(SIGMOID_STEP_LO)));
  const j0 = <usize>(i32x4.extract_lane(k, 0) & 127), j1 = <usize>(i32x4.extract_lane(k, 2) & 127);
  const t = v128.load64_lane(SIGMOID_EXP_TABLE + (j1 << 3), v128.load64_zero(SIGMOID_EXP_TABLE + (j0 << 3)), 1);
  const scale = i64x2.add(t, i64x2.shl(k, 45));
  const r2 = f64x2.mul(r, r);
  const q = f64x2.add(f64x2.add(lanes(HALF), f64x2.mul(r, lanes(SIGMOID_C3))), f64x2.mul(r2, lanes(SIGMOID_C4)));
  const p = f64x2.add(f64x2.add(lanes(ONE), r), f64x2.mul(r2, q));
  const one = lanes(ONE);
  return f64x2.div(one, f64x2.add(one, f64x2.mul(scale, p)));
}

/**
 * Row-wise softmax of a rows × cols matrix, as the JavaScript backend computes it: m = the row's
 * maximum; e_j = e^(z_j − m) in f64, stored (rounded to T) while the f64 values are summed into s;
 * then a_j = (stored e_j)/s, rounded once.
 */
@inline
function softmaxRowsT<T>(rows: i32, cols: i32, pz: usize, pa: usize): void {
  const bytes = <usize>sizeof<T>();
  for (let i = 0; i < rows; i++) {
    const z = pz + <usize>i * <usize>cols * bytes, a = pa + <usize>i * <usize>cols * bytes;
    let m: f64 = -Infinity;
    for (let j = 0; j < cols; j++) {
      const v = <f64>load<T>(z + <usize>j * bytes);
      if (v > m) m = v;
    }
    let sum: f64 = 0;
    for (let j = 0; j < cols; j++) {
      const e = exp64(<f64>load<T>(z + <usize>j * bytes) - m);
      store<T>(a + <usize>j * bytes, <T>e);
      sum += e;
    }
    for (let j = 0; j < cols; j++) store<T>(a + <usize>j * bytes, <T>(<f64>load<T>(a + <usize>j * bytes) / sum));
  }
}

export function softmaxRowsF32(rows: i32, cols: i32, pz: usize, pa: usize): void {
  softmaxRowsT<f32>(rows, cols, pz, pa);
}

export function softmaxRowsF64(rows: i32, cols: i32, pz: usize, pa: usize): void {
  softmaxRowsT<f64>(rows, cols, pz, pa);
}

export function sigmoidF32(size: i32, pz: usize, pa: usize): void {
  sigmoidT<f32>(size, pz, pa);
}

export function sigmoidF64(size: i32, pz: usize, pa: usize): void {
  sigmoidT<f64>(size, pz, pa);
}

export function sigmoidBackwardF32(size: i32, pa: usize, pda: usize, pdz: usize): void {
  sigmoidBackwardT<f32>(size, pa, pda, pdz);
}

export function sigmoidBackwardF64(size: i32, pa: usize, pda: usize, pdz: usize): void {
  sigmoidBackwardT<f64>(size, pa, pda, pdz);
}

// ---------------------------------------------------------------------------------------------
// tanh, in f64 and rounded once, on ports of fdlibm's s_tanh.c and s_expm1.c that give the bits of
// src/fdlibm-tanh.ts (and of V8's Math.tanh).

/** The double whose high word is `hi` and low word 0. */
@inline
function fromHigh(hi: u32): f64 {
  return reinterpret<f64>(<u64>hi << 32);
}

/** e^x − 1: fdlibm s_expm1.c line by line (see src/fdlibm-tanh.ts). */
function expm164(x: f64): f64 {
  const bits = reinterpret<u64>(x);
  let hx = <u32>(bits >> 32);
  const xsb = hx >> 31;
  hx &= 0x7fffffff;
  if (hx >= 0x4043687a) {
    if (hx >= 0x40862e42) {
      if (hx >= 0x7ff00000) {
        if (((hx & 0xfffff) | <u32>bits) != 0) return x + x;
        return xsb == 0 ? x : -1.0;
      }
      if (x > 7.09782712893383973096e2) return 1.0e300 * 1.0e300;
    }
    if (xsb != 0 && x + 1.0e-300 < 0.0) return 1.0e-300 - 1;
  }
  let hi: f64 = 0, lo: f64 = 0, c: f64 = 0;
  let k: i32 = 0;
  if (hx > 0x3fd62e42) {
    if (hx < 0x3ff0a2b2) {
      if (xsb == 0) {
        hi = x - 6.93147180369123816490e-1;
        lo = 1.90821492927058770002e-10;
        k = 1;
      } else {
        hi = x + 6.93147180369123816490e-1;
        lo = -1.90821492927058770002e-10;
        k = -1;
      }
    } else {
      k = <i32>(1.44269504088896338700e0 * x + (xsb == 0 ? 0.5 : -0.5));
      hi = x - <f64>k * 6.93147180369123816490e-1;
      lo = <f64>k * 1.90821492927058770002e-10;
    }
    x = hi - lo;
    c = hi - x - lo;
  } else if (hx < 0x3c900000) {
    const t = 1.0e300 + x;
    return x - (t - (1.0e300 + x));
  }
  const hfx = 0.5 * x;
  const hxs = x * hfx;
  const r1 = 1 + hxs * (-3.33333333333331316428e-2 + hxs * (1.58730158725481460165e-3 + hxs * (-7.93650757867487942473e-5 + hxs * (4.00821782732936239552e-6 + hxs * -2.01099218183624371326e-7))));
  let t = 3.0 - r1 * hfx;
  let e = hxs * ((r1 - t) / (6.0 - x * t));
  if (k == 0) return x - (x * e - hxs);
  const twopk = fromHigh(<u32>(0x3ff00000 + (k << 20)));
  e = x * (e - c) - c;
  e -= hxs;
  if (k == -1) return 0.5 * (x - e) - 0.5;
  if (k == 1) {
    if (x < -0.25) return -2.0 * (e - (x + 0.5));
    return 1 + 2.0 * (x - e);
  }
  let y: f64;
  if (k <= -2 || k > 56) {
    y = 1 - (e - x);
    if (k == 1024) y = y * 2.0 * fromHigh(0x7fe00000);
    else y = y * twopk;
    return y - 1;
  }
  if (k < 20) {
    t = fromHigh(<u32>(0x3ff00000 - (0x200000 >> k)));
    y = t - (e - x);
    y = y * twopk;
  } else {
    t = fromHigh(<u32>((0x3ff - k) << 20));
    y = x - (e + t);
    y += 1;
    y = y * twopk;
  }
  return y;
}

/** tanh(x): fdlibm s_tanh.c line by line (see src/fdlibm-tanh.ts). */
function tanh64(x: f64): f64 {
  const jx = <i32>(reinterpret<u64>(x) >> 32);
  const ix = jx & 0x7fffffff;
  if (ix >= 0x7ff00000) {
    if (jx >= 0) return 1 / x + 1;
    return 1 / x - 1;
  }
  let z: f64;
  if (ix < 0x40360000) {
    if (ix < 0x3e300000 && 1.0e300 + x > 1) return x;
    if (ix >= 0x3ff00000) {
      const t = expm164(2 * Math.abs(x));
      z = 1 - 2 / (t + 2);
    } else {
      const t = expm164(-2 * Math.abs(x));
      z = -t / (t + 2);
    }
  } else {
    z = 1 - 1.0e-300;
  }
  return jx >= 0 ? z : -z;
}

// ---------------------------------------------------------------------------------------------
// exp64, expm164 and tanh64 on two lanes at once (f64x2). Every branch of the scalar port becomes a
// lane select: a lane computes every branch's operations on its input and keeps the one the scalar
// port would have taken, so each lane performs exactly the scalar port's IEEE operations and gets its
// bits. The special returns the selects do not cover (overflow, NaN, ±∞, results that would be
// subnormal) are left out of each function's domain; callers send a pair with a lane outside it
// through the scalar port.

/** Two doubles at `p` (f64), or two floats widened exactly (f32). */
@inline
function loadPair<T>(p: usize): v128 {
  if (sizeof<T>() == 8) return v128.load(p);
  return f64x2.promote_low_f32x4(v128.load64_zero(p));
}

/** Stores both lanes at `p` (f64), or both rounded once to f32 (as `<f32>` rounds a double). */
@inline
function storePair<T>(p: usize, v: v128): void {
  if (sizeof<T>() == 8) v128.store(p, v);
  else v128.store64_lane(p, f32x4.demote_f64x2_zero(v), 0);
}

// The constants of the vector forms, each in both lanes, read from static data: one load apiece,
// where V8 would build a v128.const from immediates with three instructions at every use.
const LANES = memory.data<f64>([
  /*  0 */ -0.0, -0.0, // the sign bit
  /*  1 */ 1, 1,
  /*  2 */ 2, 2,
  /*  3 */ 0.5, 0.5,
  /*  4 */ 1.44269504088896338700e0, 1.44269504088896338700e0, // 1/ln2
  /*  5 */ 6.93147180369123816490e-1, 6.93147180369123816490e-1, // ln2hi
  /*  6 */ 1.90821492927058770002e-10, 1.90821492927058770002e-10, // ln2lo
  /*  7 */ 6755399441055744.0, 6755399441055744.0, // 1.5·2^52: k + this holds k in its low bits
  /*  8 */ 4.13813679705723846039e-8, 4.13813679705723846039e-8, // exp's P5 … P1
  /*  9 */ -1.65339022054652515390e-6, -1.65339022054652515390e-6,
  /* 10 */ 6.61375632143793436117e-5, 6.61375632143793436117e-5,
  /* 11 */ -2.77777777770155933842e-3, -2.77777777770155933842e-3,
  /* 12 */ 1.66666666666666019037e-1, 1.66666666666666019037e-1,
  /* 13 */ -2.01099218183624371326e-7, -2.01099218183624371326e-7, // expm1's Q5 … Q1
  /* 14 */ 4.00821782732936239552e-6, 4.00821782732936239552e-6,
  /* 15 */ -7.93650757867487942473e-5, -7.93650757867487942473e-5,
  /* 16 */ 1.58730158725481460165e-3, 1.58730158725481460165e-3,
  /* 17 */ -3.33333333333331316428e-2, -3.33333333333331316428e-2,
  /* 18 */ 3.0, 3.0,
  /* 19 */ 6.0, 6.0,
  /* 20 */ -0.25, -0.25,
  /* 21 */ -2.0, -2.0,
  /* 22 */ 708, 708,
  /* 23 */ 22, 22, // fromHigh(0x40360000)
  /* 24 */ Infinity, Infinity,
  /* 25 */ 3.725290298461914e-9, 3.725290298461914e-9, // 2^−28 = fromHigh(0x3e300000)
  /* 26 */ 0.3465735912322998, 0.3465735912322998, // fromHigh(0x3fd62e43): high word > 0x3fd62e42
  /* 27 */ 20, 20,
  /* 28 */ 56, 56,
  /* 29 */ -1, -1,
  /* 30 */ 0, 0,
  /* 31 */ 1 - 1.0e-300, 1 - 1.0e-300,
  /* 32 */ 0.7978845608028654, 0.7978845608028654, // GELU_C
  /* 33 */ 0.044715, 0.044715,
  /* 34 */ 3 * 0.044715, 3 * 0.044715,
  /* 35 */ -0.3465735912322998, -0.3465735912322998,
  /* 36 */ 128, 128, // TANH_STEPS: the f32 tanh table's points per unit
  /* 37 */ 0.0078125, 0.0078125, // 1/128
  /* 38 */ 10, 10, // the f32 tanh table's last point
  /* 39 */ -0.3333333333333333, -0.3333333333333333, // tanh(d) = d + d³(−1/3 + d²·2/15) + O(d⁷)
  /* 40 */ 0.13333333333333333, 0.13333333333333333,
  /* 41 */ 1 - 9.094947017729282e-13, 1 - 9.094947017729282e-13, // 1 ∓ δ, δ = 2^−40
  /* 42 */ 1 + 9.094947017729282e-13, 1 + 9.094947017729282e-13,
  /* 43 */ 110, 110, // the f32 sigmoid's clamp of −z to [−110, 110]
  /* 44 */ 128 / 0.6931471805599453, 128 / 0.6931471805599453, // N/ln2, N = 128
  /* 45 */ 6.93147180369123816490e-1 / 128, 6.93147180369123816490e-1 / 128, // ln2hi/N (32 bits: n·this is exact)
  /* 46 */ 1.90821492927058770002e-10 / 128, 1.90821492927058770002e-10 / 128, // ln2lo/N
  /* 47 */ 0.16666666666666666, 0.16666666666666666, // e^r = 1 + r + r²/2 + r³/6 + r⁴/24 + O(r⁵)
  /* 48 */ 0.041666666666666664, 0.041666666666666664,
  /* 49 */ -110, -110,
], 16);

const SIGN = 0, ONE = 1, TWO = 2, HALF = 3, INVLN2 = 4, LN2HI = 5, LN2LO = 6, SHIFTER = 7, P5 = 8, P4 = 9, P3 = 10, P2 = 11, P1 = 12;
const Q5 = 13, Q4 = 14, Q3 = 15, Q2 = 16, Q1 = 17, THREE = 18, SIX = 19, QUARTER_NEG = 20, TWO_NEG = 21, EXP_LIMIT = 22;
const TANH_SATURATED = 23, INF = 24, TINY = 25, HALF_LN2_ABOVE = 26, TWENTY = 27, FIFTY_SIX = 28, ONE_NEG = 29, ZERO = 30;
const TANH_ONE = 31, GELU_C2 = 32, GELU_A = 33, GELU_3A = 34, HALF_LN2_ABOVE_NEG = 35;
const TANH_STEPS_N = 36, TANH_STEP = 37, TANH_LAST_X = 38, TANH_D3 = 39, TANH_D5 = 40, ROUND_BELOW = 41, ROUND_ABOVE = 42;
const SIGMOID_LIMIT = 43, SIGMOID_INV_STEP = 44, SIGMOID_STEP_HI = 45, SIGMOID_STEP_LO = 46, SIGMOID_C3 = 47, SIGMOID_C4 = 48, SIGMOID_LIMIT_NEG = 49;

/** Constant `i` of {@link LANES} in both lanes. */
@inline
function lanes(i: i32): v128 {
  return v128.load(LANES + <usize>i * 16);
}

/** 0x3ff << 52 in both lanes (the bits of 1.0, as integers). */
@inline
function exponentBias(): v128 {
  return lanes(ONE);
}

/**
 * The k of fdlibm's argument reduction (exp and expm1 alike), as an integral f64 per lane: 0 when the
 * high word of |x| is ≤ 0x3fd62e42, else trunc(x/ln2 ± ½) (the scalar ports' truncating conversion).
 * Between that bound and 1.5·ln2 (high word < 0x3ff0a2b2) the ports take k = ±1 without the
 * product, and trunc(x/ln2 ± ½) is ±1 there too (x/ln2 lies in [0.5 + 1.4e−9, 1.5 − 2e−7]); there
 * x − k·ln2hi and k·ln2lo are the ports' x ∓ ln2hi and ±ln2lo exactly.
 */
@inline
function reduceK(x: v128, negative: bool): v128 {
  if (negative) {
    // x < 0: trunc(x/ln2 − ½), and high word > 0x3fd62e42 ⇔ x ≤ −fromHigh(0x3fd62e43).
    const k = f64x2.trunc(f64x2.sub(f64x2.mul(lanes(INVLN2), x), lanes(HALF)));
    return v128.and(k, f64x2.le(x, lanes(HALF_LN2_ABOVE_NEG)));
  }
  const half = v128.or(lanes(HALF), v128.and(x, lanes(SIGN)));
  const k = f64x2.trunc(f64x2.add(f64x2.mul(lanes(INVLN2), x), half));
  return v128.and(k, f64x2.ge(f64x2.abs(x), lanes(HALF_LN2_ABOVE)));
}

/** 2^k from the bits of k + 1.5·2^52 (k integral, −1022 ≤ k ≤ 1023): (k + 0x3ff) << 52. */
@inline
function twoToShifted(shifted: v128): v128 {
  return i64x2.add(i64x2.shl(shifted, 52), exponentBias());
}

/**
 * exp64 of both lanes for −708 < x ≤ −2^−28 (the arguments sigmoid gives it): no special return is
 * reachable and 2^k is normal. The port's k = 0 return, 1 − ((x·c)/(c − 2) − x), equals the general
 * one, 1 − ((lo − (x·c)/(2 − c)) − hi), with k = 0, lo = 0, hi = x (c − 2 = −(2 − c) and a/(−b) =
 * −(a/b) exactly; 0 − q = −q as q ≠ 0): one formula serves every lane.
 */
@inline
function exp64x2(x: v128): v128 {
  const k = reduceK(x, true);
  const hi = f64x2.sub(x, f64x2.mul(k, lanes(LN2HI)));
  const lo = f64x2.mul(k, lanes(LN2LO));
  const r = f64x2.sub(hi, lo);
  const t = f64x2.mul(r, r);
  let p = f64x2.add(lanes(P4), f64x2.mul(t, lanes(P5)));
  p = f64x2.add(lanes(P3), f64x2.mul(t, p));
  p = f64x2.add(lanes(P2), f64x2.mul(t, p));
  p = f64x2.add(lanes(P1), f64x2.mul(t, p));
  const c = f64x2.sub(r, f64x2.mul(t, p));
  const q = f64x2.div(f64x2.mul(r, c), f64x2.sub(lanes(TWO), c));
  const y = f64x2.sub(lanes(ONE), f64x2.sub(f64x2.sub(lo, q), hi));
  return f64x2.mul(y, twoToShifted(f64x2.add(k, lanes(SHIFTER))));
}

/** expm164x2 for any x of its domain. */
const EXPM1_ANY = 0;
/** expm164x2 for x outside 0.35 < x < 1.04 (k ≠ 1): tanh's 2|x| ≥ 2 or −2|x|. */
const EXPM1_NO_K1 = 1;
/** expm164x2 for −2 < x < 0 (k ∈ {0, −1, −2, −3}): tanh's −2|x| for |x| < 1. */
const EXPM1_NEGATIVE = 2;

/**
 * expm164 of both lanes for −38 < x < 709 with |x| ≥ 2^−54 (no early return; k ≤ 1023). The returns
 * for k = 0, −1, 1, k ≤ −2 or > 56, 2 ≤ k < 20 and 20 ≤ k ≤ 56 are all computed and one kept per
 * lane; fromHigh(0x3ff00000 − (0x200000 >> k)) is 1 − 2^−k and fromHigh((0x3ff − k) << 20) is 2^−k,
 * both exact. `mode` (a constant) leaves out the returns no lane can take (see EXPM1_NO_K1, EXPM1_NEGATIVE).
 */
@inline
function expm164x2(x: v128, mode: i32): v128 {
  const k = reduceK(x, mode == EXPM1_NEGATIVE);
  const hi = f64x2.sub(x, f64x2.mul(k, lanes(LN2HI)));
  const lo = f64x2.mul(k, lanes(LN2LO));
  const r = f64x2.sub(hi, lo);
  const c = f64x2.sub(f64x2.sub(hi, r), lo);
  const one = lanes(ONE), half = lanes(HALF);
  const hfx = f64x2.mul(half, r);
  const hxs = f64x2.mul(r, hfx);
  let p = f64x2.add(lanes(Q4), f64x2.mul(hxs, lanes(Q5)));
  p = f64x2.add(lanes(Q3), f64x2.mul(hxs, p));
  p = f64x2.add(lanes(Q2), f64x2.mul(hxs, p));
  p = f64x2.add(lanes(Q1), f64x2.mul(hxs, p));
  const r1 = f64x2.add(one, f64x2.mul(hxs, p));
  const t = f64x2.sub(lanes(THREE), f64x2.mul(r1, hfx));
  const e0 = f64x2.mul(hxs, f64x2.div(f64x2.sub(r1, t), f64x2.sub(lanes(SIX), f64x2.mul(r, t))));
  const y0 = f64x2.sub(r, f64x2.sub(f64x2.mul(r, e0), hxs)); // k = 0
  const e = f64x2.sub(f64x2.sub(f64x2.mul(r, f64x2.sub(e0, c)), c), hxs);
  const ym1 = f64x2.sub(f64x2.mul(half, f64x2.sub(r, e)), half); // k = −1
  const shifted = i64x2.shl(f64x2.add(k, lanes(SHIFTER)), 52);
  const twopk = i64x2.add(shifted, exponentBias()), twomk = i64x2.sub(exponentBias(), shifted);
  const d = f64x2.sub(e, r);
  const wide = f64x2.sub(f64x2.mul(f64x2.sub(one, d), twopk), one); // k ≤ −2 or k > 56
  if (mode == EXPM1_NEGATIVE) return v128.bitselect(y0, v128.bitselect(ym1, wide, f64x2.eq(k, lanes(ONE_NEG))), f64x2.eq(k, lanes(ZERO)));
  const low = f64x2.mul(f64x2.sub(f64x2.sub(one, twomk), d), twopk); // 2 ≤ k < 20
  const high = f64x2.mul(f64x2.add(f64x2.sub(r, f64x2.add(e, twomk)), one), twopk); // 20 ≤ k ≤ 56
  let y = v128.bitselect(low, high, f64x2.lt(k, lanes(TWENTY)));
  y = v128.bitselect(wide, y, v128.or(f64x2.lt(k, lanes(ONE_NEG)), f64x2.gt(k, lanes(FIFTY_SIX))));
  if (mode == EXPM1_ANY) {
    const y1 = v128.bitselect(
      f64x2.mul(lanes(TWO_NEG), f64x2.sub(e, f64x2.add(r, half))),
      f64x2.add(one, f64x2.mul(lanes(TWO), f64x2.sub(r, e))),
      f64x2.lt(r, lanes(QUARTER_NEG)),
    );
    y = v128.bitselect(y1, y, f64x2.eq(k, one));
  }
  y = v128.bitselect(ym1, y, f64x2.eq(k, lanes(ONE_NEG)));
  return v128.bitselect(y0, y, f64x2.eq(k, lanes(ZERO)));
}

/**
 * tanh64 of both lanes for finite x with |x| ≥ 2^−28 (±∞, NaN and the tiny return are outside).
 * expm164x2 gets 2|x| ∈ [2, 44) or −2|x| ∈ (−2, −2^−27] where its result is kept (k ≠ 1 there);
 * lanes with |x| ≥ 22 take the port's 1 − 1e−300. z ≥ 0, so −z is z with the sign bit of x.
 */
@inline
function tanh64x2(x: v128): v128 {
  const sign = lanes(SIGN);
  const ax = v128.andnot(x, sign);
  const two = lanes(TWO);
  const big = f64x2.ge(ax, lanes(ONE));
  const twoAx = f64x2.mul(two, ax);
  // −2·|x| is exactly −(2·|x|).
  const t = expm164x2(v128.xor(twoAx, v128.andnot(sign, big)), EXPM1_NO_K1);
  // |x| ≥ 1: 1 − 2/(t + 2); else −t/(t + 2).
  const q = f64x2.div(v128.bitselect(two, v128.xor(t, sign), big), f64x2.add(t, two));
  let z = v128.bitselect(f64x2.sub(lanes(ONE), q), q, big);
  z = v128.bitselect(lanes(TANH_ONE), z, f64x2.ge(ax, lanes(TANH_SATURATED)));
  return v128.or(z, v128.and(x, sign));
}

/** tanh64x2 for 2^−28 ≤ |x| < 1, the common case: −t/(t + 2), t = expm1(−2|x|), with the sign of x. */
@inline
function tanhSmall64x2(x: v128): v128 {
  const sign = lanes(SIGN);
  const t = expm164x2(f64x2.mul(lanes(TWO_NEG), v128.andnot(x, sign)), EXPM1_NEGATIVE);
  const q = f64x2.div(v128.xor(t, sign), f64x2.add(t, lanes(TWO)));
  return v128.or(q, v128.and(x, sign));
}

/** No vector form for this pair. */
const TANH_SCALAR = 0;
/** Both lanes in tanh64x2's domain: finite, |x| ≥ 2^−28. */
const TANH_VECTOR = 1;
/** Both lanes in tanhSmall64x2's domain too: |x| < 1. */
const TANH_SMALL = 2;

/** Which form computes tanh of this pair. */
@inline
function tanhPath(x: v128): i32 {
  const ax = f64x2.abs(x);
  const notTiny = f64x2.ge(ax, lanes(TINY));
  if (i64x2.all_true(v128.and(notTiny, f64x2.lt(ax, lanes(ONE))))) return TANH_SMALL;
  return i64x2.all_true(v128.and(notTiny, f64x2.lt(ax, lanes(INF)))) ? TANH_VECTOR : TANH_SCALAR;
}

/** tanh of both lanes by the form `path` names (not TANH_SCALAR). */
@inline
function tanhByPath(x: v128, path: i32): v128 {
  return path == TANH_SMALL ? tanhSmall64x2(x) : tanh64x2(x);
}

/**
 * e^x (exp64) and e^x − 1 (expm164) over `size` f64 elements, two at a time by the vector forms, a
 * pair with a lane outside their domain by the scalar ports: exported for the tests, which compare
 * the vector forms with the JavaScript ports over their whole domain (tanh and sigmoid reach only
 * part of it, and through a rounding that can hide a wrong branch).
 */
export function vectorExpF64(size: i32, px: usize, py: usize): void {
  let t = 0;
  for (; t + 2 <= size; t += 2) {
    const o = <usize>t << 3;
    const x = v128.load(px + o);
    if (i64x2.all_true(v128.and(f64x2.gt(x, f64x2.neg(lanes(EXP_LIMIT))), f64x2.le(x, f64x2.neg(lanes(TINY)))))) {
      v128.store(py + o, exp64x2(x));
    } else {
      store<f64>(py + o, exp64(load<f64>(px + o)));
      store<f64>(py + o + 8, exp64(load<f64>(px + o + 8)));
    }
  }
  if (t < size) store<f64>(py + (<usize>t << 3), exp64(load<f64>(px + (<usize>t << 3))));
}

export function vectorExpm1F64(size: i32, px: usize, py: usize): void {
  let t = 0;
  for (; t + 2 <= size; t += 2) {
    const o = <usize>t << 3;
    const x = v128.load(px + o);
    const inside = v128.and(v128.and(f64x2.gt(x, f64x2.splat(-38)), f64x2.lt(x, f64x2.splat(709))), f64x2.ge(f64x2.abs(x), f64x2.splat(fromHigh(0x3c900000))));
    if (i64x2.all_true(inside)) {
      // As tanh picks the form: the one for −2 < x < 0 when both lanes are there.
      const negative = i64x2.all_true(v128.and(f64x2.gt(x, lanes(TWO_NEG)), f64x2.lt(x, lanes(ZERO))));
      v128.store(py + o, negative ? expm164x2(x, EXPM1_NEGATIVE) : expm164x2(x, EXPM1_ANY));
    } else {
      store<f64>(py + o, expm164(load<f64>(px + o)));
      store<f64>(py + o + 8, expm164(load<f64>(px + o + 8)));
    }
  }
  if (t < size) store<f64>(py + (<usize>t << 3), expm164(load<f64>(px + (<usize>t << 3))));
}

/** tanh over `size` elements: f32 by tanhF32Rounded (an approximation and a rounding test), f64 by the fdlibm forms. */
@inline
function tanhT<T>(size: i32, pz: usize, pa: usize): void {
  if (sizeof<T>() == 4) tanhF32Rounded(size, pz, pa);
  else tanhFamily<T>(TANH_OF_Z, size, pz, 0, pa);
}

@inline
function tanhBackward1<T>(pa: usize, pda: usize, pdz: usize): void {
  const v = <f64>load<T>(pa);
  store<T>(pdz, <T>(<f64>load<T>(pda) * (1 - v * v)));
}

/** `dz = da·(1 − a²)` over `size` elements, in f64 and rounded once (two at a time; a pair with a NaN result is redone one by one). */
@inline
function tanhBackwardT<T>(size: i32, pa: usize, pda: usize, pdz: usize): void {
  const bytes = <usize>sizeof<T>();
  let t = 0;
  for (; t + 2 <= size; t += 2) {
    const o = <usize>t * bytes;
    const v = loadPair<T>(pa + o);
    const r = f64x2.mul(loadPair<T>(pda + o), f64x2.sub(lanes(ONE), f64x2.mul(v, v)));
    if (i64x2.all_true(f64x2.eq(r, r))) {
      storePair<T>(pdz + o, r);
    } else {
      tanhBackward1<T>(pa + o, pda + o, pdz + o);
      tanhBackward1<T>(pa + o + bytes, pda + o + bytes, pdz + o + bytes);
    }
  }
  if (t < size) tanhBackward1<T>(pa + <usize>t * bytes, pda + <usize>t * bytes, pdz + <usize>t * bytes);
}

// ---------------------------------------------------------------------------------------------
// float32 tanh without fdlibm on the common path. The result must be R(x) = <f32>tanh64(<f64>x), the
// f32 rounding of fdlibm's tanh F(x) (the bits of Math.fround(Math.tanh(x))). A cheap f64
// approximation y of tanh(x) decides R(x) whenever the rounding is certain (Ziv's rounding test):
//
//   lo = y·(1 − δ), hi = y·(1 + δ), δ = 2^−40; if <f32>lo == <f32>hi, that f32 is R(x).
//
// Why: y has a relative error below 2^−48 (next paragraph) and F(x) is within an ulp of tanh(x)
// (2^−52 relative), so |F − y| < 2^−47·|y| and F lies in [lo, hi] with room to spare (the products
// round by 2^−53 relative only). Rounding to f32 is monotone: <f32>lo ≤ R(x) ≤ <f32>hi (by
// magnitude; the sign comes with y, and fdlibm's tanh is odd too, −0 included), so equal ends give
// R(x). When they differ (the interval holds an f32 rounding boundary) or y is NaN, the pair is
// computed by the exact scalar port. scripts/check-rounded-f32.mjs tanh runs this kernel on all 2^32 float32
// inputs against Math.fround(Math.tanh(x)): no difference; 6124 finite inputs take the fallback (all
// with 2^−12 < |x| < 9.02, about one in 4·10^4 there), besides the NaNs; y's largest relative error is
// 2^−50.15, and <f32>y alone happens to be R(x) on every input (the nearest F comes to an f32
// rounding boundary is 2^−50.3 relative): the test and the fallback make the result right by
// argument, where y alone is right only by that enumeration.
//
// The approximation: with N = 128, i = round(|x|·N), x0 = i/N and d = |x| − x0 (exact in f64 for an
// f32 |x|, |d| ≤ 1/256), tanh(|x|) = (t0 + td)/(1 + t0·td), t0 = tanh(x0) from a table (tanh64,
// within an ulp), td = tanh(d) = d − d³/3 + 2d⁵/15 (the next term, 17d⁷/315, is below 2^−52·|d|).
// t0 and td have the same sign unless d < 0 < x0, where t0 + td ≥ tanh(1/128) − tanh(1/256) is
// still about t0/2: a few roundings of 2^−53 each, amplified at most 3×. |x| is clamped to 10
// (i ≤ 1280): tanh(10) = 1 − 4.1·10^−9 rounds to 1 like every tanh(x) above it (1 − 2^−25 is the
// f32 boundary below 1, tanh(x) > 1 − 2^−25 from x ≈ 9.01 on). ±∞ give ±1 as fdlibm's do; NaN takes
// the last table point for its index but keeps NaN in d, so y is NaN, <f32>lo == <f32>hi is false,
// and the scalar port returns its NaN. Four pairs side by side as in tanhFamily (the division's
// latency overlaps).

/** The table's points per unit of x: x0 = i/N. */
const TANH_N: i32 = 128;
/** The table's last index: x0 = 10. */
const TANH_TABLE_LAST: i32 = 1280;
/** tanh64(i/N) for i = 0 … TANH_TABLE_LAST, filled when the module starts (every instance writes the same bits). */
const TANH_TABLE = memory.data(8 * (TANH_TABLE_LAST + 1), 16);
for (let i = 0; i <= TANH_TABLE_LAST; i++) store<f64>(TANH_TABLE + (<usize>i << 3), tanh64(<f64>i / <f64>TANH_N));

/**
 * tanh of both lanes (f32 values widened) within 2^−48 relative, with the sign of x; NaN for NaN.
 * pmin(a, b) is `b < a ? b : a`: the index takes pmin(10, |x|), where NaN becomes 10 (an index in
 * the table), d takes pmin(|x|, 10), where NaN stays.
 */
@inline
function tanhApprox64x2(x: v128): v128 {
  const ax = f64x2.abs(x), last = lanes(TANH_LAST_X), shifter = lanes(SHIFTER);
  // i + 1.5·2^52: i in the low bits, round-to-nearest picks it.
  const k = f64x2.add(f64x2.mul(f64x2.pmin(last, ax), lanes(TANH_STEPS_N)), shifter);
  const d = f64x2.sub(f64x2.pmin(ax, last), f64x2.mul(f64x2.sub(k, shifter), lanes(TANH_STEP)));
  const i0 = <usize>i32x4.extract_lane(k, 0), i1 = <usize>i32x4.extract_lane(k, 2);
  const t0 = v128.load64_lane(TANH_TABLE + (i1 << 3), v128.load64_zero(TANH_TABLE + (i0 << 3)), 1);
  const d2 = f64x2.mul(d, d);
  const td = f64x2.add(d, f64x2.mul(f64x2.mul(d, d2), f64x2.add(lanes(TANH_D3), f64x2.mul(d2, lanes(TANH_D5)))));
  const y = f64x2.div(f64x2.add(t0, td), f64x2.add(lanes(ONE), f64x2.mul(t0, td)));
  return v128.or(y, v128.and(x, lanes(SIGN)));
}

// ---------------------------------------------------------------------------------------------
// float32 results by a rounding test (Ziv's), shared by the f32 tanh and sigmoid kernels: `kind`
// names the function, whose f64 approximation y (tanhApprox64x2, sigmoidApprox64x2) decides the f32
// result when <f32>(y·(1 − δ)) == <f32>(y·(1 + δ)), and whose exact scalar form (fdlibm's) computes
// a pair where it does not. Each approximation's comment gives the argument that the interval holds
// the exact form's value.

const ROUNDED_TANH = 0;
const ROUNDED_SIGMOID = 1;

/** The f64 approximation of `kind` on both lanes. */
@inline
function roundedApprox(kind: i32, v: v128): v128 {
  return kind == ROUNDED_TANH ? tanhApprox64x2(v) : sigmoidApprox64x2(v);
}

/** One element by the exact scalar form of `kind`: its bits are the result. */
@inline
function roundedExact1(kind: i32, pz: usize, pa: usize): void {
  if (kind == ROUNDED_TANH) tanhFamily1<f32>(TANH_OF_Z, pz, 0, pa);
  else sigmoid1<f32>(pz, pa);
}

/** y·(1 − δ) rounded to f32 (lanes 0 and 1; 2 and 3 are 0). */
@inline
function roundBelow(y: v128): v128 {
  return f32x4.demote_f64x2_zero(f64x2.mul(y, lanes(ROUND_BELOW)));
}

/** y·(1 + δ) rounded to f32 (lanes 0 and 1; 2 and 3 are 0). */
@inline
function roundAbove(y: v128): v128 {
  return f32x4.demote_f64x2_zero(f64x2.mul(y, lanes(ROUND_ABOVE)));
}

/**
 * Stores the pair's rounding `lo` when it is certain (`lo == hi` in both lanes) and returns 0, else
 * stores the exact scalar form's two results and returns 1.
 */
function roundedPair(kind: i32, lo: v128, hi: v128, pz: usize, pa: usize): i32 {
  if (i32x4.all_true(f32x4.eq(lo, hi))) {
    v128.store64_lane(pa, lo, 0);
    return 0;
  }
  roundedExact1(kind, pz, pa);
  roundedExact1(kind, pz + 4, pa + 4);
  return 1;
}

/**
 * `kind` over `size` f32 elements by the rounding test, eight at a time (four pairs side by side: the
 * divisions' latency overlaps). Returns how many pairs took the exact form (an odd last element
 * always takes it and is not counted).
 */
@inline
function roundedF32(kind: i32, size: i32, pz: usize, pa: usize): i32 {
  let t = 0, fallbacks = 0;
  for (; t + 8 <= size; t += 8) {
    const o = <usize>t << 2;
    const y1 = roundedApprox(kind, loadPair<f32>(pz + o)), y2 = roundedApprox(kind, loadPair<f32>(pz + o + 8));
    const y3 = roundedApprox(kind, loadPair<f32>(pz + o + 16)), y4 = roundedApprox(kind, loadPair<f32>(pz + o + 24));
    const lo1 = roundBelow(y1), lo2 = roundBelow(y2), lo3 = roundBelow(y3), lo4 = roundBelow(y4);
    const hi1 = roundAbove(y1), hi2 = roundAbove(y2), hi3 = roundAbove(y3), hi4 = roundAbove(y4);
    const same = v128.and(v128.and(f32x4.eq(lo1, hi1), f32x4.eq(lo2, hi2)), v128.and(f32x4.eq(lo3, hi3), f32x4.eq(lo4, hi4)));
    if (i32x4.all_true(same)) {
      v128.store64_lane(pa + o, lo1, 0);
      v128.store64_lane(pa + o + 8, lo2, 0);
      v128.store64_lane(pa + o + 16, lo3, 0);
      v128.store64_lane(pa + o + 24, lo4, 0);
    } else {
      fallbacks += roundedPair(kind, lo1, hi1, pz + o, pa + o);
      fallbacks += roundedPair(kind, lo2, hi2, pz + o + 8, pa + o + 8);
      fallbacks += roundedPair(kind, lo3, hi3, pz + o + 16, pa + o + 16);
      fallbacks += roundedPair(kind, lo4, hi4, pz + o + 24, pa + o + 24);
    }
  }
  for (; t + 2 <= size; t += 2) {
    const o = <usize>t << 2;
    const y = roundedApprox(kind, loadPair<f32>(pz + o));
    fallbacks += roundedPair(kind, roundBelow(y), roundAbove(y), pz + o, pa + o);
  }
  if (t < size) roundedExact1(kind, pz + (<usize>t << 2), pa + (<usize>t << 2));
  return fallbacks;
}

/** The approximation of `kind` on `size` f32 values at `pz`, as f64 at `py` (an odd last one paired with 0). */
@inline
function roundedApproxF32(kind: i32, size: i32, pz: usize, py: usize): void {
  let t = 0;
  for (; t + 2 <= size; t += 2) v128.store(py + (<usize>t << 3), roundedApprox(kind, loadPair<f32>(pz + (<usize>t << 2))));
  if (t < size) store<f64>(py + (<usize>t << 3), f64x2.extract_lane(roundedApprox(kind, f64x2.promote_low_f32x4(v128.load32_zero(pz + (<usize>t << 2)))), 0));
}

/** f32 tanh: the bits of <f32>tanh64(<f64>z), by the rounding test. */
function tanhF32Rounded(size: i32, pz: usize, pa: usize): i32 {
  return roundedF32(ROUNDED_TANH, size, pz, pa);
}

/** f32 sigmoid: the bits of sigmoid1<f32>, by the rounding test. */
function sigmoidF32Rounded(size: i32, pz: usize, pa: usize): i32 {
  return roundedF32(ROUNDED_SIGMOID, size, pz, pa);
}

/**
 * tanhF32 and sigmoidF32, returning how many pairs took the exact fallback: exported for
 * scripts/check-rounded-f32.mjs and the tests (the fallback's results
 * are the fast path's wherever both are right, so only this count shows that it ran).
 */
export function tanhF32Fallbacks(size: i32, pz: usize, pa: usize): i32 {
  return tanhF32Rounded(size, pz, pa);
}

export function sigmoidF32Fallbacks(size: i32, pz: usize, pa: usize): i32 {
  return sigmoidF32Rounded(size, pz, pa);
}

/**
 * The approximations y as f64 (an odd last one paired with 0): exported for the check scripts and
 * the tests, which measure their error and find the inputs that need the fallback.
 */
export function tanhApproxF32(size: i32, pz: usize, py: usize): void {
  roundedApproxF32(ROUNDED_TANH, size, pz, py);
}

export function sigmoidApproxF32(size: i32, pz: usize, py: usize): void {
  roundedApproxF32(ROUNDED_SIGMOID, size, pz, py);
}

export function tanhF32(size: i32, pz: usize, pa: usize): void {
  tanhT<f32>(size, pz, pa);
}

export function tanhF64(size: i32, pz: usize, pa: usize): void {
  tanhT<f64>(size, pz, pa);
}

export function tanhBackwardF32(size: i32, pa: usize, pda: usize, pdz: usize): void {
  tanhBackwardT<f32>(size, pa, pda, pdz);
}

export function tanhBackwardF64(size: i32, pa: usize, pda: usize, pdz: usize): void {
  tanhBackwardT<f64>(size, pa, pda, pdz);
}

// ---------------------------------------------------------------------------------------------
// GELU, tanh form: `a = ½z(1 + th)`, th = tanh(c(z + 0.044715z³)), c = √(2/π), and its derivative
// `dz = da·[½(1 + th) + ½z(1 − th²)·c·(1 + 3·0.044715·z²)]`: in f64 with fdlibm's tanh (`tanh64`), the
// operations in the order of the JavaScript reference, rounded once. The forward can store th (f64,
// unrounded, at `pth` unless it is 0) and the backward reads it there: the same bits as computing it
// again, without a second tanh.

const GELU_C: f64 = 0.7978845608028654; // √(2/π), the double Math.sqrt(2 / Math.PI)

@inline
function gelu1<T>(pz: usize, pa: usize, pth: usize): void {
  const v = <f64>load<T>(pz);
  const th = tanh64(GELU_C * (v + 0.044715 * v * v * v));
  store<T>(pa, <T>(0.5 * v * (1 + th)));
  if (pth != 0) store<f64>(pth, th);
}

/** c·(z + 0.044715·z·z·z) of both lanes, the products left to right as in the scalar form. */
@inline
function geluArgument(v: v128): v128 {
  const cube = f64x2.mul(f64x2.mul(f64x2.mul(lanes(GELU_A), v), v), v);
  return f64x2.mul(lanes(GELU_C2), f64x2.add(v, cube));
}

@inline
function geluT<T>(size: i32, pz: usize, pa: usize, pth: usize): void {
  if (pth == 0) tanhFamily<T>(GELU_OF_Z, size, pz, 0, pa);
  else tanhFamily<T>(GELU_KEEPING_TH, size, pz, pth, pa);
}

@inline
function geluBackward1<T>(pz: usize, pda: usize, pdz: usize, pth: usize): void {
  const v = <f64>load<T>(pz), th = load<f64>(pth);
  const d = 0.5 * (1 + th) + 0.5 * v * (1 - th * th) * GELU_C * (1 + 3 * 0.044715 * v * v);
  store<T>(pdz, <T>(<f64>load<T>(pda) * d));
}

/** The scalar form's operations on both lanes: da·(½(1 + th) + ((½z)(1 − th·th))·c·((3·0.044715)·z·z + 1)). */
@inline
function geluBackward2<T>(pz: usize, pda: usize, pdz: usize, pth: usize): void {
  const half = lanes(HALF), one = lanes(ONE);
  const v = loadPair<T>(pz), th = v128.load(pth);
  const left = f64x2.mul(half, f64x2.add(one, th));
  const slope = f64x2.mul(f64x2.mul(f64x2.mul(half, v), f64x2.sub(one, f64x2.mul(th, th))), lanes(GELU_C2));
  const poly = f64x2.add(one, f64x2.mul(f64x2.mul(lanes(GELU_3A), v), v));
  const r = f64x2.mul(loadPair<T>(pda), f64x2.add(left, f64x2.mul(slope, poly)));
  if (i64x2.all_true(f64x2.eq(r, r))) {
    storePair<T>(pdz, r);
  } else {
    // A NaN: the scalar form's NaN, whatever the vector operations would have made of it.
    const bytes = <usize>sizeof<T>();
    geluBackward1<T>(pz, pda, pdz, pth);
    geluBackward1<T>(pz + bytes, pda + bytes, pdz + bytes, pth + 8);
  }
}

@inline
function geluBackwardT<T>(size: i32, pz: usize, pda: usize, pdz: usize, pth: usize): void {
  const bytes = <usize>sizeof<T>();
  let t = 0;
  for (; t + 2 <= size; t += 2) {
    const o = <usize>t * bytes;
    geluBackward2<T>(pz + o, pda + o, pdz + o, pth + (<usize>t << 3));
  }
  if (t < size) geluBackward1<T>(pz + <usize>t * bytes, pda + <usize>t * bytes, pdz + <usize>t * bytes, pth + (<usize>t << 3));
}

// The kernels built on fdlibm's tanh (f64 tanh, GELU) share one loop: eight elements at a time, the
// four pairs' tanh computed side by side (four independent dependency chains of expm1 for the CPU to
// overlap; measured for f32 GELU on a quiet machine: 11.4 ns an element with two pairs side by side,
// 7.9 with four; with eight pairs, which run out of registers, f32 tanh took 8.5 ns against 7.3 with
// four), by tanhSmall64x2 when all eight arguments allow it, else by tanh64x2; a pair with a lane
// outside both forms' domains goes through the scalar form. (f32 tanh has a loop of its own,
// tanhF32Rounded, and comes here only for its fallback's scalar form.) `pth` is GELU's th,
// addressed by the element index like f64 (8 bytes apiece), written by GELU_KEEPING_TH only (a kind
// of its own so that the loop without th tests nothing per element).

const TANH_OF_Z = 0;
const GELU_OF_Z = 1;
const GELU_KEEPING_TH = 2;

/** The tanh argument of the kernel `kind` for z. */
@inline
function tanhArgument(kind: i32, v: v128): v128 {
  return kind == TANH_OF_Z ? v : geluArgument(v);
}

/** One element by the scalar form (an odd tail, or a pair no vector form takes). */
@inline
function tanhFamily1<T>(kind: i32, pz: usize, pth: usize, pout: usize): void {
  if (kind == TANH_OF_Z) store<T>(pout, <T>tanh64(<f64>load<T>(pz)));
  else gelu1<T>(pz, pout, kind == GELU_KEEPING_TH ? pth : 0);
}

/** Writes a pair from z and th = tanh of its argument, in the scalar form's operations and order. */
@inline
function tanhFamilyFinish<T>(kind: i32, v: v128, th: v128, pth: usize, pout: usize): void {
  if (kind == TANH_OF_Z) {
    storePair<T>(pout, th);
  } else {
    storePair<T>(pout, f64x2.mul(f64x2.mul(lanes(HALF), v), f64x2.add(lanes(ONE), th)));
    if (kind == GELU_KEEPING_TH) v128.store(pth, th);
  }
}

/** One pair by the form its tanhPath names (not inlined: the uncommon mixes and the tail). */
function tanhFamilyPair<T>(kind: i32, v: v128, u: v128, path: i32, pz: usize, pth: usize, pout: usize): void {
  if (path == TANH_SCALAR) {
    const bytes = <usize>sizeof<T>();
    tanhFamily1<T>(kind, pz, pth, pout);
    tanhFamily1<T>(kind, pz + bytes, pth + 8, pout + bytes);
  } else {
    tanhFamilyFinish<T>(kind, v, tanhByPath(u, path), pth, pout);
  }
}

@inline
function tanhFamily<T>(kind: i32, size: i32, pz: usize, pth: usize, pout: usize): void {
  const bytes = <usize>sizeof<T>();
  let t = 0;
  for (; t + 8 <= size; t += 8) {
    const o1 = <usize>t * bytes, o2 = o1 + 2 * bytes, o3 = o1 + 4 * bytes, o4 = o1 + 6 * bytes;
    const h1 = pth + (<usize>t << 3), h2 = h1 + 16, h3 = h1 + 32, h4 = h1 + 48;
    const v1 = loadPair<T>(pz + o1), v2 = loadPair<T>(pz + o2), v3 = loadPair<T>(pz + o3), v4 = loadPair<T>(pz + o4);
    const u1 = tanhArgument(kind, v1), u2 = tanhArgument(kind, v2), u3 = tanhArgument(kind, v3), u4 = tanhArgument(kind, v4);
    const p1 = tanhPath(u1), p2 = tanhPath(u2), p3 = tanhPath(u3), p4 = tanhPath(u4);
    if (p1 == TANH_SMALL && p2 == TANH_SMALL && p3 == TANH_SMALL && p4 == TANH_SMALL) {
      const th1 = tanhSmall64x2(u1), th2 = tanhSmall64x2(u2), th3 = tanhSmall64x2(u3), th4 = tanhSmall64x2(u4);
      tanhFamilyFinish<T>(kind, v1, th1, h1, pout + o1);
      tanhFamilyFinish<T>(kind, v2, th2, h2, pout + o2);
      tanhFamilyFinish<T>(kind, v3, th3, h3, pout + o3);
      tanhFamilyFinish<T>(kind, v4, th4, h4, pout + o4);
    } else if (p1 != TANH_SCALAR && p2 != TANH_SCALAR && p3 != TANH_SCALAR && p4 != TANH_SCALAR) {
      const th1 = tanh64x2(u1), th2 = tanh64x2(u2), th3 = tanh64x2(u3), th4 = tanh64x2(u4);
      tanhFamilyFinish<T>(kind, v1, th1, h1, pout + o1);
      tanhFamilyFinish<T>(kind, v2, th2, h2, pout + o2);
      tanhFamilyFinish<T>(kind, v3, th3, h3, pout + o3);
      tanhFamilyFinish<T>(kind, v4, th4, h4, pout + o4);
    } else {
      tanhFamilyPair<T>(kind, v1, u1, p1, pz + o1, h1, pout + o1);
      tanhFamilyPair<T>(kind, v2, u2, p2, pz + o2, h2, pout + o2);
      tanhFamilyPair<T>(kind, v3, u3, p3, pz + o3, h3, pout + o3);
      tanhFamilyPair<T>(kind, v4, u4, p4, pz + o4, h4, pout + o4);
    }
  }
  for (; t + 2 <= size; t += 2) {
    const o = <usize>t * bytes;
    const v = loadPair<T>(pz + o), u = tanhArgument(kind, v);
    tanhFamilyPair<T>(kind, v, u, tanhPath(u), pz + o, pth + (<usize>t << 3), pout + o);
  }
  if (t < size) tanhFamily1<T>(kind, pz + <usize>t * bytes, pth + (<usize>t << 3), pout + <usize>t * bytes);
}

export function geluF32(size: i32, pz: usize, pa: usize, pth: usize): void {
  geluT<f32>(size, pz, pa, pth);
}

export function geluF64(size: i32, pz: usize, pa: usize, pth: usize): void {
  geluT<f64>(size, pz, pa, pth);
}

export function geluBackwardF32(size: i32, pz: usize, pda: usize, pdz: usize, pth: usize): void {
  geluBackwardT<f32>(size, pz, pda, pdz, pth);
}

export function geluBackwardF64(size: i32, pz: usize, pda: usize, pdz: usize, pth: usize): void {
  geluBackwardT<f64>(size, pz, pda, pdz, pth);
}

// ---------------------------------------------------------------------------------------------
// Leaky ReLU: `a = z > 0 ? z : α·z`, `dz = z > 0 ? da : α·da`, the product in f64 and rounded once
// (as the JavaScript backend).

@inline
function leakyReluT<T>(size: i32, pz: usize, pa: usize, alpha: f64): void {
  const bytes = <usize>sizeof<T>();
  for (let t = 0; t < size; t++) {
    const o = <usize>t * bytes;
    const v = <f64>load<T>(pz + o);
    store<T>(pa + o, <T>(v > 0 ? v : alpha * v));
  }
}

@inline
function leakyReluBackwardT<T>(size: i32, pz: usize, pda: usize, pdz: usize, alpha: f64): void {
  const bytes = <usize>sizeof<T>();
  for (let t = 0; t < size; t++) {
    const o = <usize>t * bytes;
    const d = <f64>load<T>(pda + o);
    store<T>(pdz + o, <T>(load<T>(pz + o) > 0 ? d : alpha * d));
  }
}

export function leakyReluF32(size: i32, pz: usize, pa: usize, alpha: f64): void {
  leakyReluT<f32>(size, pz, pa, alpha);
}

export function leakyReluF64(size: i32, pz: usize, pa: usize, alpha: f64): void {
  leakyReluT<f64>(size, pz, pa, alpha);
}

export function leakyReluBackwardF32(size: i32, pz: usize, pda: usize, pdz: usize, alpha: f64): void {
  leakyReluBackwardT<f32>(size, pz, pda, pdz, alpha);
}

export function leakyReluBackwardF64(size: i32, pz: usize, pda: usize, pdz: usize, alpha: f64): void {
  leakyReluBackwardT<f64>(size, pz, pda, pdz, alpha);
}

// ---------------------------------------------------------------------------------------------
// Programs: a sequence of kernel calls captured once by the JavaScript side (src/wasm/program.ts)
// and replayed with one call per thread. A program at `p` holds `units` units: the i32 at p is `units`, the i32s
// at p + 4 + 4u (u = 0..units) are the byte offsets from p of each unit's first record, so unit u is
// the records from offset u to offset u + 1. A record is 64 bytes: the op (i32) at 0, up to 11 i32
// arguments from 4, and f64 arguments at 48 and 56. Each op runs the kernel of the same name with the
// same arguments, so a program computes exactly the bits of the calls it records, on any thread.

const OP_GEMM: i32 = 1;
const OP_TRANSPOSE: i32 = 2;
const OP_ADD_ROW: i32 = 3;
const OP_ADD_ROW_RELU: i32 = 4;
const OP_RELU_BACKWARD: i32 = 5;
const OP_SUM_ROWS: i32 = 6;
const OP_COPY: i32 = 7;
const OP_SCALED_DIFFERENCE: i32 = 8;
const OP_SIGMOID: i32 = 9;
const OP_SIGMOID_BACKWARD: i32 = 10;
const OP_LEAKY_RELU: i32 = 11;
const OP_LEAKY_RELU_BACKWARD: i32 = 12;
const OP_TANH: i32 = 13;
const OP_TANH_BACKWARD: i32 = 14;
const OP_GEMM_SPARSE: i32 = 15;
const OP_SOFTMAX_ROWS: i32 = 16;
const OP_DIFFERENCE_OVER: i32 = 17;
const OP_AXPY: i32 = 18;
const OP_SIGN_AXPY: i32 = 19;
const OP_GELU: i32 = 20;
const OP_GELU_BACKWARD: i32 = 21;
const OP_MASKED_SCALE: i32 = 22;

/**
 * Rows i0..i1 of a product C = α·A·B + β·C whose row-major m × k A may be mostly zeros, decided at
 * every call as the backend's `gemm` decides it: when at most the fraction `perMille`/1000 of these
 * rows' entries are nonzero (the backend's SPARSE_FRACTION, passed by the recorder), the rows in CSR form, then only their nonzero terms;
 * otherwise the dense kernel. Both give the same bits for finite B (zero terms add nothing). The
 * rows' CSR arrays sit in scratch of their own (row starts at `pRow` + 8·i0, columns and values from
 * entry i0·k), so ranges of rows run on different threads. B is row-major k × n.
 */
function gemmMaybeSparse<T>(
  n: i32, k: i32, pA: usize, pB: usize, pC: usize, pRow: usize, pCol: usize, pVal: usize, i0: i32, i1: i32,
  alpha: T, beta: T, perMille: i32,
): void {
  const size = <usize>sizeof<T>();
  const rows = i1 - i0;
  const limit = <i32>Math.floor(<f64>rows * <f64>k * (<f64>perMille / 1000));
  const a = pA + <usize>i0 * <usize>k * size;
  if (moreNonzerosThanT<T>(rows * k, a, limit)) {
    gemmBlock<T>(n, k, alpha, pA, k, 1, pB, beta, pC, i0, i1, 0, n);
    return;
  }
  const row = pRow + (<usize>i0 << 3), col = pCol + ((<usize>i0 * <usize>k) << 2), val = pVal + <usize>i0 * <usize>k * size;
  csrT<T>(rows, k, a, n * <i32>size, row, col, val);
  gemmSparseT<T>(n, row, col, val, pB, alpha, beta, pC + <usize>i0 * <usize>n * size, 0, rows);
}

@inline
function runRecord<T>(op: i32, r: usize): void {
  const a1 = load<i32>(r, 4), a2 = load<i32>(r, 8), a3 = <usize>load<u32>(r, 12), a4 = load<i32>(r, 16);
  if (op == OP_GEMM) {
    gemmBlock<T>(
      a1, a2, <T>load<f64>(r, 48), a3, a4, load<i32>(r, 20), <usize>load<u32>(r, 24), <T>load<f64>(r, 56), <usize>load<u32>(r, 28),
      load<i32>(r, 32), load<i32>(r, 36), load<i32>(r, 40), load<i32>(r, 44),
    );
  } else if (op == OP_TRANSPOSE) {
    transposeT<T>(a1, a2, a3, <usize>a4);
  } else if (op == OP_ADD_ROW) {
    addRowVectorT<T>(a1, a2, a3, <usize>a4, <usize>load<u32>(r, 20), false, 0);
  } else if (op == OP_ADD_ROW_RELU) {
    addRowVectorT<T>(a1, a2, a3, <usize>a4, <usize>load<u32>(r, 20), true, <usize>load<u32>(r, 24));
  } else if (op == OP_RELU_BACKWARD) {
    reluBackwardT<T>(a1, <usize>a2, a3, <usize>a4);
  } else if (op == OP_SUM_ROWS) {
    sumRowsT<T>(a1, a2, a3, <T>load<f64>(r, 48), <usize>a4);
  } else if (op == OP_COPY) {
    memory.copy(<usize>a4, a3, <usize>a1 * sizeof<T>());
  } else if (op == OP_SCALED_DIFFERENCE) {
    scaledDifferenceT<T>(a1, <usize>a2, a3, <usize>a4, load<f64>(r, 48));
  } else if (op == OP_SIGMOID) {
    sigmoidT<T>(a1, <usize>a2, a3);
  } else if (op == OP_SIGMOID_BACKWARD) {
    sigmoidBackwardT<T>(a1, <usize>a2, a3, <usize>a4);
  } else if (op == OP_LEAKY_RELU) {
    leakyReluT<T>(a1, <usize>a2, a3, load<f64>(r, 48));
  } else if (op == OP_LEAKY_RELU_BACKWARD) {
    leakyReluBackwardT<T>(a1, <usize>a2, a3, <usize>a4, load<f64>(r, 48));
  } else if (op == OP_TANH) {
    tanhT<T>(a1, <usize>a2, a3);
  } else if (op == OP_TANH_BACKWARD) {
    tanhBackwardT<T>(a1, <usize>a2, a3, <usize>a4);
  } else if (op == OP_GEMM_SPARSE) {
    // ints: n, k, pA, pB, pC, pRow, pCol, i0, i1, pVal, sparse fraction in thousandths (i0, i1 at the places a cut sets them).
    gemmMaybeSparse<T>(
      a1, a2, a3, <usize>a4, <usize>load<u32>(r, 20), <usize>load<u32>(r, 24), <usize>load<u32>(r, 28),
      <usize>load<u32>(r, 40), load<i32>(r, 32), load<i32>(r, 36), <T>load<f64>(r, 48), <T>load<f64>(r, 56), load<i32>(r, 44),
    );
  } else if (op == OP_SOFTMAX_ROWS) {
    softmaxRowsT<T>(a1, a2, a3, <usize>a4);
  } else if (op == OP_DIFFERENCE_OVER) {
    differenceOverT<T>(a1, <usize>a2, a3, <usize>a4, load<f64>(r, 48));
  } else if (op == OP_AXPY) {
    axpyT<T>(a1, <usize>a2, a3, <usize>a4, load<f64>(r, 48));
  } else if (op == OP_SIGN_AXPY) {
    signAxpyT<T>(a1, <usize>a2, a3, <usize>a4, load<f64>(r, 48));
  } else if (op == OP_GELU) {
    geluT<T>(a1, <usize>a2, a3, <usize>a4);
  } else if (op == OP_GELU_BACKWARD) {
    geluBackwardT<T>(a1, <usize>a2, a3, <usize>a4, <usize>load<u32>(r, 20));
  } else if (op == OP_MASKED_SCALE) {
    maskedScaleT<T>(a1, <usize>a2, a3, <usize>a4, load<f64>(r, 48));
  } else {
    unreachable();
  }
}

/** Runs units `from` to `to` − 1 of the program at `p`. */
@inline
function runProgramT<T>(p: usize, from: i32, to: i32): void {
  const end = p + <usize>load<u32>(p + 4 + (<usize>to << 2));
  for (let r = p + <usize>load<u32>(p + 4 + (<usize>from << 2)); r < end; r += 64) runRecord<T>(load<i32>(r), r);
}

export function runProgramF32(p: usize, from: i32, to: i32): void {
  runProgramT<f32>(p, from, to);
}

export function runProgramF64(p: usize, from: i32, to: i32): void {
  runProgramT<f64>(p, from, to);
}

// ---------------------------------------------------------------------------------------------
// Adam/AdamW: the compiled form of @ffnn/optim's `adamStep` (packages/optim/src/adam.ts, where the
// update and its scalars are stated and documented), the same operations in the same order, on
// f64x2 or on f32x4 with every scalar rounded to f32 once (as `adamStep`'s `r`). The caller passes
// the scalars `adamScalars` computed; `mode` is 0 (no weight decay), 1 (coupled: d ← g + λ·w) or
// 2 (decoupled: w ← w·decay first). optim's adam-kernel.test.ts checks both give the same bits.

/** The Adam step on one vector at byte offset `o` (`r` = the lane count), or on one element (`r` = 1). */
@inline
function adamStep<T>(
  r: i32, o: usize, pw: usize, pg: usize, pm: usize, pv: usize, stepSize: v128, b1: v128, c1: v128, b2: v128, c2: v128,
  eps: v128, bc2Sqrt: v128, wd: v128, decay: v128, coupled: bool, decoupled: bool,
): void {
  let w = loadPart<T>(pw + o, r);
  if (decoupled) w = v128.mul<T>(w, decay);
  let d = loadPart<T>(pg + o, r);
  if (coupled) d = v128.add<T>(d, v128.mul<T>(wd, w));
  const m = v128.add<T>(v128.mul<T>(b1, loadPart<T>(pm + o, r)), v128.mul<T>(c1, d));
  const v = v128.add<T>(v128.mul<T>(b2, loadPart<T>(pv + o, r)), v128.mul<T>(v128.mul<T>(c2, d), d));
  const denom = v128.add<T>(v128.div<T>(v128.sqrt<T>(v), bc2Sqrt), eps);
  w = v128.sub<T>(w, v128.div<T>(v128.mul<T>(stepSize, m), denom));
  storePart<T>(pm + o, m, r);
  storePart<T>(pv + o, v, r);
  storePart<T>(pw + o, w, r);
}

@inline
function adamLoop<T>(
  size: i32, pw: usize, pg: usize, pm: usize, pv: usize, vs: v128, b1: v128, c1: v128, b2: v128, c2: v128, ve: v128,
  vb: v128, wd: v128, vd: v128, coupled: bool, decoupled: bool,
): void {
  const lanes = <i32>(16 / sizeof<T>());
  let t = 0;
  for (; t + lanes <= size; t += lanes) adamStep<T>(lanes, <usize>t * sizeof<T>(), pw, pg, pm, pv, vs, b1, c1, b2, c2, ve, vb, wd, vd, coupled, decoupled);
  for (; t < size; t++) adamStep<T>(1, <usize>t * sizeof<T>(), pw, pg, pm, pv, vs, b1, c1, b2, c2, ve, vb, wd, vd, coupled, decoupled);
}

/** Adam over `size` elements, the scalars already in the parameters' type. */
@inline
function adamT<T>(
  size: i32, pw: usize, pg: usize, pm: usize, pv: usize, stepSize: T, bc2Sqrt: T, beta1: T, rest1: T, beta2: T, rest2: T,
  eps: T, weightDecay: T, decay: T, mode: i32,
): void {
  const vs = v128.splat<T>(stepSize), b1 = v128.splat<T>(beta1), c1 = v128.splat<T>(rest1);
  const b2 = v128.splat<T>(beta2), c2 = v128.splat<T>(rest2), ve = v128.splat<T>(eps), vb = v128.splat<T>(bc2Sqrt);
  const wd = v128.splat<T>(weightDecay), vd = v128.splat<T>(decay);
  // Specialised loops: the common case (no weight decay) carries no decay arithmetic.
  if (mode == 2) adamLoop<T>(size, pw, pg, pm, pv, vs, b1, c1, b2, c2, ve, vb, wd, vd, false, true);
  else if (mode == 1) adamLoop<T>(size, pw, pg, pm, pv, vs, b1, c1, b2, c2, ve, vb, wd, vd, true, false);
  else adamLoop<T>(size, pw, pg, pm, pv, vs, b1, c1, b2, c2, ve, vb, wd, vd, false, false);
}

export function adamF64(
  size: i32, pw: usize, pg: usize, pm: usize, pv: usize, stepSize: f64, bc2Sqrt: f64, beta1: f64, rest1: f64, beta2: f64,
  rest2: f64, eps: f64, weightDecay: f64, decay: f64, mode: i32,
): void {
  adamT<f64>(size, pw, pg, pm, pv, stepSize, bc2Sqrt, beta1, rest1, beta2, rest2, eps, weightDecay, decay, mode);
}

export function adamF32(
  size: i32, pw: usize, pg: usize, pm: usize, pv: usize, stepSize: f64, bc2Sqrt: f64, beta1: f64, rest1: f64, beta2: f64,
  rest2: f64, eps: f64, weightDecay: f64, decay: f64, mode: i32,
): void {
  adamT<f32>(
    size, pw, pg, pm, pv, <f32>stepSize, <f32>bc2Sqrt, <f32>beta1, <f32>rest1, <f32>beta2, <f32>rest2, <f32>eps,
    <f32>weightDecay, <f32>decay, mode,
  );
}

// ---------------------------------------------------------------------------------------------
// Bytes to floats: `out[t] = src[t] / divisor`, 16 bytes at a time. The f64 variant divides in f64,
// exactly as the JavaScript backend. The f32 variant divides in f32; for an f32 divisor this equals
// the f64 quotient rounded to f32 (an f32 quotient computed in f64 and rounded once is correctly
// rounded, since 53 ≥ 2·24 + 2), so the caller uses it only when the divisor is an f32 value.

export function scaleBytesF32(size: i32, pSrc: usize, divisor: f32, pOut: usize): void {
  const d = f32x4.splat(divisor);
  let t = 0;
  for (; t + 16 <= size; t += 16) {
    const b = v128.load(pSrc + <usize>t);
    const lo = i16x8.extend_low_i8x16_u(b), hi = i16x8.extend_high_i8x16_u(b);
    const o = pOut + (<usize>t << 2);
    v128.store(o, f32x4.div(f32x4.convert_i32x4_u(i32x4.extend_low_i16x8_u(lo)), d));
    v128.store(o, f32x4.div(f32x4.convert_i32x4_u(i32x4.extend_high_i16x8_u(lo)), d), 16);
    v128.store(o, f32x4.div(f32x4.convert_i32x4_u(i32x4.extend_low_i16x8_u(hi)), d), 32);
    v128.store(o, f32x4.div(f32x4.convert_i32x4_u(i32x4.extend_high_i16x8_u(hi)), d), 48);
  }
  for (; t < size; t++) store<f32>(pOut + (<usize>t << 2), <f32>load<u8>(pSrc + <usize>t) / divisor);
}

export function scaleBytesF64(size: i32, pSrc: usize, divisor: f64, pOut: usize): void {
  const d = f64x2.splat(divisor);
  let t = 0;
  for (; t + 4 <= size; t += 4) {
    const w = i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(pSrc + <usize>t)));
    const o = pOut + (<usize>t << 3);
    v128.store(o, f64x2.div(f64x2.convert_low_i32x4_u(w), d));
    v128.store(o, f64x2.div(f64x2.convert_low_i32x4_u(i32x4.shuffle(w, w, 2, 3, 0, 1)), d), 16);
  }
  for (; t < size; t++) store<f64>(pOut + (<usize>t << 3), <f64>load<u8>(pSrc + <usize>t) / divisor);
}

// ---------------------------------------------------------------------------------------------
// Finiteness: x − x is 0 for finite x and NaN for ±∞ and NaN, so a running sum of x − x stays 0
// exactly when every element is finite.

@inline
function allFiniteT<T>(size: i32, p: usize): i32 {
  const bytes = <usize>sizeof<T>();
  const lanes = <i32>(16 / sizeof<T>());
  let acc = v128.splat<T>(0);
  let t = 0;
  for (; t + lanes <= size; t += lanes) {
    const x = v128.load(p + <usize>t * bytes);
    acc = v128.add<T>(acc, v128.sub<T>(x, x));
  }
  let s: T = 0;
  for (; t < size; t++) {
    const x = load<T>(p + <usize>t * bytes);
    s = s + (x - x);
  }
  // acc == acc lane-wise is false only for NaN lanes.
  const ok = v128.eq<T>(acc, acc);
  return i32((sizeof<T>() == 4 ? i32x4.all_true(ok) : i64x2.all_true(ok)) && s == s);
}

export function allFiniteF32(size: i32, p: usize): i32 {
  return allFiniteT<f32>(size, p);
}

export function allFiniteF64(size: i32, p: usize): i32 {
  return allFiniteT<f64>(size, p);
}

/** Reads one byte (a worker thread checks that a grown shared memory is in its bounds). */
export function probe(p: usize): i32 {
  return load<u8>(p);
}

/** First free byte after the module's static data; the JavaScript side allocates from here. */
export function heapBase(): usize {
  return __heap_base;
}
