"""The ``idreader`` command line: partners, usage, scan and batch, on a throw-away database."""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
import sqlite3
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner, Result

from conftest import TODAY, b64, card_photo, encode
from idreader.accounts.keys import MIN_KEY_LENGTH
from idreader.accounts.store import PartnerStore
from idreader.api.app import create_app
from idreader.api.errors import ApiError
from idreader.cli.main import app
from idreader.config import Settings, get_settings
from idreader.db.engine import session_factory

runner = CliRunner()
SEQUENCE_ID = re.compile(r"[0-9a-f]{32}")
PARTNER_FIELDS = {
    "id",
    "code",
    "services",
    "blocked",
    "balance",
    "daily_limit",
    "expires_on",
    "countries",
    "created_at",
}
USAGE_FIELDS = {"sequence_id", "partner", "at", "country", "code", "billed", "duration_ms"}
GOOD_KEY = "k3y-for-tests-" + "x" * 20
SMALL_JPEG = encode(card_photo(160, 110))
SMALL_PNG = encode(card_photo(160, 110), ".png")


@pytest.fixture
def db_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path}/cli.db"
    monkeypatch.setenv("IDREADER_DATABASE_URL", url)
    monkeypatch.delenv("IDREADER_OPENED_COUNTRIES", raising=False)
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


def cli(*args: object, code: int = 0) -> Result:
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exit_code == code, (
        result.exit_code,
        result.stdout,
        result.stderr,
        result.exception,
    )
    return result


def cli_json(*args: object) -> object:
    return json.loads(cli(*args, "--json").stdout)


def fails(*args: object, code: int, message: str) -> None:
    """The command exits with ``code`` and says why on stderr, printing nothing on stdout."""
    result = cli(*args, code=code)
    assert message in result.stderr
    assert result.stdout == ""


def store_for(url: str) -> PartnerStore:
    return PartnerStore(session_factory(url))


def authenticates(url: str, code: str, key: str) -> bool:
    try:
        store_for(url).authenticate(code, key)
    except ApiError as err:
        assert err.message == "partner_key error"
        return False
    return True


def db_files(url: str) -> list[Path]:
    path = Path(url.removeprefix("sqlite:///"))
    return [p for p in path.parent.iterdir() if p.name.startswith(path.name)]


# partner create ---------------------------------------------------------------------------
def test_create_with_defaults_generates_a_strong_key_shown_once(db_url):
    data = cli_json("partner", "create", "--code", "acme")
    key = data.pop("key")
    assert set(data) == PARTNER_FIELDS
    assert data["code"] == "acme"
    assert data["services"] == ["ocr"]
    assert data["blocked"] is False
    # nothing given: unlimited balance and daily volume, no expiry, every country
    assert (data["balance"], data["daily_limit"], data["expires_on"], data["countries"]) == (
        None,
        None,
        None,
        None,
    )
    dt.datetime.fromisoformat(data["created_at"])
    assert len(key) >= 32
    assert re.fullmatch(r"[A-Za-z0-9_-]+", key)
    assert authenticates(db_url, "acme", key)

    other = cli_json("partner", "create", "--code", "other")["key"]
    assert other != key

    shown = cli("partner", "show", "--code", "acme", "--json").stdout
    assert key not in shown
    assert "key" not in json.loads(shown)


def test_create_with_every_option(db_url):
    data = cli_json(
        "partner",
        "create",
        "--code",
        "full",
        "--key",
        GOOD_KEY,
        "--services",
        "none",
        "--balance",
        "7",
        "--daily-limit",
        "3",
        "--expires",
        "2027-01-31",
        "--countries",
        "MX,GB",
        "--blocked",
    )
    assert data["key"] == GOOD_KEY
    assert data["services"] == ["none"]
    assert data["blocked"] is True
    assert data["balance"] == 7
    assert data["daily_limit"] == 3
    assert data["expires_on"] == "2027-01-31"
    assert sorted(data["countries"]) == ["GB", "MX"]
    shown = cli_json("partner", "show", "--code", "full")
    assert {
        k: shown[k] for k in ("services", "blocked", "balance", "daily_limit", "expires_on")
    } == {
        "services": ["none"],
        "blocked": True,
        "balance": 7,
        "daily_limit": 3,
        "expires_on": "2027-01-31",
    }
    assert sorted(shown["countries"]) == ["GB", "MX"]
    assert authenticates(db_url, "full", GOOD_KEY)


