"""Thread settings of the torch peers, shared by bench/peers/torch_*.py.

Debian's torch 1.13 calls OpenBLAS (`libopenblas0-pthread`) through the generic BLAS
interface: torch.set_num_threads sets only torch's own OpenMP pool (elementwise ops), and
OpenBLAS keeps its own pool of one thread per core. With both pools at all cores, each
pool's threads spin after their work while the other pool needs the cores, so on a 2-core
host torch's intra-op 2 can be slower than intra-op 1 with OpenBLAS still on both cores.
A torch user would pick the faster one, so the peers time both and report both.
"""
import ctypes
import os


def blas_threads():
    """OpenBLAS's thread count as the process sees it, or None when it cannot be asked."""
    for name in ("libblas.so.3", "libopenblas.so.0"):
        try:
            return int(ctypes.CDLL(name).openblas_get_num_threads())
        except (OSError, AttributeError):
            continue
    return None


def intra_op_settings(threads):
    """torch intra-op thread counts to time: all cores (or --threads) and, if different, 1."""
    n = threads or os.cpu_count()
    return [n] if n == 1 else [n, 1]
