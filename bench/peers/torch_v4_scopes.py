#!/usr/bin/env python3
"""DeepSeek V4 qkv_proj_rope (decode and prefill) and SWA attention in torch eager: the peers
of `tilegraph bench v4-qkv-proj-rope` / `v4-swa-attention` (docs/performance.md).

Written as a torch user writes the math of docs/models (not a transcription of tilegraph's
tasks). int8 weights: torch 1.13 has no fast CPU int8 GEMM, so the `fp32` variant dequantizes
each int8 weight to fp32 once, before timing, and multiplies in fp32 (OpenBLAS): the fastest
plain-torch route on this CPU. The `bf16` variant keeps the bf16 weights in bf16 and dequantizes
the int8 ones to bf16 once. The faster variant is the figure the comparison uses.

Each variant also runs with torch's intra-op pool at all cores and at 1 (OpenBLAS keeps its
own pool of all cores either way: torch_threads.py says why); the fastest row is the figure.
Prints one JSON object per (scope, variant, intra-op threads). Usage:
  bench/peers/torch_v4_scopes.py [--preset flash|pro] [--threads N] [--reps R] [--scopes ...]
"""
import argparse
import json
import math
import statistics
import sys
import time

try:
    import torch
except ImportError:
    print("torch_v4_scopes: python3-torch is not installed (apt-get install python3-torch)", file=sys.stderr)
    sys.exit(2)

from torch_threads import blas_threads, intra_op_settings

PRESETS = {
    "flash": dict(D=4096, H=64, Q_LORA=1024, O_LORA=1024, O_GROUPS=8),
    "pro": dict(D=7168, H=128, Q_LORA=1536, O_LORA=1024, O_GROUPS=16),
}
HEAD_DIM, ROPE, WIN, EPS, AMAX_EPS = 512, 64, 128, 1e-6, 1e-4
DECODE_T, PREFILL_T = 8, 128


def uniform(gen, shape, lo, hi, dtype=torch.float32):
    return (torch.rand(shape, generator=gen) * (hi - lo) + lo).to(dtype)


def quantize_rows(m):
    """Per-row symmetric int8 (the scopes' rule): codes and the dequant scale 1/s."""
    amax = m.abs().amax(dim=-1, keepdim=True).clamp_min(AMAX_EPS)
    s = 127.0 / amax
    return torch.clamp(torch.round(m * s), -127, 127).to(torch.int8), 1.0 / s