def test_key_is_stored_only_as_a_salted_hash(db_url):
    generated = cli_json("partner", "create", "--code", "gen")["key"]
    cli_json("partner", "create", "--code", "given", "--key", GOOD_KEY)
    cli_json("partner", "create", "--code", "twin", "--key", GOOD_KEY)
    with sqlite3.connect(db_url.removeprefix("sqlite:///")) as conn:
        hashes = dict(conn.execute("SELECT code, key_hash FROM partners"))
    assert set(hashes) == {"gen", "given", "twin"}
    for code, key in (("gen", generated), ("given", GOOD_KEY), ("twin", GOOD_KEY)):
        assert hashes[code] != key
        assert key not in hashes[code]
        assert hashes[code].startswith("pbkdf2_sha256$")
    assert hashes["given"] != hashes["twin"]  # salted
    for path in db_files(db_url):  # nowhere in the database files, WAL included
        raw = path.read_bytes()
        assert generated.encode() not in raw
        assert GOOD_KEY.encode() not in raw


def test_create_human_output_shows_the_key_once_with_a_warning(db_url):
    result = cli("partner", "create", "--code", "acme", "--key", GOOD_KEY)
    assert GOOD_KEY in result.stdout
    assert "store the key now" in result.stdout
    assert re.search(r"balance\s+unlimited", result.stdout)
    shown = cli("partner", "show", "--code", "acme").stdout
    assert "acme" in shown
    assert GOOD_KEY not in shown


def test_duplicate_code_fails_and_keeps_the_first_partner(db_url):
    cli_json("partner", "create", "--code", "acme", "--key", GOOD_KEY, "--balance", "4")
    fails(
        "partner",
        "create",
        "--code",
        "acme",
        "--key",
        "another-key-0123456789",
        "--balance",
        "99",
        "--json",
        code=1,
        message="exists",
    )
    assert cli_json("partner", "show", "--code", "acme")["balance"] == 4
    assert authenticates(db_url, "acme", GOOD_KEY)
    assert not authenticates(db_url, "acme", "another-key-0123456789")
    assert len(cli_json("partner", "list")) == 1


@pytest.mark.parametrize("countries", ["mx", "XX", "MX,xx", "Mx", "MEX", ",", "MX,ZZ"])
def test_create_rejects_bad_country_codes(db_url, countries):
    fails(
        "partner",
        "create",
        "--code",
        "acme",
        "--countries",
        countries,
        "--json",
        code=2,
        message="ISO 3166-1",
    )
    assert cli_json("partner", "list") == []


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--key", "k" * (MIN_KEY_LENGTH - 1), "at least"),
        ("--key", "short", "at least"),
        ("--services", "ocr,none", "services"),
        ("--services", "OCR", "services"),
        ("--balance", "-1", "--balance"),
        ("--balance", "lots", "--balance"),
        ("--daily-limit", "1.5", "--daily-limit"),
        ("--expires", "2027-02-30", "--expires"),
        ("--expires", "tomorrow", "--expires"),
    ],
)
def test_create_rejects_bad_values(db_url, option, value, message):
    fails("partner", "create", "--code", "acme", option, value, "--json", code=2, message=message)
    assert cli_json("partner", "list") == []


def test_key_of_exactly_minimum_length_is_accepted(db_url):
    key = "k" * MIN_KEY_LENGTH
    assert cli_json("partner", "create", "--code", "acme", "--key", key)["key"] == key
    assert authenticates(db_url, "acme", key)


