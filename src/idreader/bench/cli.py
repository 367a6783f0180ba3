"""``idreader bench DATASET...``: accuracy, flags and speed, with PassportEye as the peer."""

from __future__ import annotations

import datetime as dt
import os
import platform
import subprocess
from pathlib import Path

import cv2
import typer

from idreader.bench import peer as peer_reader
from idreader.bench.datasets import Dataset, load_dataset
from idreader.bench.report import print_summary, write_reports
from idreader.bench.run import bench_dataset
from idreader.cli.common import fail

CHECKOUT = Path(__file__).resolve().parents[3]


def git_commit() -> str:
    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=CHECKOUT, capture_output=True, text=True, check=False
        ).stdout.strip()

    commit = git("rev-parse", "--short=12", "HEAD") or "unknown"
    return commit + ("-dirty" if git("status", "--porcelain", "--untracked-files=no") else "")


def machine_info() -> dict:
    return {
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "opencv": cv2.__version__,
        "commit": git_commit(),
    }


def add_peer(datasets: list[Dataset], results: list[dict], wanted: bool, workers: int) -> str:
    """Run the peer on every image of the run and attach its scores; returns the peer status."""
    if not wanted:
        status = "skipped (--no-peer)"
    elif (found := peer_reader.find_peer()) is None:
        status = f"skipped: {peer_reader.PEER_VENV} not found (make bench-env builds it)"
    else:
        images = [s.image for ds in datasets for s in ds.samples]
        run = peer_reader.run_peer(*found, images, workers)
        for ds, result in zip(datasets, results, strict=True):
            scored = peer_reader.score_peer(ds.samples, run)
            scored["comparison"] = peer_reader.compare(result, scored)
            result["peer"] = scored
        return "passporteye" + (f" ({'; '.join(run.errors)})" if run.errors else "")
    for result in results:
        result["peer"] = {"status": status}
    return status


def run_bench(sources: list[str], name: str, limit: int | None, workers: int, peer: bool) -> dict:
    datasets = [load_dataset(source, limit) for source in sources]
    results = [bench_dataset(ds, workers) for ds in datasets]
    status = add_peer(datasets, results, peer, workers)
    return {
        "name": name,
        "date": dt.date.today().isoformat(),
        "machine": machine_info(),
        "options": {"workers": workers, "limit": limit, "peer": status},
        "datasets": results,
    }


def bench(
    datasets: list[str] = typer.Argument(
        ..., help="Synthetic folders (truth.jsonl) and/or real manifest.jsonl files"
    ),
    name: str = typer.Option("run", "--name", help="Report name: <date>-<name>.md/.json"),
    out: Path = typer.Option(Path("bench/results"), "--out", help="Folder for the reports"),
    limit: int | None = typer.Option(None, "--limit", min=1, help="First N images of each dataset"),
    workers: int = typer.Option(1, "--workers", min=1, help="Reader processes"),
    peer: bool = typer.Option(True, "--peer/--no-peer", help="Also run PassportEye (.venv-bench)"),
) -> None:
    """Benchmark MRZ, fields, document type, corners, quality flags and speed on labelled sets."""
    try:
        report = run_bench(datasets, name, limit, workers, peer)
    except (OSError, ValueError, KeyError) as exc:
        fail(f"cannot load dataset: {exc}")
    print_summary(report)
    md, js = write_reports(report, out)
    typer.echo(f"peer: {report['options']['peer']}")
    typer.echo(f"wrote {md} and {js}")