def rope_tables(gen, t):
    pos = torch.randint(0, 4096, (t, 1), generator=gen).float()
    theta = 10000.0 ** (-2.0 * torch.arange(ROPE // 2, dtype=torch.float32) / ROPE)
    ang = pos * theta
    return ang.cos(), ang.sin()  # the first ROPE/2 columns, the only ones read


def rope_interleaved(v, cos, sin, inverse=False):
    even, odd = v[..., 0::2], v[..., 1::2]
    if inverse:
        y_even, y_odd = even * cos + odd * sin, odd * cos - even * sin
    else:
        y_even, y_odd = even * cos - odd * sin, even * sin + odd * cos
    return torch.stack([y_even, y_odd], dim=-1).flatten(-2)


def rms(v, gamma=None):
    out = v * torch.rsqrt(v.pow(2).mean(dim=-1, keepdim=True) + EPS)
    return out if gamma is None else out * gamma


class QkvProjRope:
    def __init__(self, gen, p, t, mm_dtype):
        D, H, QL = p["D"], p["H"], p["Q_LORA"]
        self.t, self.h = t, H
        self.x = uniform(gen, (t, D), -1, 1, torch.bfloat16)
        wq_b_i8, wq_b_scale = quantize_rows(uniform(gen, (H * HEAD_DIM, QL), -0.1, 0.1).bfloat16().float())
        # weights prepared once, outside timing, in the variant's dtype
        self.wq_a = uniform(gen, (D, QL), -0.1, 0.1, torch.bfloat16).to(mm_dtype)
        self.wkv = uniform(gen, (D, HEAD_DIM), -0.1, 0.1, torch.bfloat16).to(mm_dtype)
        self.wq_b = wq_b_i8.t().contiguous().to(mm_dtype)          # [QL, H*HEAD_DIM] codes
        self.wq_b_scale = wq_b_scale.view(-1)
        self.gamma_cq = uniform(gen, (QL,), -1, 1, torch.bfloat16).float()
        self.gamma_ckv = uniform(gen, (HEAD_DIM,), -1, 1, torch.bfloat16).float()
        self.cos, self.sin = rope_tables(gen, t)
        self.mm_dtype = mm_dtype

    def __call__(self):
        x = self.x.to(self.mm_dtype)
        qr_n = rms(torch.matmul(x, self.wq_a).float(), self.gamma_cq)
        qr, qr_scale = quantize_rows(qr_n)
        q = torch.matmul(qr.to(self.mm_dtype), self.wq_b).float() * qr_scale * self.wq_b_scale
        q = rms(q.view(self.t, self.h, HEAD_DIM))
        q_rope = rope_interleaved(q[..., HEAD_DIM - ROPE:], self.cos[:, None, :], self.sin[:, None, :])
        q_out = torch.cat([q[..., : HEAD_DIM - ROPE], q_rope], dim=-1).bfloat16()
        kv = rms(torch.matmul(x, self.wkv).float(), self.gamma_ckv)
        kv_out = torch.cat([kv[:, : HEAD_DIM - ROPE], rope_interleaved(kv[:, HEAD_DIM - ROPE:], self.cos, self.sin)],
                           dim=-1).bfloat16()
        return q_out, kv_out, qr, qr_scale


class SwaAttention:
    def __init__(self, gen, p, mm_dtype):
        D, H, OL, G = p["D"], p["H"], p["O_LORA"], p["O_GROUPS"]
        t = DECODE_T
        self.t, self.h, self.g, self.ol = t, H, G, OL
        blocks = 2 * t
        self.q = uniform(gen, (t, H, HEAD_DIM), -0.5, 0.5, torch.bfloat16)
        self.kv = uniform(gen, (blocks * 128, HEAD_DIM), -0.5, 0.5, torch.bfloat16)
        self.lens = torch.randint(1, WIN + 1, (t,), generator=gen)
        self.idx = torch.randint(0, blocks * 128, (t, WIN), generator=gen)
        self.sink = uniform(gen, (H,), -1, 1)
        self.cos, self.sin = rope_tables(gen, t)
        hpg = H // G
        self.wo_a = (uniform(gen, (G, OL, hpg * HEAD_DIM), -0.5, 0.5) / math.sqrt(hpg * HEAD_DIM)).bfloat16().to(mm_dtype)
        wo_b_i8, wo_b_scale = quantize_rows((uniform(gen, (D, G * OL), -0.5, 0.5) / math.sqrt(G * OL)).bfloat16().float())
        self.wo_b = wo_b_i8.t().contiguous().to(mm_dtype)         # [G*OL, D] codes
        self.wo_b_scale = wo_b_scale.view(-1)
        self.scale = HEAD_DIM ** -0.5
        self.mm_dtype = mm_dtype

    def __call__(self):
        t, h, g, ol = self.t, self.h, self.g, self.ol
        valid = torch.arange(WIN)[None, :] < self.lens[:, None]                 # [T, WIN]
        kv = self.kv[self.idx.clamp_min(0)].float() * valid[..., None]          # [T, WIN, HD]
        scores = torch.einsum("thd,twd->thw", self.q.float(), kv) * self.scale
        scores = scores.masked_fill(~valid[:, None, :], -1e20)
        m = scores.amax(dim=-1, keepdim=True)
        p = torch.exp(scores - m) * valid[:, None, :]
        l = p.sum(dim=-1, keepdim=True) + torch.exp(self.sink[None, :, None] - m)
        o = torch.einsum("thw,twd->thd", p.bfloat16().float(), kv.bfloat16().float()) / l
        o_rope = rope_interleaved(o[..., HEAD_DIM - ROPE:], self.cos[:, None, :], self.sin[:, None, :], inverse=True)
        o = torch.cat([o[..., : HEAD_DIM - ROPE], o_rope], dim=-1).bfloat16()
        o_grouped = o.view(t, g, -1).to(self.mm_dtype)                           # [T, G, HPG*HD]
        o_r = torch.einsum("tgk,gok->tgo", o_grouped, self.wo_a).float()         # [T, G, OL]
        o_r_i8, o_r_scale = quantize_rows(o_r)
        partial = torch.matmul((o_r_i8.to(self.mm_dtype) * o_r_scale.to(self.mm_dtype)).reshape(t, g * ol), self.wo_b)
        return (partial.float() * self.wo_b_scale).bfloat16()


def time_it(fn, reps, warmup):
    with torch.inference_mode():
        for _ in range(warmup):
            fn()
        times = []
        for _ in range(reps):
            t0 = time.perf_counter()
            fn()
            times.append((time.perf_counter() - t0) * 1e3)
    return times


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--preset", choices=sorted(PRESETS), default="flash")
    ap.add_argument("--threads", type=int, default=0, help="torch intra-op threads (0 = all cores)")
    ap.add_argument("--reps", type=int, default=20)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--scopes", nargs="+", default=["qkv-decode", "qkv-prefill", "swa"],
                    choices=["qkv-decode", "qkv-prefill", "swa"])
    args = ap.parse_args()
    if args.threads < 0 or args.reps < 1 or args.warmup < 0:
        ap.error("--threads must be >= 0, --reps >= 1, --warmup >= 0")
    # torch picks its own default (one thread on the 2-vCPU VM of docs/performance.md); 'all
    # cores' here means every logical CPU, as tilegraph's --threads 0 does
    p = PRESETS[args.preset]
    for scope, intra_op in ((s, n) for s in args.scopes for n in intra_op_settings(args.threads)):
        torch.set_num_threads(intra_op)
        for variant, dtype in (("bf16", torch.bfloat16), ("fp32", torch.float32)):
            gen = torch.Generator().manual_seed(1)
            if scope == "swa":
                fn, model = SwaAttention(gen, p, dtype), "v4-swa-attention"
            else:
                fn, model = QkvProjRope(gen, p, DECODE_T if scope == "qkv-decode" else PREFILL_T, dtype), "v4-qkv-proj-rope"
            times = time_it(fn, args.reps, args.warmup)
            print(json.dumps({"peer": "torch", "model": model, "scope": scope, "preset": args.preset,
                              "variant": variant, "threads": torch.get_num_threads(), "blas_threads": blas_threads(),
                              "torch": torch.__version__,
                              "reps": args.reps, "median_ms": round(statistics.median(times), 3),
                              "min_ms": round(min(times), 3), "max_ms": round(max(times), 3)}))


if __name__ == "__main__":
    main()