def test_unlimited_words_mean_null(db_url):
    data = cli_json(
        "partner",
        "create",
        "--code",
        "acme",
        "--balance",
        "unlimited",
        "--daily-limit",
        "UNLIMITED",
        "--expires",
        "never",
        "--countries",
        "all",
    )
    assert (data["balance"], data["daily_limit"], data["expires_on"], data["countries"]) == (
        None,
        None,
        None,
        None,
    )
    zero = cli_json("partner", "create", "--code", "zero", "--balance", "0", "--daily-limit", "0")
    assert (zero["balance"], zero["daily_limit"]) == (0, 0)  # zero is a limit, not "unlimited"


# partner list / show / update / block / rotate-key / delete -------------------------------
def test_list_is_sorted_by_code_and_never_shows_keys(db_url):
    keys = [cli_json("partner", "create", "--code", code)["key"] for code in ("zeta", "alpha")]
    result = cli("partner", "list", "--json")
    listed = json.loads(result.stdout)
    assert [p["code"] for p in listed] == ["alpha", "zeta"]
    assert all(set(p) == PARTNER_FIELDS for p in listed)
    assert all(key not in result.stdout for key in keys)
    assert "pbkdf2" not in result.stdout
    table = cli("partner", "list").stdout
    assert "alpha" in table
    assert "zeta" in table


def test_list_of_empty_database(db_url):
    assert cli_json("partner", "list") == []


def test_show_never_shows_the_key_or_its_hash(db_url):
    key = cli_json("partner", "create", "--code", "acme", "--countries", "MX")["key"]
    result = cli("partner", "show", "--code", "acme", "--json")
    shown = json.loads(result.stdout)
    assert set(shown) == PARTNER_FIELDS
    assert shown["code"] == "acme"
    assert shown["countries"] == ["MX"]
    assert key not in result.stdout
    assert "pbkdf2" not in result.stdout


def test_update_changes_only_what_is_given(db_url):
    created = cli_json(
        "partner",
        "create",
        "--code",
        "acme",
        "--balance",
        "100",
        "--daily-limit",
        "10",
        "--countries",
        "MX,GB",
        "--expires",
        "2027-01-01",
    )
    updated = cli_json(
        "partner",
        "update",
        "--code",
        "acme",
        "--balance",
        "5",
        "--daily-limit",
        "unlimited",
        "--countries",
        "all",
        "--expires",
        "never",
    )
    assert updated["balance"] == 5
    assert updated["daily_limit"] is None
    assert updated["countries"] is None
    assert updated["expires_on"] is None
    assert (updated["id"], updated["services"], updated["blocked"]) == (
        created["id"],
        ["ocr"],
        False,
    )
    assert "key" not in updated
    assert cli_json("partner", "show", "--code", "acme") == updated

    # options left out keep their value
    again = cli_json(
        "partner", "update", "--code", "acme", "--countries", "GB", "--expires", "2028-02-29"
    )
    assert (again["balance"], again["daily_limit"]) == (5, None)
    assert (again["countries"], again["expires_on"]) == (["GB"], "2028-02-29")
    assert cli_json("partner", "update", "--code", "acme") == again


def test_update_rejects_bad_values_and_changes_nothing(db_url):
    before = cli_json("partner", "create", "--code", "acme", "--balance", "3")
    before.pop("key")
    fails(
        "partner",
        "update",
        "--code",
        "acme",
        "--balance",
        "5",
        "--countries",
        "mx",
        code=2,
        message="ISO 3166-1",
    )
    fails("partner", "update", "--code", "acme", "--services", "all", code=2, message="services")
    after = cli_json("partner", "show", "--code", "acme")
    assert after["balance"] == 3
    assert after["services"] == ["ocr"]
    assert after["countries"] is None


