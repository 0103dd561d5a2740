#!/usr/bin/env python3
"""DeepSeek V3.2 decode scope 1 written plainly in torch eager: the peer that
`tilegraph bench v32-decode-scope1` is compared with (docs/performance.md, "Beside PyTorch").

The math is docs/models' scope 1 (rmsnorm, q_a projection, q rmsnorm, q_b projection, kv_a
projection, RoPE on q and on the kv rope half, kv rmsnorm, the cache-row write and the q
split), as a user would write it in torch, not a transcription of tilegraph's tasks. Two
variants, as the issue asks, and the best one is the figure: `bf16` keeps the weights in
bf16 (torch's own CPU bf16 matmul), `fp32` holds fp32 copies of the weights made once before
timing (OpenBLAS sgemm), which is what a torch user on a CPU without bf16 units does.

Each variant runs with torch's intra-op pool at all cores and at 1 (OpenBLAS keeps its own
pool of all cores either way: torch_threads.py says why); the fastest row is the figure.
Prints one JSON object per (variant, intra-op threads): {"peer": "torch", "variant",
"threads", "blas_threads", "median_ms", "min_ms", "max_ms", "reps"}.
Usage: bench/peers/torch_v32_scope1.py [--threads N] [--reps R]
"""
import argparse
import json
import statistics
import sys
import time

try:
    import torch
except ImportError:
    print("torch_v32_scope1: python3-torch is not installed (apt-get install python3-torch)", file=sys.stderr)
    sys.exit(2)

from torch_threads import blas_threads, intra_op_settings

B, HIDDEN, HEADS = 16, 7168, 128
Q_LORA, KV_LORA, NOPE, ROPE = 1536, 512, 128, 64
QK_HEAD = NOPE + ROPE
MAX_SEQ, EPS = 4096, 1e-6


def make_inputs(gen):
    def uniform(shape, lo, hi, dtype):
        return (torch.rand(shape, generator=gen) * (hi - lo) + lo).to(dtype)

    x = {
        "hidden_states": uniform((B, HIDDEN), -1, 1, torch.bfloat16),
        "input_rms_weight": uniform((HIDDEN,), -1, 1, torch.float32),
        "q_norm_weight": uniform((Q_LORA,), -1, 1, torch.float32),
        "kv_norm_weight": uniform((KV_LORA,), -1, 1, torch.float32),
        "wq_a": uniform((HIDDEN, Q_LORA), -0.1, 0.1, torch.bfloat16),
        "wq_b": uniform((Q_LORA, HEADS * QK_HEAD), -0.1, 0.1, torch.bfloat16),
        "wkv_a": uniform((HIDDEN, KV_LORA + ROPE), -0.1, 0.1, torch.bfloat16),
        "seq_lens": torch.randint(1, MAX_SEQ + 1, (B,), generator=gen, dtype=torch.int64),
        "kv_cache": uniform((B * MAX_SEQ, KV_LORA), -1, 1, torch.bfloat16),
        "pe_cache": uniform((B * MAX_SEQ, ROPE), -1, 1, torch.bfloat16),
    }
    pos = torch.arange(MAX_SEQ, dtype=torch.float32)[:, None]
    theta = 10000.0 ** (-2.0 * torch.arange(ROPE // 2, dtype=torch.float32) / ROPE)
    angles = pos * theta[None, :]
    x["rope_cos"] = torch.cat([angles.cos(), angles.cos()], dim=1)
    x["rope_sin"] = torch.cat([angles.sin(), angles.sin()], dim=1)
    return x


def rms(v, weight):
    inv = 1.0 / torch.sqrt(v.pow(2).mean(dim=-1, keepdim=True) + EPS)
    return v * inv * weight


def rotate(v, cos, sin):
    # half-split ("rotate_half") layout, as the scope's spec
    lo, hi = v[..., : ROPE // 2], v[..., ROPE // 2 :]
    return torch.cat([lo * cos[..., : ROPE // 2] - hi * sin[..., : ROPE // 2],
                      hi * cos[..., ROPE // 2 :] + lo * sin[..., ROPE // 2 :]], dim=-1)


def scope1(x, w):
    """One decode step of scope 1; `w` holds the weights in the variant's dtype."""
    mm_dtype = w["wq_a"].dtype
    hs = x["hidden_states"].float()
    normed = rms(hs, x["input_rms_weight"]).to(torch.bfloat16)
    qr = torch.matmul(normed.to(mm_dtype), w["wq_a"]).float()
    qr_out = rms(qr, x["q_norm_weight"]).to(torch.bfloat16)
    q = torch.matmul(qr_out.to(mm_dtype), w["wq_b"]).to(torch.bfloat16).view(B, HEADS, QK_HEAD)
    kv_a = torch.matmul(normed.to(mm_dtype), w["wkv_a"]).to(torch.bfloat16)

    pos = x["seq_lens"] - 1
    cos, sin = x["rope_cos"][pos], x["rope_sin"][pos]           # [B, R]
    q_pe = rotate(q[..., NOPE:].float(), cos[:, None, :], sin[:, None, :]).to(torch.bfloat16)
    q_nope = q[..., :NOPE]
    kv_normed = rms(kv_a[:, :KV_LORA].float(), x["kv_norm_weight"]).to(torch.bfloat16)
    pe = rotate(kv_a[:, KV_LORA:].float(), cos, sin).to(torch.bfloat16)
    rows = torch.arange(B) * MAX_SEQ + pos
    x["kv_cache"][rows] = kv_normed
    x["pe_cache"][rows] = pe
    return q_nope.reshape(B, HEADS * NOPE), q_pe.reshape(B, HEADS * ROPE), qr_out


def time_variant(x, w, reps, warmup):
    with torch.inference_mode():
        for _ in range(warmup):
            scope1(x, w)
        times = []
        for _ in range(reps):
            t0 = time.perf_counter()
            scope1(x, w)
            times.append((time.perf_counter() - t0) * 1e3)
    return times


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--threads", type=int, default=0, help="torch intra-op threads (0 = all cores)")
    ap.add_argument("--reps", type=int, default=20)
    ap.add_argument("--warmup", type=int, default=3)
    args = ap.parse_args()
    if args.threads < 0 or args.reps < 1 or args.warmup < 0:
        ap.error("--threads must be >= 0, --reps >= 1, --warmup >= 0")
    gen = torch.Generator().manual_seed(1)
    x = make_inputs(gen)
    weights_bf16 = {k: x[k] for k in ("wq_a", "wq_b", "wkv_a")}
    weights_fp32 = {k: v.float() for k, v in weights_bf16.items()}  # made once, outside timing
    # torch picks its own default (one thread on the 2-vCPU VM of docs/performance.md); 'all
    # cores' here means every logical CPU, as tilegraph's --threads 0 does
    for intra_op in intra_op_settings(args.threads):
        torch.set_num_threads(intra_op)
        for variant, w in (("bf16", weights_bf16), ("fp32", weights_fp32)):
            times = time_variant(x, w, args.reps, args.warmup)
            print(json.dumps({"peer": "torch", "model": "v32-decode-scope1", "variant": variant,
                              "threads": torch.get_num_threads(), "blas_threads": blas_threads(),
                              "torch": torch.__version__, "reps": args.reps,
                              "median_ms": round(statistics.median(times), 3),
                              "min_ms": round(min(times), 3), "max_ms": round(max(times), 3)}))


if __name__ == "__main__":
    main()
