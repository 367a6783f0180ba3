"""``idreader`` command line: serve, partner, usage, scan, batch, synth, bench."""

from __future__ import annotations

import typer

from idreader.bench.cli import bench
from idreader.cli import files, partners, server, synth

app = typer.Typer(
    help="Self-hosted identity-document reader (OCR API V2.0).",
    no_args_is_help=True,
    add_completion=False,
)
app.command("serve")(server.serve)
app.add_typer(partners.partner_app, name="partner")
app.command("usage")(partners.usage)
app.command("scan")(files.scan)
app.command("batch")(files.batch)
app.command("synth")(synth.synth)
app.command("bench")(bench)

if __name__ == "__main__":
    app()
