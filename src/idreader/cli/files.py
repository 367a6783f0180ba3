"""``idreader scan`` (one file) and ``idreader batch`` (many, resumable)."""

from __future__ import annotations

import base64
import glob
import json
import multiprocessing
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

import typer
from rich.progress import Progress

from idreader.api.contract import to_wire
from idreader.api.service import ocr_without_partner
from idreader.cli.common import fail, print_json
from idreader.config import get_settings

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png"}


def scan_file(path: str, country: str, options: str | None) -> dict:
    """The API's JSON answer for one local file."""
    body = {
        "image": base64.b64encode(Path(path).read_bytes()).decode(),
        "country": country,
        "scenario": "Ocr",
        "options": options,
    }
    return to_wire(ocr_without_partner(body, get_settings()))


def scan(
    image: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True),
    country: str = typer.Option(..., "--country", help="ISO 3166-1 alpha-2, e.g. MX"),
    options: str = typer.Option(None, "--options", help="images,image_quality,document_forgery"),
) -> None:
    """Read one image file and print the same JSON the API returns (no partner needed)."""
    print_json(scan_file(str(image), country, options))


def find_images(source: str) -> list[str]:
    root = Path(source)
    paths = root.rglob("*") if root.is_dir() else map(Path, glob.glob(source, recursive=True))
    return sorted(str(p) for p in paths if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES)


def already_done(out: Path) -> set[str]:
    """Images ``out`` already holds. Lines cut short by an interrupted run are dropped from
    the file, so their images are read again and the file stays valid JSON Lines."""
    if not out.exists():
        return set()
    done, kept = set(), []
    lines = out.read_text("utf-8", errors="replace").splitlines()
    for line in lines:
        try:
            done.add(json.loads(line)["image"])
            kept.append(line)
        except (ValueError, KeyError, TypeError):
            continue
    if len(kept) != len(lines) or (lines and not out.read_bytes().endswith(b"\n")):
        out.write_text("".join(line + "\n" for line in kept), "utf-8")
    return done


def batch(
    source: str = typer.Argument(..., help="A folder (searched recursively) or a glob"),
    country: str = typer.Option(..., "--country"),
    out: Path = typer.Option(..., "--out", help="JSON Lines file; appended to"),
    options: str = typer.Option(None, "--options"),
    workers: int = typer.Option(1, "--workers", min=1),
) -> None:
    """Read many images into one JSON line each; re-running skips what --out already has."""
    images = find_images(source)
    if not images:
        fail(f"no JPEG/PNG images in {source}")
    done = already_done(out)
    todo = [p for p in images if p not in done]
    typer.echo(f"{len(images)} images, {len(images) - len(todo)} already in {out}")
    out.parent.mkdir(parents=True, exist_ok=True)
    # spawn, not fork: a forked child of a process whose ONNX runtime threads already run
    # can deadlock.
    with (
        ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool,
        out.open("a", encoding="utf-8") as sink,
        Progress() as progress,
    ):
        task = progress.add_task("reading", total=len(todo))
        futures = {pool.submit(scan_file, p, country, options): p for p in todo}
        for future in as_completed(futures):
            sink.write(
                json.dumps(
                    {"image": futures[future], "response": future.result()}, ensure_ascii=False
                )
                + "\n"
            )
            sink.flush()
            progress.advance(task)