def test_update_services_and_blocked_flags(db_url):
    cli_json("partner", "create", "--code", "acme")
    data = cli_json("partner", "update", "--code", "acme", "--services", "none", "--blocked")
    assert (data["services"], data["blocked"]) == (["none"], True)
    data = cli_json("partner", "update", "--code", "acme", "--services", "ocr", "--unblocked")
    assert (data["services"], data["blocked"]) == (["ocr"], False)


def test_block_and_unblock(db_url):
    cli_json("partner", "create", "--code", "acme", "--balance", "2")
    blocked = cli_json("partner", "block", "--code", "acme")
    assert blocked["blocked"] is True
    assert blocked["balance"] == 2
    assert cli_json("partner", "show", "--code", "acme")["blocked"] is True
    assert cli_json("partner", "block", "--code", "acme")["blocked"] is True  # idempotent
    assert cli_json("partner", "unblock", "--code", "acme")["blocked"] is False
    assert cli_json("partner", "show", "--code", "acme")["blocked"] is False


def test_rotate_key_replaces_the_key(db_url):
    old = cli_json("partner", "create", "--code", "acme", "--balance", "9")["key"]
    rotated = cli_json("partner", "rotate-key", "--code", "acme")
    new = rotated.pop("key")
    assert new != old
    assert len(new) >= 32
    assert set(rotated) == PARTNER_FIELDS
    assert rotated["balance"] == 9  # the rest of the account is untouched
    assert not authenticates(db_url, "acme", old)
    assert authenticates(db_url, "acme", new)

    chosen = cli_json("partner", "rotate-key", "--code", "acme", "--key", GOOD_KEY)["key"]
    assert chosen == GOOD_KEY
    assert not authenticates(db_url, "acme", new)
    assert authenticates(db_url, "acme", GOOD_KEY)

    fails(
        "partner", "rotate-key", "--code", "acme", "--key", "tooshort", code=2, message="at least"
    )
    assert authenticates(db_url, "acme", GOOD_KEY)


def test_rotate_key_leaves_other_partners_alone(db_url):
    first = cli_json("partner", "create", "--code", "first")["key"]
    second = cli_json("partner", "create", "--code", "second")["key"]
    cli_json("partner", "rotate-key", "--code", "first")
    assert authenticates(db_url, "second", second)
    assert not authenticates(db_url, "first", first)


def test_delete(db_url):
    cli_json("partner", "create", "--code", "acme")
    keep = cli_json("partner", "create", "--code", "keep")["key"]
    assert cli_json("partner", "delete", "--code", "acme") == {"deleted": "acme"}
    fails("partner", "show", "--code", "acme", "--json", code=1, message="no partner acme")
    fails("partner", "delete", "--code", "acme", "--json", code=1, message="no partner acme")
    assert [p["code"] for p in cli_json("partner", "list")] == ["keep"]
    assert authenticates(db_url, "keep", keep)
    # the code is free again
    assert cli_json("partner", "create", "--code", "acme")["code"] == "acme"


@pytest.mark.parametrize(
    "command",
    [
        ["partner", "show"],
        ["partner", "update", "--balance", "5"],
        ["partner", "block"],
        ["partner", "unblock"],
        ["partner", "rotate-key"],
        ["partner", "delete"],
    ],
)
def test_unknown_partner_code_exits_1(db_url, command):
    cli_json("partner", "create", "--code", "acme")
    fails(*command, "--code", "nobody", "--json", code=1, message="no partner nobody")
    assert [p["code"] for p in cli_json("partner", "list")] == ["acme"]


def test_code_is_required(db_url):
    assert cli("partner", "show", "--json", code=2).exit_code == 2


# usage ------------------------------------------------------------------------------------
def post(client: TestClient, code: str, key: str, country: str = "MX", image: bytes = SMALL_JPEG):
    response = client.post(
        "/ocr/v2",
        params={"partner_code": code, "partner_key": key},
        json={"image": b64(image), "country": country, "scenario": "Ocr"},
    )
    assert response.status_code == 200
    return response.json()


@pytest.fixture
def api(db_url) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(database_url=db_url, today=TODAY))) as client:
        yield client


