"""How much memory and time a run will take, worked out from its size before
it starts, so that a run that cannot fit is refused with the numbers rather
than killed by the system hours later.

The rates are measured (``benchmarks/resources.py`` prints them) on the
shipped scenarios, with a margin: drawing and scoring one replicate year of
one unit peaks at 5.4–13.6 KB while its chunk is scored (Jiande's the most),
a row of results takes 180–190 bytes as scored and about three times that
while the chunks are joined and sorted, and a unit-year is scored under one
comparison in 24–58 µs on one core of a busy 2-core machine.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

#: bytes at the peak of scoring one replicate year of one unit (measured 5.4–13.6 KB)
CHUNK_BYTES = 16_000
#: bytes per result row while the chunks are joined and sorted (measured 220 as scored, about 110 kept
#: with text columns as categories, × 2 while joined and sorted): errs high
ROW_BYTES = 600
#: seconds per unit-year and comparison on one core (measured 24–58 µs)
ROW_SECONDS = 60e-6


class ResourceError(ValueError):
    """A run that cannot fit in this computer's memory, with what to do."""


@dataclass(frozen=True)
class Estimate:
    replicates: int
    rows: int            # result rows: replicates × units of every comparison
    chunk_bytes: int     # peak while one chunk is scored (per worker)
    result_bytes: int    # the results held at the end
    seconds: float       # on the given number of workers

    @property
    def peak_bytes(self) -> int:
        return self.result_bytes + self.chunk_bytes

    def describe(self) -> str:
        return (f"about {_size(self.peak_bytes)} of memory ({_size(self.chunk_bytes)} per chunk being scored, "
                f"{_size(self.result_bytes)} for {self.rows:,} result rows) and {_duration(self.seconds)}")


def estimate(scenario, replicates: int | None = None, workers: int = 1) -> Estimate:
    """Memory and time of running ``scenario`` (``replicates`` of them) on ``workers``."""
    n = scenario.replicates if replicates is None else replicates
    drawn = sum(len(units) for units in scenario.populations.values())  # histories drawn per replicate year
    scored = sum(len(scenario.units(c.rulebook.id)) for c in scenario.comparisons)
    chunk = min(scenario.chunk, n)
    rows = n * scored
    return Estimate(n, rows, chunk * drawn * CHUNK_BYTES, rows * ROW_BYTES,
                    rows * ROW_SECONDS / max(1, workers))


def available_memory() -> int:
    """Bytes of memory the system can give without swapping."""
    import psutil

    return int(psutil.virtual_memory().available)


def check(scenario, replicates: int | None = None, workers: int = 1, local_workers: int = 1,
          memory: int | None = None, worker_memory: int | None = None) -> Estimate:
    """The estimate, or :class:`ResourceError` when the run cannot fit:
    ``local_workers`` chunks are scored at once on this computer (0 when a
    Dask cluster scores them; ``worker_memory`` is then its smallest worker's)."""
    est = estimate(scenario, replicates, workers)
    memory = available_memory() if memory is None else memory
    # half the memory for the chunks being scored here, half for the results they add up to
    chunk_room = worker_memory if not local_workers else memory / 2 / local_workers
    result_room = memory / 2 if local_workers else memory * 0.8
    advice = []
    if chunk_room and est.chunk_bytes > chunk_room:
        per_year = est.chunk_bytes / min(scenario.chunk, est.replicates)
        fits = int(chunk_room // per_year) // 16 * 16
        if fits >= 16:
            advice.append(f"a smaller chunk (chunk = {fits} in [scenario] fits)")
        else:
            advice.append(f"fewer units, or a Dask cluster whose workers have {_size(16 * per_year)} each "
                          f"(--dask ADDRESS)")
        if local_workers > 1:
            advice.append("fewer --workers")
    if est.result_bytes > result_room:
        fit = int(result_room // (est.rows / est.replicates * ROW_BYTES))
        advice.append(f"fewer replicates (about {fit:,} fit; --until-se stops as soon as the estimates are "
                      f"precise enough)")
    if advice:
        raise ResourceError(
            f"this run needs {est.describe()}, but this computer has {_size(memory)} free"
            f"{f' and the smallest Dask worker {_size(worker_memory)}' if worker_memory else ''}; "
            f"try {' or '.join(advice)}")
    return est


def replicates_that_fit(scenario, local_workers: int = 1, memory: int | None = None) -> int:
    """The most replicate years whose results fit (for ``--until-se``, which
    may go on well past the scenario's own number)."""
    memory = available_memory() if memory is None else memory
    per_year = sum(len(scenario.units(c.rulebook.id)) for c in scenario.comparisons) * ROW_BYTES
    room = memory / 2 if local_workers else memory * 0.8
    return int(room // per_year) // scenario.chunk * scenario.chunk


def _size(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if n < 1000 or unit == "TB":
            return f"{n:.0f} {unit}" if unit in ("B", "KB") else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} TB"


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{max(1, math.ceil(seconds))} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"
