#!/usr/bin/env python3
"""Independent numpy implementation of the OSA-HCIM ideal model (spec sections 2-3), default profile,
osa mode: reads the same files as `osa-bench model summary` and prints the same summary figures as
JSON, so the benchmark compares like with like. Whole process: `python3 bench/model_golden.py
--weights w.csv --vectors x.npy`."""
import argparse
import json
import math

import numpy as np

N, M, BX, BW, B = 256, 8, 8, 8, 6
SX = 2
LEVELS = [(11, 4), (10, 2), (9, 0), (8, 0)]  # (boundary b, skip t) per saliency level
THRESHOLDS = [-43008, -30720, -18432]
E_D, E_A, E_SAL = 0.80, 0.28, 1.90
L = 2**B - 1
CHUNK = 8192

I, J = np.meshgrid(np.arange(BX), np.arange(BW), indexing="ij")  # plane (i, j)
K = I + J
SIGN = np.where(J == BW - 1, -1, 1)
WEIGHT = (SIGN * 2.0**K)  # s_j * 2^k per plane, exact in float64
B_SAL = max(b for b, _ in LEVELS)
SAL_MASK = (I >= BX - SX) & (K >= B_SAL)
DIGITAL = [K >= b for b, _ in LEVELS]
ANALOG = [(K < b) & (K >= t) for b, t in LEVELS]


def plane_popcounts(x, wbits):
    """P[v, i, j, m] = sum_r x_i[v, r] AND w_j[r, m], by one float32 matmul per input bit."""
    p = np.empty((x.shape[0], BX, BW, M), dtype=np.float32)
    for i in range(BX):
        xi = ((x >> i) & 1).astype(np.float32)
        p[:, i] = (xi @ wbits).reshape(x.shape[0], BW, M)
    return p


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--weights", required=True)
    ap.add_argument("--vectors", required=True)
    a = ap.parse_args()
    w = np.loadtxt(a.weights, delimiter=",", comments="#", dtype=np.int64).reshape(N, M)
    wcode = w & (2**BW - 1)  # two's complement code
    wbits = np.stack([((wcode >> j) & 1) for j in range(BW)], axis=1).reshape(N, BW * M).astype(np.float32)
    xs = np.load(a.vectors, mmap_mode="r")
    assert xs.ndim == 2 and xs.shape[1] == N and xs.min() >= 0 and xs.max() <= 2**BX - 1

    k = len(LEVELS)
    sig, err, count = np.zeros(k), np.zeros(k), np.zeros(k)
    n_dig = n_ana = n_skip = energy = 0.0
    macs = 0
    for start in range(0, xs.shape[0], CHUNK):
        x = np.asarray(xs[start:start + CHUNK], dtype=np.int32)
        p = plane_popcounts(x, wbits).astype(np.float64)  # (T, BX, BW, M)
        code = np.floor((2 * p * L + N) / (2 * N))
        exact = np.einsum("vijm,ij->vm", p, WEIGHT)
        sal = np.einsum("vijm,ij->vm", p, WEIGHT * SAL_MASK)
        level = np.searchsorted(np.array(THRESHOLDS), sal, side="left")  # #thresholds with S > theta
        yhat = np.empty_like(exact)
        nd = np.empty_like(exact)
        na = np.empty_like(exact)
        for l in range(k):
            d = np.einsum("vijm,ij->vm", p, WEIGHT * DIGITAL[l])
            an = np.einsum("vijm,ij->vm", code, WEIGHT * ANALOG[l])
            sel = level == l
            yhat[sel] = (d + an * N / L)[sel]
            nd[sel] = DIGITAL[l].sum()
            na[sel] = ANALOG[l].sum()
        e2 = (yhat - exact) ** 2
        for l in range(k):
            sel = level == l
            sig[l] += (exact[sel] ** 2).sum()
            err[l] += e2[sel].sum()
            count[l] += sel.sum()
        macs += exact.size
        n_dig += nd.sum()
        n_ana += na.sum()
        n_skip += (BX * BW - nd - na).sum()
        energy += (nd * E_D + na * E_A + E_SAL).sum()

    def snr(s, e):
        return None if e == 0 else 10 * math.log10(s / e)

    e_mac = energy / macs
    print(json.dumps({
        "vectors": int(xs.shape[0]),
        "macs": macs,
        "snrDb": snr(sig.sum(), err.sum()),
        "snrDbPerLevel": [None if count[l] == 0 else snr(sig[l], err[l]) for l in range(k)],
        "levelMix": [count[l] / macs for l in range(k)],
        "meanPlanes": {"digital": n_dig / macs, "analog": n_ana / macs, "skipped": n_skip / macs},
        "energyPjPerMac": e_mac,
        "gainVsDcim": BX * BW * E_D / e_mac,
        "topsPerWatt": 2 * N / e_mac,
    }, indent=2))


if __name__ == "__main__":
    main()