def test_usage_lists_requests_without_images_or_fields(db_url, api):
    acme = cli_json("partner", "create", "--code", "acme", "--balance", "5")["key"]
    other = cli_json("partner", "create", "--code", "other")["key"]
    answers = [
        post(api, "acme", acme),
        post(api, "acme", acme, country="mx"),  # parameter error: recorded, not billed
        post(api, "other", other, image=SMALL_PNG),
        post(api, "acme", acme + "x"),  # wrong key: recorded, not billed, no partner
        post(api, "acme", acme),
    ]
    assert [a["code"] for a in answers] == [200, 11340, 200, 11340, 200]
    assert answers[1]["message"] == "country error"

    result = cli("usage", "--json")
    rows = json.loads(result.stdout)
    assert all(set(row) == USAGE_FIELDS for row in rows)
    assert [r["sequence_id"] for r in rows] == [a["sequence_id"] for a in answers]
    assert [r["partner"] for r in rows] == ["acme", "acme", "other", None, "acme"]
    assert [r["code"] for r in rows] == [200, 11340, 200, 11340, 200]
    assert [r["billed"] for r in rows] == [True, False, True, False, True]
    assert [r["country"] for r in rows] == ["MX", None, "MX", None, "MX"]
    times = [dt.datetime.fromisoformat(r["at"]) for r in rows]
    assert times == sorted(times)
    assert all(isinstance(r["duration_ms"], float) and r["duration_ms"] >= 0 for r in rows)
    # no image, no recognised value
    assert b64(SMALL_JPEG)[:40] not in result.stdout
    assert b64(SMALL_PNG)[:40] not in result.stdout
    assert "field_list" not in result.stdout
    assert acme not in result.stdout

    # billed only for the code-200 calls; the parameter error left the balance alone
    assert cli_json("partner", "show", "--code", "acme")["balance"] == 3
    assert cli_json("partner", "show", "--code", "other")["balance"] is None


def test_usage_filters_by_partner_and_time(db_url, api):
    acme = cli_json("partner", "create", "--code", "acme")["key"]
    other = cli_json("partner", "create", "--code", "other")["key"]
    mine = [post(api, "acme", acme)["sequence_id"], post(api, "acme", acme, "XX")["sequence_id"]]
    post(api, "other", other)

    rows = cli_json("usage", "--partner", "acme", "--since", "2020-01-01")
    assert [r["sequence_id"] for r in rows] == mine
    assert {r["partner"] for r in rows} == {"acme"}
    assert [r["billed"] for r in rows] == [True, False]
    assert len(cli_json("usage", "--since", "2020-01-01T00:00")) == 3
    assert len(cli_json("usage", "--since", "2020-01-01T00:00:00+00:00")) == 3
    assert cli_json("usage", "--since", "2999-01-01") == []
    assert "no partner nobody" in cli("usage", "--partner", "nobody", code=1).stderr
    fails("usage", "--since", "last week", code=2, message="--since")

    table = cli("usage", "--partner", "acme").stdout
    assert "2 requests, 1 billed" in table


def test_usage_rows_survive_partner_deletion(db_url, api):
    key = cli_json("partner", "create", "--code", "gone")["key"]
    sequence_id = post(api, "gone", key)["sequence_id"]
    cli_json("partner", "delete", "--code", "gone")
    rows = cli_json("usage")
    assert [(r["sequence_id"], r["partner"], r["billed"]) for r in rows] == [
        (sequence_id, None, True)
    ]


def test_usage_of_empty_database(db_url):
    assert cli_json("usage") == []
    assert "0 requests, 0 billed" in cli("usage").stdout


def test_usage_since_with_a_utc_offset(db_url, api):
    key = cli_json("partner", "create", "--code", "acme")["key"]
    post(api, "acme", key)
    at = dt.datetime.fromisoformat(cli_json("usage")[0]["at"]).replace(tzinfo=dt.UTC)
    plus_one = dt.timezone(dt.timedelta(hours=1))
    before = (at - dt.timedelta(minutes=30)).astimezone(plus_one).isoformat()
    after = (at + dt.timedelta(minutes=30)).astimezone(plus_one).isoformat()
    assert len(cli_json("usage", "--since", before)) == 1
    assert cli_json("usage", "--since", after) == []


