"""``idreader partner …`` and ``idreader usage``."""

from __future__ import annotations

import datetime as dt
from types import EllipsisType

import typer
from rich.console import Console
from rich.table import Table

from idreader.accounts.store import PartnerExists, PartnerNotFound, PartnerView
from idreader.cli.common import fail, open_store, print_json
from idreader.countries import is_assigned_alpha2

partner_app = typer.Typer(help="Manage partner accounts.", no_args_is_help=True)

CODE = typer.Option(..., "--code", help="Partner code")
KEY = typer.Option(None, "--key", help="Partner key (default: a strong generated one)")
SERVICES = typer.Option(None, "--services", help="ocr | none")
BALANCE = typer.Option(None, "--balance", help="Calls left, or 'unlimited'")
DAILY = typer.Option(None, "--daily-limit", help="Calls per day, or 'unlimited'")
EXPIRES = typer.Option(None, "--expires", help="Last valid day YYYY-MM-DD, or 'never'")
COUNTRIES = typer.Option(None, "--countries", help="Opened countries MX,GB,… or 'all'")
BLOCKED = typer.Option(None, "--blocked/--unblocked", help="Block or unblock traffic")
JSON = typer.Option(False, "--json", help="Machine-readable output")


def _limit(text: str | None, name: str, maximum: int) -> int | EllipsisType | None:
    if text is None:
        return ...
    if text.lower() in {"unlimited", "none"}:
        return None
    if not (text.isascii() and text.isdigit()) or int(text) > maximum:
        fail(f"{name} must be a whole number up to {maximum} or 'unlimited'")
    return int(text)


def _expires(text: str | None) -> dt.date | EllipsisType | None:
    if text is None:
        return ...
    if text.lower() in {"never", "none"}:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        fail("--expires must be YYYY-MM-DD or 'never'")


def _countries(text: str | None) -> list[str] | EllipsisType | None:
    if text is None:
        return ...
    if text.strip().lower() == "all":
        return None
    codes = sorted({c.strip() for c in text.split(",") if c.strip()})
    bad = [c for c in codes if not is_assigned_alpha2(c)]
    if bad or not codes:
        fail(f"not ISO 3166-1 alpha-2 upper-case codes: {', '.join(bad) or repr(text)}")
    return codes


def _values(services, balance, daily_limit, expires, countries, blocked) -> dict:
    return {
        "services": services if services is not None else ...,
        "balance": _limit(balance, "--balance", 2**63 - 1),
        "daily_limit": _limit(daily_limit, "--daily-limit", 2**31 - 1),
        "expires_on": _expires(expires),
        "countries": _countries(countries),
        "blocked": blocked if blocked is not None else ...,
    }


def _show(partner: PartnerView, as_json: bool, key: str | None = None) -> None:
    data = partner.as_dict() | ({"key": key} if key else {})
    if as_json:
        print_json(data)
        return
    for name, value in data.items():
        typer.echo(f"{name:12} {'unlimited' if value is None else value}")
    if key:
        typer.secho("store the key now: it is kept only as a hash", fg=typer.colors.YELLOW)


def _run(action, as_json: bool, key_shown: bool = False, quiet: bool = False):
    try:
        result = action()
    except PartnerNotFound as exc:
        fail(f"no partner {exc}", 1)
    except PartnerExists as exc:
        fail(f"partner {exc} exists already", 1)
    except ValueError as exc:
        fail(str(exc))
    if quiet:
        return
    if key_shown:
        _show(result[0], as_json, result[1])
    elif result is not None:
        _show(result, as_json)


@partner_app.command()
def create(
    code: str = CODE,
    key: str = KEY,
    services: str = SERVICES,
    balance: str = BALANCE,
    daily_limit: str = DAILY,
    expires: str = EXPIRES,
    countries: str = COUNTRIES,
    blocked: bool = BLOCKED,
    as_json: bool = JSON,
) -> None:
    """Create a partner; its key is printed once."""
    values = _values(services, balance, daily_limit, expires, countries, blocked)
    _run(lambda: open_store().create(code, key, **values), as_json, key_shown=True)


@partner_app.command()
def update(
    code: str = CODE,
    services: str = SERVICES,
    balance: str = BALANCE,
    daily_limit: str = DAILY,
    expires: str = EXPIRES,
    countries: str = COUNTRIES,
    blocked: bool = BLOCKED,
    as_json: bool = JSON,
) -> None:
    """Change a partner's services, balance, limits, expiry or countries."""
    values = _values(services, balance, daily_limit, expires, countries, blocked)
    _run(lambda: open_store().update(code, **values), as_json)


@partner_app.command()
def show(code: str = CODE, as_json: bool = JSON) -> None:
    """Show one partner (never its key)."""
    _run(lambda: open_store().get(code), as_json)


@partner_app.command("list")
def list_partners(as_json: bool = JSON) -> None:
    """List all partners."""
    partners = open_store().list()
    if as_json:
        print_json([p.as_dict() for p in partners])
        return
    table = Table("code", "services", "blocked", "balance", "daily limit", "expires", "countries")
    for p in partners:
        table.add_row(
            p.code,
            ",".join(p.services),
            str(p.blocked),
            *(str(v) if v is not None else "unlimited" for v in (p.balance, p.daily_limit)),
            p.expires_on or "never",
            ",".join(p.countries or ["all"]),
        )
    Console().print(table)


@partner_app.command()
def block(code: str = CODE, as_json: bool = JSON) -> None:
    """Block a partner's traffic (answers 302)."""
    _run(lambda: open_store().update(code, blocked=True), as_json)


@partner_app.command()
def unblock(code: str = CODE, as_json: bool = JSON) -> None:
    """Let a blocked partner call again."""
    _run(lambda: open_store().update(code, blocked=False), as_json)


@partner_app.command("rotate-key")
def rotate_key(code: str = CODE, key: str = KEY, as_json: bool = JSON) -> None:
    """Replace a partner's key; the new key is printed once."""
    _run(lambda: open_store().rotate_key(code, key), as_json, key_shown=True)


@partner_app.command()
def delete(code: str = CODE, as_json: bool = JSON) -> None:
    """Delete a partner (its usage rows stay, without the partner link)."""
    _run(lambda: open_store().delete(code), as_json)
    if as_json:
        print_json({"deleted": code})
    else:
        typer.echo(f"deleted {code}")


def usage(
    partner: str = typer.Option(None, "--partner", help="Only this partner code"),
    since: str = typer.Option(None, "--since", help="From this date/time (ISO 8601)"),
    as_json: bool = JSON,
) -> None:
    """List requests: sequence id, partner, time, country, code, duration."""
    try:
        start = dt.datetime.fromisoformat(since) if since else None
        if start:
            start = (start if start.tzinfo else start.replace(tzinfo=dt.UTC)).astimezone(dt.UTC)
    except ValueError:
        fail("--since must be ISO 8601, e.g. 2026-11-01 or 2026-11-01T12:00")
    store = open_store()
    if partner:
        _run(lambda: store.get(partner), as_json=True, quiet=True)
    rows = store.usage(partner, start)
    if as_json:
        print_json(rows)
        return
    table = Table("sequence_id", "partner", "at", "country", "code", "billed", "ms")
    for r in rows:
        table.add_row(
            r["sequence_id"],
            r["partner"] or "-",
            r["at"],
            r["country"] or "-",
            str(r["code"]),
            str(r["billed"]),
            f"{r['duration_ms']:.0f}",
        )
    Console().print(table)
    typer.echo(f"{len(rows)} requests, {sum(r['billed'] for r in rows)} billed")
