"""The peer reader (PassportEye), run in its own venv as a subprocess on the same images.

PassportEye is never imported here: ``bench/peer_passporteye.py`` runs under
``.venv-bench/bin/python`` and prints one JSON line per image.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from idreader.bench.datasets import Sample
from idreader.bench.metrics import char_accuracy, mean, percentile, rate

PEER_VENV = ".venv-bench"
PEER_SCRIPT = "bench/peer_passporteye.py"
# One thread per process so seconds per image compare per core with idreader's.
SINGLE_THREAD_ENV = {"OMP_THREAD_LIMIT": "1", "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}


@dataclass
class PeerRun:
    info: dict = field(default_factory=dict)  # peer name and versions, from its first line
    results: dict[str, dict] = field(default_factory=dict)  # resolved image path -> result line
    errors: list[str] = field(default_factory=list)  # subprocess-level problems


def find_peer(roots: Sequence[Path] | None = None) -> tuple[Path, Path] | None:
    """(python, script) of the peer's venv, looked for in the working dir and the checkout."""
    if roots is None:
        roots = [Path.cwd(), Path(__file__).resolve().parents[3]]
    for root in roots:
        python, script = root / PEER_VENV / "bin" / "python", root / PEER_SCRIPT
        if python.exists() and script.is_file():
            return python, script
    return None


def _run_chunk(python: Path, script: Path, paths: list[str], run: PeerRun) -> None:
    env = os.environ | SINGLE_THREAD_ENV
    proc = subprocess.run(
        [str(python), str(script)],
        input=json.dumps(paths),
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    for line in proc.stdout.splitlines():
        try:
            row = json.loads(line)
        except ValueError:
            continue
        if "path" in row:
            run.results[str(Path(row["path"]).resolve())] = row
        elif "peer" in row:
            run.info = row
    if proc.returncode != 0:
        tail = proc.stderr.strip().splitlines()[-1:] or ["no output"]
        run.errors.append(f"peer exited {proc.returncode}: {tail[0]}")


def run_peer(python: Path, script: Path, images: Sequence[Path], workers: int = 1) -> PeerRun:
    """Run the peer script on ``images`` in ``workers`` processes, each taking a slice."""
    paths = sorted({str(p.resolve()) for p in images})
    run = PeerRun()
    chunks = [paths[i::workers] for i in range(workers) if paths[i::workers]]
    with ThreadPoolExecutor(max(1, len(chunks))) as pool:
        for future in [pool.submit(_run_chunk, python, script, c, run) for c in chunks]:
            future.result()
    return run


def score_peer(samples: Sequence[Sample], run: PeerRun) -> dict:
    """The peer's MRZ metrics on the samples with MRZ truth, and its time per image."""
    rows = [run.results.get(str(s.image.resolve())) for s in samples]
    seconds = [r["seconds"] for r in rows if r and r.get("seconds") is not None]
    cpu = [r["cpu_seconds"] for r in rows if r and r.get("cpu_seconds") is not None]
    scored = [(s, r or {}) for s, r in zip(samples, rows, strict=True) if s.mrz]
    exact = [(r.get("mrz") or None) == s.mrz for s, r in scored]
    return {
        "info": run.info,
        "images": len(samples),
        "answered": sum(r is not None for r in rows),
        "errors": sum(1 for r in rows if r is None or r.get("error")),
        "mrz": {
            "images": len(scored),
            "exact": rate(sum(exact), len(scored)),
            "char_accuracy": mean(
                char_accuracy("\n".join(r.get("mrz") or []), "\n".join(s.mrz or []))
                for s, r in scored
            ),
            "found": rate(sum(bool(r.get("mrz")) for _, r in scored), len(scored)),
            "false_valid": sum(
                bool(r.get("valid")) and not ok for (_, r), ok in zip(scored, exact, strict=True)
            ),
        },
        "p50_s": percentile(seconds, 50),
        "mean_s": mean(seconds),
        "images_per_s_per_core": 1 / mean(seconds) if seconds and mean(seconds) else None,
        "cpu_mean_s": mean(cpu),
        "images_per_cpu_s": 1 / mean(cpu) if cpu and mean(cpu) else None,
    }


def compare(ours: dict, peer: dict) -> dict:
    """Our speed / peer speed (per core, and per CPU second) and our MRZ exact-match minus the
    peer's."""
    our_speed, peer_speed = ours["speed"]["images_per_s_per_core"], peer["images_per_s_per_core"]
    our_cpu, peer_cpu = ours["speed"]["images_per_cpu_s"], peer["images_per_cpu_s"]
    our_exact, peer_exact = ours["overall"]["mrz"]["exact"], peer["mrz"]["exact"]
    return {
        "speed_ratio": our_speed / peer_speed if our_speed and peer_speed else None,
        "cpu_speed_ratio": our_cpu / peer_cpu if our_cpu and peer_cpu else None,
        "exact_diff": our_exact - peer_exact
        if our_exact is not None and peer_exact is not None
        else None,
    }
