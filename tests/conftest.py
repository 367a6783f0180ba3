"""Shared fixtures: settings on a throw-away database, an API client, partners, images."""

from __future__ import annotations

import base64
import os
import socket
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import cv2
import httpx
import numpy as np
import pytest
from fastapi.testclient import TestClient

from idreader.accounts.store import PartnerStore
from idreader.api.app import create_app
from idreader.config import Settings
from idreader.db.engine import migrate, session_factory

TODAY = "2026-11-25"
DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1:5432/test"
SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def card_photo(width: int = 900, height: int = 600, colour: bool = True) -> np.ndarray:
    """A card-like light rectangle with text on a darker background."""
    background = (40, 120, 40) if colour else (60, 60, 60)
    img = np.full((height, width, 3), background, np.uint8)
    x0, y0, x1, y1 = width // 6, height // 5, width * 5 // 6, height * 4 // 5
    cv2.rectangle(img, (x0, y0), (x1, y1), (230, 220, 200) if colour else (220, 220, 220), -1)
    cv2.rectangle(
        img,
        (x0 + 20, y0 + 20),
        (x0 + 160, y0 + 200),
        (90, 110, 170) if colour else (110, 110, 110),
        -1,
    )
    for i, text in enumerate(["SPECIMEN", "DOE JOHN", "01 JAN 1980"]):
        cv2.putText(
            img,
            text,
            (x0 + 190, y0 + 60 + 50 * i),
            cv2.FONT_HERSHEY_SIMPLEX,
            1.1,
            (60, 40, 140) if colour else (30, 30, 30),
            2,
            cv2.LINE_AA,
        )
    return img


def encode(img: np.ndarray, ext: str = ".jpg") -> bytes:
    ok, buf = cv2.imencode(ext, img)
    assert ok
    return buf.tobytes()


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


@pytest.fixture(scope="session")
def card_jpeg() -> bytes:
    return encode(card_photo())


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(database_url=f"sqlite:///{tmp_path}/idreader.db", today=TODAY)


@pytest.fixture
def store(settings: Settings) -> PartnerStore:
    migrate(settings.database_url)
    return PartnerStore(session_factory(settings.database_url))


@pytest.fixture
def client(settings: Settings, store: PartnerStore) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as c:
        yield c


@pytest.fixture
def partner(store: PartnerStore):
    """Factory: ``partner(**settings) -> (code, key)``."""

    def make(**values) -> tuple[str, str]:
        view, key = store.create(f"p{uuid.uuid4().hex[:8]}", **values)
        return view.code, key

    return make


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(port: int) -> None:
    """Wait for a server started by a test to answer /healthz."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise AssertionError("server did not start")


def postgres_url() -> str | None:
    """A PostgreSQL URL when a server answers, else None (the tests then skip)."""
    url = os.environ.get("IDREADER_TEST_POSTGRES_URL") or DEFAULT_PG_URL
    try:
        import psycopg

        with psycopg.connect(
            url.replace("postgresql+psycopg://", "postgresql://"), connect_timeout=2
        ):
            return url
    except Exception:
        return None


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh schema on the test PostgreSQL server, dropped afterwards."""
    url = postgres_url()
    if url is None:
        pytest.skip("no PostgreSQL server answers (set IDREADER_TEST_POSTGRES_URL)")
    import psycopg

    schema = f"idr_test_{uuid.uuid4().hex[:10]}"
    plain = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in url else "?"
    try:
        yield f"{url}{sep}options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(plain, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")