# scan -------------------------------------------------------------------------------------
@pytest.fixture
def card_file(tmp_path: Path) -> Path:
    path = tmp_path / "card.jpg"
    path.write_bytes(encode(card_photo(300, 200)))
    return path


def test_scan_prints_the_api_answer_with_all_options(db_url, card_file):
    data = cli_json_plain(
        "scan", card_file, "--country", "MX", "--options", "images,image_quality,document_forgery"
    )
    assert data["code"] == 200
    assert data["message"] == "success"
    assert SEQUENCE_ID.fullmatch(data["sequence_id"])
    assert data["result"] in {"success", "error", "not performed"}
    assert set(data["status_info"]) == {"doc_type", "expiry", "mrz", "text"}
    assert all(v in (0, 1, 2) for v in data["status_info"].values())
    assert isinstance(data["card_info"]["field_list"], list)
    assert set(data["document_type_info"]) == {"document_name", "document_description"}
    graphics = data["image_info"]["field_list"]
    assert graphics
    for field in graphics:
        for value in field["value_list"]:
            assert base64.b64decode(value["value"], validate=True)[:2] == b"\xff\xd8"
    assert set(data["image_quality_info"]) == {"list", "result"}
    assert data["image_quality_info"]["result"] in (0, 1)
    assert data["document_forgery_info"]["result"] in ("pass", "fail")
    # no partner, no database: scan works offline
    assert db_files(db_url) == []


def cli_json_plain(*args: object) -> dict:
    """``scan`` prints JSON without a --json flag."""
    return json.loads(cli(*args).stdout)


def test_scan_without_options_leaves_optional_objects_out(db_url, card_file):
    data = cli_json_plain("scan", card_file, "--country", "MX")
    assert data["code"] == 200
    assert {"image_info", "image_quality_info", "document_forgery_info"}.isdisjoint(data)
    assert {"status_info", "card_info", "document_type_info"} <= set(data)


def test_scan_matches_the_http_answer(db_url, api, card_file):
    key = cli_json("partner", "create", "--code", "acme")["key"]
    options = "images,image_quality,document_forgery"
    scanned = cli_json_plain("scan", card_file, "--country", "MX", "--options", options)
    served = api.post(
        "/ocr/v2",
        params={"partner_code": "acme", "partner_key": key},
        json={
            "image": b64(card_file.read_bytes()),
            "country": "MX",
            "scenario": "Ocr",
            "options": options,
        },
    ).json()
    scanned.pop("sequence_id")
    served.pop("sequence_id")
    assert scanned == served


def test_scan_png(db_url, tmp_path):
    path = tmp_path / "card.png"
    path.write_bytes(SMALL_PNG)
    assert cli_json_plain("scan", path, "--country", "GB")["code"] == 200


@pytest.mark.parametrize(
    ("content", "country", "options", "message"),
    [
        (b"this is not an image\n", "MX", None, "image error"),
        (b"", "MX", None, "image empty"),
        (None, "mx", None, "country error"),
        (None, "XX", None, "country error"),
        (None, "MX", "images,fingerprints", "options error"),
    ],
)
def test_scan_parameter_errors(db_url, card_file, content, country, options, message):
    if content is not None:
        card_file.write_bytes(content)
    args = ["scan", card_file, "--country", country] + (["--options", options] if options else [])
    data = cli_json_plain(*args)
    assert data == {
        "code": 11301 if "empty" in message else 11340,
        "message": message,
        "sequence_id": data["sequence_id"],
    }
    assert SEQUENCE_ID.fullmatch(data["sequence_id"])


