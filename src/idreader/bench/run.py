"""Run idreader over datasets, score every image, and compute each dataset's results."""

from __future__ import annotations

import multiprocessing
import os
import resource
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import cv2
from rich.progress import Progress

from idreader.api.assemble import success_answer
from idreader.api.contract import to_wire
from idreader.bench import summary
from idreader.bench.datasets import Dataset, Sample
from idreader.bench.evaluate import ImageScore, prediction_from_answer, score_image
from idreader.pipeline import read
from idreader.pipeline.types import Options

OPTIONS = Options(images=False, image_quality=True, document_forgery=True)
SEQUENCE_ID = "0" * 32


@dataclass
class ImageRun:
    """What one worker reports for one image."""

    answer: dict | None
    corners: list[list[float]] | None
    seconds: float | None  # wall time of read + assembly
    cpu_seconds: float | None  # CPU time of the same, all threads of the worker
    peak_rss_mb: float
    error: str | None = None
    stages: dict[str, float] | None = None  # pipeline stage -> seconds
    barcode_read: bool = False  # some field was read from a barcode


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def _start_worker() -> None:
    cv2.setNumThreads(1)  # one core per worker, so images/s per core means what it says
    try:  # load the models now, as a server does at start, so no image pays for it
        from idreader.pipeline import warm_up
    except ImportError:
        return
    warm_up()


def _pid_after(seconds: float) -> int:
    time.sleep(seconds)  # a short task, so a busy worker leaves the next one to another
    return os.getpid()


def wait_for_workers(pool: ProcessPoolExecutor, workers: int, limit_s: float = 120) -> None:
    """Return once every worker has started (and loaded the models), so timing excludes it."""
    seen: set[int] = set()
    deadline = time.monotonic() + limit_s
    while len(seen) < workers and time.monotonic() < deadline:
        seen |= set(pool.map(_pid_after, [0.05] * workers))


def read_image(path: str, country: str) -> ImageRun:
    """Read one file the way the API does, timing read + assembly; never raises."""
    try:
        data = Path(path).read_bytes()
        start, cpu_start = time.perf_counter(), time.process_time()
        reading = read(data, country, OPTIONS)
        answer = to_wire(success_answer(reading, SEQUENCE_ID))
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
        from_barcode = any(f.source == "barcode" for f in reading.fields)
        return ImageRun(
            answer, reading.corners, seconds, cpu, peak_rss_mb(), stages=dict(reading.timings),
            barcode_read=from_barcode,
        )  # fmt: skip
    except Exception as exc:
        return ImageRun(None, None, None, None, peak_rss_mb(), f"{type(exc).__name__}: {exc}")


def read_all(samples: list[Sample], workers: int, label: str) -> tuple[list[ImageRun], float]:
    """Read every sample in ``workers`` processes; returns the runs (in order) and the wall
    seconds of the reading, not counting the workers' start-up."""
    # spawn, not fork: forking a process that runs threads (a server, a test client) can deadlock.
    spawn = multiprocessing.get_context("spawn")
    with (
        ProcessPoolExecutor(workers, mp_context=spawn, initializer=_start_worker) as pool,
        Progress(transient=True) as progress,
    ):
        wait_for_workers(pool, workers)
        start = time.perf_counter()
        task = progress.add_task(label, total=len(samples))
        futures = [pool.submit(read_image, str(s.image), s.country) for s in samples]
        runs = []
        for future in futures:
            runs.append(future.result())
            progress.advance(task)
    return runs, time.perf_counter() - start


def score_runs(samples: list[Sample], runs: list[ImageRun]) -> list[ImageScore]:
    return [
        score_image(
            s,
            prediction_from_answer(r.answer, r.corners, r.barcode_read) if r.answer else None,
            r.seconds,
        )
        for s, r in zip(samples, runs, strict=True)
    ]


def bench_dataset(dataset: Dataset, workers: int) -> dict:
    """Read and score one dataset; the dict is what the reports print."""
    runs, wall = read_all(dataset.samples, workers, dataset.name)
    scores = score_runs(dataset.samples, runs)
    return {
        "name": dataset.name,
        "source": dataset.source,
        "type": dataset.type,
        "images": len(scores),
        "overall": summary.summarise(scores),
        "by_kind": {
            k: summary.summarise(g)
            for k, g in summary.group_by(scores, lambda s: [s.sample.kind]).items()
        },
        "by_defect": summary.by_defect(scores),
        "by_defect_strength": summary.by_defect_strength(scores),
        "fields": summary.per_field(scores),
        "flags": summary.per_flag(scores),
        "flags_by_tag": summary.flags_by_tag(scores),
        "speed": summary.speed(
            scores,
            wall,
            workers,
            peak_rss_mb=max((r.peak_rss_mb for r in runs), default=0),
            cpu_seconds=[r.cpu_seconds for r in runs if r.cpu_seconds is not None],
            stages=[r.stages for r in runs if r.stages],
            without_options=[
                r.seconds - r.stages.get("options", 0.0)
                for r in runs
                if r.seconds is not None and r.stages
            ],
        ),
        "failures": summary.failures(r.error for r in runs if r.error),
    }
