"""Helpers shared by the CLI commands."""

from __future__ import annotations

import json

import typer

from idreader.accounts.store import PartnerStore
from idreader.config import get_settings
from idreader.db.engine import migrate, session_factory


def open_store() -> PartnerStore:
    url = get_settings().database_url
    migrate(url)
    return PartnerStore(session_factory(url))


def print_json(value: object) -> None:
    typer.echo(json.dumps(value, ensure_ascii=False, indent=2))


def fail(message: str, code: int = 2) -> None:
    typer.secho(f"error: {message}", err=True, fg=typer.colors.RED)
    raise typer.Exit(code)
