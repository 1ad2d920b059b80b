"""Data loading throughput: fx.data against torch.utils.data, side by side in one process.

Samples per second over whole epochs, and the time ratio fx/torch (below 1: fx is faster); the two
libraries run interleaved round by round (benchmarks/harness.py `compare`, once in each order), and
each number is the median of its rounds:

- TensorDataset of 60,000 x 784 float32 (+ int64 labels), batch 256, shuffle, in the main process;
- the same with num_workers=2 (batches cross process boundaries: shared memory in both libraries);
- a map-style dataset whose `__getitem__` takes 1 ms per sample (a 784-float32 sample and an int
  label), batch 32, num_workers=2, workers started each epoch (the default): once as Python work
  (busy: on a 2-core machine the workers compete with everything else for the cores), once as a
  sleep (I/O-like: measures what the loader itself costs).

Usage: python benchmarks/bench_data.py [--quick]
"""

from __future__ import annotations

import argparse
import time

from harness import compare, ft, machine_info, np, torch

import fx.data as fd

N, D = 60_000, 784


def slow_sample(i, busy):
    """1 ms per sample, then the sample: Python work (decoding, augmenting: busy=True) or waiting (I/O)."""
    if busy:
        end = time.perf_counter() + 0.001
        while time.perf_counter() < end:
            pass
    else:
        time.sleep(0.001)
    return np.full(D, i % 251, np.float32), i % 10


class FxSlow(fd.Dataset):
    def __init__(self, n, busy):
        self.n, self.busy = n, busy

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        return slow_sample(i, self.busy)


if torch is not None:
    class TorchSlow(torch.utils.data.Dataset):
        def __init__(self, n, busy):
            self.n, self.busy = n, busy

        def __len__(self):
            return self.n

        def __getitem__(self, i):
            return slow_sample(i, self.busy)


def epoch(loader):
    def run():
        for _ in loader:
            pass
    return run


def cases(quick):
    x = np.random.default_rng(0).standard_normal((N, D), dtype=np.float32)
    y = np.arange(N) % 10
    fx_ds = fd.TensorDataset(ft.from_numpy(x), ft.from_numpy(y))
    t_ds = torch.utils.data.TensorDataset(torch.from_numpy(x), torch.from_numpy(y)) if torch else None
    slow_n = 512 if quick else 2048

    def loaders(fx_ds, t_ds, **kw):
        fx_loader = fd.DataLoader(fx_ds, generator=ft.Generator().manual_seed(0), **kw)
        t_loader = torch.utils.data.DataLoader(t_ds, generator=torch.Generator().manual_seed(0), **kw) if torch else None
        return epoch(fx_loader), epoch(t_loader) if t_loader else None

    yield ("TensorDataset 60000x784 f32, batch 256, shuffle", N,
           *loaders(fx_ds, t_ds, batch_size=256, shuffle=True), 2 if quick else 4)
    yield ("TensorDataset 60000x784 f32, batch 256, shuffle, 2 workers", N,
           *loaders(fx_ds, t_ds, batch_size=256, shuffle=True, num_workers=2), 1 if quick else 3)
    for busy, what in ((True, "1 ms of Python work"), (False, "1 ms sleep")):
        yield (f"{what} per __getitem__ ({slow_n} samples), batch 32, 2 workers", slow_n,
               *loaders(FxSlow(slow_n, busy), TorchSlow(slow_n, busy) if torch else None, batch_size=32, num_workers=2),
               1 if quick else 3)


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--quick", action="store_true", help="fewer rounds, smaller slow dataset")
    p.add_argument("--no-busy", action="store_true", help="accepted for benchmarks/run.py (no busy-core pass here)")
    args = p.parse_args()
    print(machine_info())
    print()
    print("### DataLoader throughput")
    print()
    print("| workload | fx samples/s | torch samples/s | fx/torch time |")
    print("|---|---:|---:|---:|")
    for name, n, fx_run, t_run, repeat in cases(args.quick):
        # Half the rounds each way round: on a busy 2-core machine the first of a pair tends to lose.
        a = compare({"fx": fx_run, "torch": t_run}, repeat=repeat, warmup=1)
        b = compare({"torch": t_run, "fx": fx_run}, repeat=repeat, warmup=0)
        t = {k: (a[k] + b[k]) / 2 for k in a}
        fx_rate = n / t["fx"]
        t_rate = n / t["torch"] if "torch" in t else None
        ratio = f"{t_rate / fx_rate:.2f}" if t_rate else "-"  # below 1: fx is faster
        print(f"| {name} | {fx_rate:,.0f} | {f'{t_rate:,.0f}' if t_rate else '-'} | {ratio} |", flush=True)


if __name__ == "__main__":
    main()
