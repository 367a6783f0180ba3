"""Billing and metering: atomic under concurrency, on SQLite and (when it answers) PostgreSQL.

The concurrency tests run two real server processes on one database, the multi-node path.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from conftest import TODAY, b64, card_photo, encode, free_port, wait_ready
from idreader.accounts.store import PartnerStore
from idreader.db.engine import migrate, session_factory

SMALL_JPEG = b64(encode(card_photo(160, 110)))
BODY = {"image": SMALL_JPEG, "country": "MX", "scenario": "Ocr"}


class Servers:
    """N uvicorn processes sharing one database."""

    def __init__(self, url: str, count: int = 2) -> None:
        migrate(url)
        env = os.environ | {
            "IDREADER_DATABASE_URL": url,
            "IDREADER_TODAY": TODAY,
            "IDREADER_LOG_LEVEL": "WARNING",
            # the calls queue for the pipeline; this test is about money, not deadlines
            "IDREADER_PROCESSING_TIMEOUT_S": "600",
        }
        self.ports = [free_port() for _ in range(count)]
        self.procs = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "uvicorn",
                    "idreader.api.app:create_app",
                    "--factory",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(p),
                    "--no-access-log",
                    "--log-level",
                    "warning",
                ],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for p in self.ports
        ]
        try:
            for port in self.ports:
                wait_ready(port)
        except AssertionError:
            self.stop()
            raise

    def fire(self, code: str, key: str, n: int) -> Counter:
        """``n`` simultaneous requests spread over the servers; counts of answer codes."""

        def one(i: int) -> int:
            url = f"http://127.0.0.1:{self.ports[i % len(self.ports)]}/ocr/v2"
            r = httpx.post(
                url, params={"partner_code": code, "partner_key": key}, json=BODY, timeout=60
            )
            assert r.status_code == 200
            return r.json()["code"]

        with ThreadPoolExecutor(n) as pool:
            return Counter(pool.map(one, range(n)))

    def stop(self) -> None:
        for proc in self.procs:
            proc.terminate()
        for proc in self.procs:
            proc.wait(timeout=10)


def run_concurrency(url: str) -> None:
    store = PartnerStore(session_factory(url))
    servers = Servers(url)
    try:
        store.create("balance20", balance=20)
        key = store.rotate_key("balance20")[1]
        assert servers.fire("balance20", key, 50) == Counter({200: 20, 303: 30})
        assert store.get("balance20").balance == 0

        daily, key = store.create("daily20", daily_limit=20)
        assert servers.fire("daily20", key, 50) == Counter({200: 20, 305: 30})
        assert store.calls_on(daily.id, dt.date.fromisoformat(TODAY)) == 20

        rows = store.usage("balance20")
        assert len(rows) == 50
        assert sum(r["billed"] for r in rows) == 20
        assert len({r["sequence_id"] for r in rows}) == 50
    finally:
        servers.stop()


@pytest.mark.slow
def test_concurrent_calls_never_overspend_sqlite(tmp_path):
    run_concurrency(f"sqlite:///{tmp_path}/shared.db")


@pytest.mark.slow
@pytest.mark.postgres
def test_concurrent_calls_never_overspend_postgres(pg_url):
    run_concurrency(pg_url)


def test_success_is_billed_once_and_errors_are_not(client, store, partner, card_jpeg):
    code, key = partner(balance=3, daily_limit=10)
    params = {"partner_code": code, "partner_key": key}
    body = {"image": b64(card_jpeg), "country": "MX", "scenario": "Ocr"}
    assert client.post("/ocr/v2", params=params, json=body).json()["code"] == 200
    for bad in ({"country": "mx"}, {"scenario": "x"}, {"image": "@@"}, {"options": "nope"}):
        assert client.post("/ocr/v2", params=params, json=body | bad).json()["code"] == 11340
    view = store.get(code)
    assert view.balance == 2
    assert store.calls_on(view.id, dt.date.fromisoformat(TODAY)) == 1
    rows = store.usage(code)
    assert [r["billed"] for r in rows] == [True, False, False, False, False]
    assert [r["code"] for r in rows] == [200, 11340, 11340, 11340, 11340]
    assert rows[0]["country"] == "MX" and rows[1]["country"] is None


def test_unknown_partner_requests_are_logged_without_partner(client, store):
    client.post("/ocr/v2", params={"partner_code": "ghost", "partner_key": "x" * 20}, json={})
    rows = store.usage()
    assert len(rows) == 1 and rows[0]["partner"] is None and rows[0]["code"] == 11340


def test_usage_rows_hold_no_personal_data(client, store, partner, card_jpeg):
    code, key = partner()
    client.post(
        "/ocr/v2",
        params={"partner_code": code, "partner_key": key},
        json={"image": b64(card_jpeg), "country": "MX", "scenario": "Ocr"},
    )
    (row,) = store.usage(code)
    assert set(row) == {"sequence_id", "partner", "at", "country", "code", "billed", "duration_ms"}


def test_unlimited_partner_keeps_unlimited_balance(client, store, partner, card_jpeg):
    code, key = partner()
    for _ in range(3):
        client.post(
            "/ocr/v2",
            params={"partner_code": code, "partner_key": key},
            json={"image": b64(card_jpeg), "country": "MX", "scenario": "Ocr"},
        )
    assert store.get(code).balance is None


def test_migrations_are_idempotent_and_match_models(settings):
    migrate(settings.database_url)
    migrate(settings.database_url)
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from idreader.accounts.models import Base
    from idreader.db.engine import engine_for

    with engine_for(settings.database_url).connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []
