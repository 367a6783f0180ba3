"""``idreader synth``: write a synthetic set of identity-document photos with ground truth."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.progress import Progress

from idreader.cli.common import fail
from idreader.synth.capture import ALL_DEFECTS
from idreader.synth.generate import Plan, generate
from idreader.synth.templates import KINDS


def _names(text: str | None, allowed: tuple[str, ...], option: str) -> tuple[str, ...]:
    names = tuple(n.strip() for n in (text or "").split(",") if n.strip())
    unknown = [n for n in names if n not in allowed]
    if unknown:
        fail(f"{option}: unknown {', '.join(unknown)}; choose from {', '.join(allowed)}")
    return names


def synth(
    n: int = typer.Option(..., "--n", min=1, help="Number of images"),
    seed: int = typer.Option(0, "--seed", help="Same seed, same images"),
    out: Path = typer.Option(..., "--out", help="Folder for images and truth.jsonl"),
    kinds: str = typer.Option(None, "--kinds", help=f"Comma-separated: {', '.join(KINDS)}"),
    defects: str = typer.Option(
        "random",
        "--defects",
        help=f"'random' (a mix per image), 'none' (flat scans) or a list: {', '.join(ALL_DEFECTS)}",
    ),
    bad_check_share: float = typer.Option(
        0.0, "--bad-check-share", min=0.0, max=1.0, help="Share of MRZs given a wrong check digit"
    ),
    workers: int = typer.Option(1, "--workers", min=1),
) -> None:
    """Generate mock identity documents with complete ground truth and capture defects."""
    if defects == "random":
        chosen = None
    elif defects == "none":
        chosen = ()
    else:
        chosen = _names(defects, ALL_DEFECTS, "--defects")
    plan = Plan(
        n=n,
        seed=seed,
        kinds=_names(kinds, KINDS, "--kinds"),
        defects=chosen,
        bad_check_share=bad_check_share,
    )
    with Progress() as bar:
        task = bar.add_task("generating", total=n)
        generate(plan, out, workers, progress=lambda: bar.advance(task))
    typer.echo(f"{n} images and truth.jsonl in {out}")
