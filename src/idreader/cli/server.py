"""``idreader serve``: migrate, make sure a demo partner exists, run uvicorn."""

from __future__ import annotations

import typer
import uvicorn

from idreader.accounts.store import PartnerStore
from idreader.cli.common import open_store
from idreader.config import get_settings


def ensure_demo_partner(store: PartnerStore, code: str) -> None:
    """On a fresh database, create a demo partner and show its key (once: it is stored hashed)."""
    if partners := store.count():
        typer.echo(
            f"partners: {partners} (keys are stored hashed; "
            f"'idreader partner rotate-key --code {code}' issues a new demo key)"
        )
        return
    partner, key = store.create(code)
    typer.secho("demo partner created; the key is shown only now:", fg=typer.colors.GREEN)
    typer.echo(f"  partner_code={partner.code}\n  partner_key={key}")


def serve(
    host: str = typer.Option("127.0.0.1", help="Interface to bind"),
    port: int = typer.Option(8080, help="TCP port"),
    workers: int = typer.Option(1, min=1, help="Worker processes"),
) -> None:
    """Run the OCR API server (database from IDREADER_DATABASE_URL)."""
    settings = get_settings()
    ensure_demo_partner(open_store(), settings.demo_partner_code)
    typer.echo(f"serving POST http://{host}:{port}{settings.api_path} (docs at /docs)")
    # access_log off: the query string carries partner_key.
    uvicorn.run(
        "idreader.api.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        access_log=False,
        log_level="warning",
    )