def test_scan_honours_the_deployments_opened_countries(db_url, card_file, monkeypatch):
    monkeypatch.setenv("IDREADER_OPENED_COUNTRIES", "GB,FR")
    get_settings.cache_clear()
    data = cli_json_plain("scan", card_file, "--country", "MX")
    assert (data["code"], data["message"]) == (11304, "The country partner located is not open")
    assert cli_json_plain("scan", card_file, "--country", "GB")["code"] == 200


def test_scan_missing_file_or_country(db_url, tmp_path, card_file):
    assert cli("scan", tmp_path / "absent.jpg", "--country", "MX", code=2).stdout == ""
    assert cli("scan", tmp_path, "--country", "MX", code=2).stdout == ""  # a folder
    assert cli("scan", card_file, code=2).stdout == ""


# batch ------------------------------------------------------------------------------------
@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Images at three depths, plus files that are not JPEG/PNG."""
    root = tmp_path / "photos"
    (root / "sub" / "deeper").mkdir(parents=True)
    (root / "a.jpg").write_bytes(SMALL_JPEG)
    (root / "b.png").write_bytes(SMALL_PNG)
    (root / "sub" / "c.jpeg").write_bytes(SMALL_JPEG)
    (root / "sub" / "deeper" / "d.PNG").write_bytes(SMALL_PNG)
    (root / "notes.txt").write_text("not an image")
    (root / "sub" / "scan.pdf").write_bytes(b"%PDF-1.4")
    (root / "sub" / "deeper" / "photo.jpg.bak").write_bytes(SMALL_JPEG)
    return root


def images_in(folder: Path) -> set[str]:
    return {str(folder / name) for name in ("a.jpg", "b.png", "sub/c.jpeg", "sub/deeper/d.PNG")}


def read_lines(out: Path) -> list[dict]:
    return [json.loads(line) for line in out.read_text("utf-8").splitlines()]


def run_batch(source: object, out: Path, *extra: object) -> Result:
    return cli("batch", source, "--country", "MX", "--out", out, "--workers", "2", *extra)


def test_batch_reads_a_folder_recursively(db_url, folder, tmp_path):
    out = tmp_path / "results" / "results.jsonl"  # parent folder made on the way
    result = run_batch(folder, out)
    assert "4 images, 0 already in" in result.stdout
    lines = read_lines(out)
    assert len(lines) == 4
    assert all(set(line) == {"image", "response"} for line in lines)
    assert {line["image"] for line in lines} == images_in(folder)
    for line in lines:
        assert line["response"]["code"] == 200
        assert SEQUENCE_ID.fullmatch(line["response"]["sequence_id"])
    assert len({line["response"]["sequence_id"] for line in lines}) == 4
    assert db_files(db_url) == []


def test_batch_passes_options_and_records_bad_images(db_url, folder, tmp_path):
    (folder / "fake.jpg").write_text("a text file with an image's name")
    out = tmp_path / "results.jsonl"
    run_batch(folder, out, "--options", "image_quality")
    by_image = {line["image"]: line["response"] for line in read_lines(out)}
    assert set(by_image) == images_in(folder) | {str(folder / "fake.jpg")}
    fake = by_image.pop(str(folder / "fake.jpg"))
    assert (fake["code"], fake["message"]) == (11340, "image error")
    for response in by_image.values():
        assert "image_quality_info" in response
        assert "image_info" not in response


def test_batch_rerun_skips_what_is_done(db_url, folder, tmp_path):
    out = tmp_path / "results.jsonl"
    run_batch(folder, out)
    first = out.read_text("utf-8")
    result = run_batch(folder, out)
    assert "4 images, 4 already in" in result.stdout
    assert out.read_text("utf-8") == first  # nothing redone, nothing appended

    (folder / "sub" / "e.jpg").write_bytes(SMALL_JPEG)
    result = run_batch(folder, out)
    assert "5 images, 4 already in" in result.stdout
    lines = read_lines(out)
    assert len(lines) == 5
    assert lines[-1]["image"] == str(folder / "sub" / "e.jpg")
    assert lines[-1]["response"]["code"] == 200
    assert out.read_text("utf-8").startswith(first)
    assert Counter(line["image"] for line in lines).most_common(1)[0][1] == 1


def half_write_last_line(out: Path) -> str:
    """Cut the file in the middle of its last line, as an interrupted run would; its image."""
    text = out.read_text("utf-8")
    body, last = text.rstrip("\n").rsplit("\n", 1)
    out.write_text(body + "\n" + last[: len(last) // 2], "utf-8")
    return json.loads(last)["image"]


def test_batch_redoes_a_half_written_last_line(db_url, folder, tmp_path):
    out = tmp_path / "results.jsonl"
    run_batch(folder, out)
    cut = half_write_last_line(out)
    result = run_batch(folder, out)
    assert "4 images, 3 already in" in result.stdout
    assert cut in out.read_text("utf-8").rsplit("\n", 2)[-2]  # it was appended again


def test_batch_after_a_half_written_line_leaves_a_valid_file(db_url, folder, tmp_path):
    out = tmp_path / "results.jsonl"
    run_batch(folder, out)
    cut = half_write_last_line(out)
    run_batch(folder, out)
    valid = []
    for line in out.read_text("utf-8").splitlines():
        try:
            valid.append(json.loads(line)["image"])
        except ValueError:
            continue  # the broken fragment may stay, but on a line of its own
    assert sorted(valid) == sorted(images_in(folder))
    assert cut in valid
    assert "4 images, 4 already in" in run_batch(folder, out).stdout


def test_batch_with_a_glob(db_url, folder, tmp_path):
    out = tmp_path / "png.jsonl"
    result = run_batch(str(folder / "*.png"), out)
    assert "1 images, 0 already in" in result.stdout
    assert [line["image"] for line in read_lines(out)] == [str(folder / "b.png")]

    deep = tmp_path / "deep.jsonl"
    run_batch(str(folder / "**" / "*.jp*g"), deep)
    assert {line["image"] for line in read_lines(deep)} == {
        str(folder / "a.jpg"),
        str(folder / "sub" / "c.jpeg"),
    }


def test_batch_with_one_worker(db_url, folder, tmp_path):
    out = tmp_path / "results.jsonl"
    cli("batch", folder, "--country", "MX", "--out", out)
    assert {line["image"] for line in read_lines(out)} == images_in(folder)


def test_batch_bad_country_is_answered_per_image(db_url, folder, tmp_path):
    out = tmp_path / "results.jsonl"
    cli("batch", folder, "--country", "mx", "--out", out, "--workers", "2")
    responses = [line["response"] for line in read_lines(out)]
    assert len(responses) == 4
    assert {(r["code"], r["message"]) for r in responses} == {(11340, "country error")}


def test_batch_without_images_fails(db_url, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.txt").write_text("nothing to read")
    out = tmp_path / "results.jsonl"
    fails("batch", empty, "--country", "MX", "--out", out, code=2, message="no JPEG/PNG")
    fails(
        "batch",
        str(tmp_path / "nowhere" / "*.jpg"),
        "--country",
        "MX",
        "--out",
        out,
        code=2,
        message="no JPEG/PNG",
    )
    assert not out.exists()
    assert (
        cli("batch", empty, "--country", "MX", "--out", out, "--workers", "0", code=2).stdout == ""
    )


@pytest.mark.parametrize(
    "args",
    [
        ("--code", ""),
        ("--code", " acme"),
        ("--code", "ac me"),
        ("--code", "x" * 65),
        ("--code", "acme", "--key", " " + GOOD_KEY),
        ("--code", "acme", "--key", "k ey" * 8),
        ("--code", "acme", "--balance", "²"),
        ("--code", "acme", "--daily-limit", "99999999999"),
    ],
)
def test_create_rejects_credentials_the_api_could_never_match(db_url, args):
    cli("partner", "create", *args, code=2)
    assert cli_json("partner", "list") == []
