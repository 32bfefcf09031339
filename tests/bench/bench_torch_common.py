"""What the PyTorch sides of the benchmarks share: OpenBLAS threads and the timing rule of the
C++ side (bench_timing.h)."""
import ctypes
import time

ROUNDS = 10


def set_blas_threads(n):
    """torch.set_num_threads does not reach Debian's OpenBLAS (torch sees a "generic" BLAS),
    which otherwise runs its own thread per core, so that "1 thread" would use every core.
    Returns OpenBLAS's thread count, or None if torch's BLAS is not OpenBLAS."""
    try:
        blas = ctypes.CDLL("libblas.so.3")  # the library torch already loaded
        blas.openblas_set_num_threads(n)
        return blas.openblas_get_num_threads()
    except (OSError, AttributeError):
        return None


def best_seconds(f, seconds):
    """The best per-call time of 10 rounds of at least seconds/10 each, after one warm-up call."""
    f()
    best = float("inf")
    for _ in range(ROUNDS):
        calls, start = 0, time.perf_counter()
        while True:
            f()
            calls += 1
            elapsed = time.perf_counter() - start
            if elapsed >= seconds / ROUNDS:
                break
        best = min(best, elapsed / calls)
    return best
