"""The contract's checks 1-8, in order, with exact codes and messages."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import re
import struct
import zlib

import httpx
import pytest

from conftest import TODAY, b64, card_photo, encode
from idreader.api.app import create_app

PATH = "/ocr/v2"
ERROR_KEYS = {"code", "message", "sequence_id"}


def call(client, code=None, key=None, body=None, raw=None):
    params = {k: v for k, v in {"partner_code": code, "partner_key": key}.items() if v is not None}
    if raw is not None:
        return client.post(
            PATH, params=params, content=raw, headers={"content-type": "application/json"}
        )
    return client.post(PATH, params=params, json=body)


def body(image: bytes, **extra) -> dict:
    return {"image": b64(image), "country": "MX", "scenario": "Ocr"} | extra


def expect_error(response, code: int, message: str) -> dict:
    assert response.status_code == 200
    data = response.json()
    assert data == {"code": code, "message": message, "sequence_id": data["sequence_id"]}
    assert re.fullmatch(r"[0-9a-f]{32}", data["sequence_id"])
    assert response.headers["x-sequence-id"] == data["sequence_id"]
    return data


def png_header_claiming(width: int, height: int) -> bytes:
    """A tiny, valid-looking PNG whose header claims a huge size (a decompression bomb)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = struct.pack(">I", len(ihdr)) + b"IHDR" + ihdr
    chunk += struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    idat = zlib.compress(b"\x00" * 1000)
    chunk += struct.pack(">I", len(idat)) + b"IDAT" + idat
    chunk += struct.pack(">I", zlib.crc32(b"IDAT" + idat))
    return b"\x89PNG\r\n\x1a\n" + chunk + b"\x00\x00\x00\x00IEND\xaeB`\x82"


# 1 ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("code", "key", "message"),
    [
        (None, "k" * 20, "partner_code empty"),
        ("  ", "k" * 20, "partner_code empty"),
        ("acme", None, "partner_key empty"),
        ("acme", "", "partner_key empty"),
        (None, None, "partner_code empty"),
    ],
)
def test_partner_parameters_empty(client, code, key, message):
    expect_error(call(client, code, key, raw=b"not json"), 11301, message)


# 2 ---------------------------------------------------------------------------------------
def test_unknown_partner_and_wrong_key(client, partner, card_jpeg):
    code, key = partner()
    expect_error(call(client, "nobody", key, body(card_jpeg)), 11340, "partner_code error")
    expect_error(call(client, code, key + "x", body(card_jpeg)), 11340, "partner_key error")


# 3 ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("values", "code", "message"),
    [
        ({"services": "none"}, 301, "Service not purchased"),
        ({"blocked": True}, 302, "Traffic blocked"),
        ({"balance": 0}, 303, "Traffic insufficient"),
        ({"expires_on": dt.date.fromisoformat(TODAY) - dt.timedelta(1)}, 304, "Service expired"),
        ({"daily_limit": 0}, 305, "Daily maximum volume reached"),
        # order: the first failing state wins
        ({"services": "none", "blocked": True, "balance": 0}, 301, "Service not purchased"),
        ({"blocked": True, "balance": 0}, 302, "Traffic blocked"),
        ({"balance": 0, "daily_limit": 0}, 303, "Traffic insufficient"),
    ],
)
def test_partner_state(client, partner, values, code, message):
    pcode, key = partner(**values)
    # partner state is judged before the body is even read
    expect_error(call(client, pcode, key, raw=b"[broken"), code, message)


def test_expiry_day_itself_is_still_valid(client, partner, card_jpeg):
    pcode, key = partner(expires_on=dt.date.fromisoformat(TODAY))
    assert call(client, pcode, key, body(card_jpeg)).json()["code"] == 200


def test_daily_limit_reached_after_calls(client, partner, card_jpeg):
    pcode, key = partner(daily_limit=2)
    codes = [call(client, pcode, key, body(card_jpeg)).json()["code"] for _ in range(3)]
    assert codes == [200, 200, 305]


# 4 ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "raw", [b"not json", b"[1, 2]", b'"text"', b"", b"\xff\xfe", b"[" * 100000]
)
def test_body_not_a_json_object(client, partner, raw):
    expect_error(call(client, *partner(), raw=raw), 11340, "body error")


@pytest.mark.parametrize(
    ("drop", "message"),
    [
        ("image", "image empty"),
        ("country", "country empty"),
        ("scenario", "scenario empty"),
    ],
)
def test_required_parameter_missing(client, partner, card_jpeg, drop, message):
    data = body(card_jpeg)
    del data[drop]
    expect_error(call(client, *partner(), data), 11301, message)
    data[drop] = "   "
    expect_error(call(client, *partner(), data), 11301, message)


def test_empty_checks_come_in_order(client, partner):
    expect_error(call(client, *partner(), {"country": "", "scenario": ""}), 11301, "image empty")


# 5 ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "image",
    [
        "!!!not base64!!!",
        b64(b"GIF89a" + b"\x00" * 100),
        b64(b"\xff\xd8\xff\xe0" + b"\x00" * 200),  # JPEG magic, no image
        b64(png_header_claiming(30000, 30000)),
        b64(encode(card_photo())[:2000]),  # truncated JPEG
        b64(b"\xff\xd8\xff" + b"\x00" * (2 * 1024 * 1024 + 10)),  # over 2 MiB decoded
    ],
)
def test_image_error(client, partner, image):
    data = {"image": image, "country": "MX", "scenario": "Ocr"}
    expect_error(call(client, *partner(), data), 11340, "image error")


def test_image_not_a_string(client, partner):
    data = {"image": 12345, "country": "MX", "scenario": "Ocr"}
    expect_error(call(client, *partner(), data), 11340, "image error")


def test_pixel_limit_is_a_setting(tmp_path, store, settings, partner, card_jpeg):
    from fastapi.testclient import TestClient

    small = settings.model_copy(update={"max_image_pixels": 100 * 100})
    with TestClient(create_app(small)) as c:
        expect_error(call(c, *partner(), body(card_jpeg)), 11340, "image error")


def test_base64_with_data_url_prefix_whitespace_and_no_padding(client, partner, card_jpeg):
    text = b64(card_jpeg).rstrip("=")
    wrapped = "\n".join(text[i : i + 76] for i in range(0, len(text), 76))
    data = {"image": f"data:image/jpeg;base64,{wrapped}", "country": "MX", "scenario": "Ocr"}
    assert call(client, *partner(), data).json()["code"] == 200


def test_png_accepted(client, partner):
    data = {"image": b64(encode(card_photo(), ".png")), "country": "MX", "scenario": "Ocr"}
    assert call(client, *partner(), data).json()["code"] == 200


# 6 ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("country", "mx", "country error"),
        ("country", "XX", "country error"),
        ("country", "MEX", "country error"),
        ("country", 52, "country error"),
        ("scenario", "ocr", "scenario error"),
        ("scenario", "Liveness", "scenario error"),
        ("options", "images,faces", "options error"),
        ("options", ["images"], "options error"),
    ],
)
def test_parameter_error(client, partner, card_jpeg, field, value, message):
    expect_error(call(client, *partner(), body(card_jpeg, **{field: value})), 11340, message)


def test_image_checked_before_country(client, partner):
    data = {"image": "@@@", "country": "mx", "scenario": "nope"}
    expect_error(call(client, *partner(), data), 11340, "image error")


def test_options_tolerate_spaces(client, partner, card_jpeg):
    data = body(card_jpeg, options=" images ,  image_quality,document_forgery ")
    answer = call(client, *partner(), data).json()
    assert {"image_info", "image_quality_info", "document_forgery_info"} <= answer.keys()


# 7 ---------------------------------------------------------------------------------------
def test_country_not_opened_for_partner(client, partner, card_jpeg):
    pcode, key = partner(countries=["GB", "PH"])
    expect_error(
        call(client, pcode, key, body(card_jpeg)), 11304, "The country partner located is not open"
    )
    assert call(client, pcode, key, body(card_jpeg, country="PH")).json()["code"] == 200


def test_country_not_opened_by_deployment(settings, store, partner, card_jpeg):
    from fastapi.testclient import TestClient

    with TestClient(create_app(settings.model_copy(update={"opened_countries": "GB,FR"}))) as c:
        pcode, key = partner()
        expect_error(
            call(c, pcode, key, body(card_jpeg)), 11304, "The country partner located is not open"
        )
        assert call(c, pcode, key, body(card_jpeg, country="FR")).json()["code"] == 200


# 8 ---------------------------------------------------------------------------------------
def test_unexpected_failure_is_11350_without_trace(client, partner, card_jpeg, monkeypatch, capfd):
    def explode(*_a, **_k):
        raise RuntimeError("secret internals")

    monkeypatch.setattr("idreader.api.service.read", explode)
    response = call(client, *partner(), body(card_jpeg))
    data = expect_error(response, 11350, "Internal error")
    assert "secret" not in response.text
    logged = [json.loads(line) for line in capfd.readouterr().err.splitlines()]
    failure = next(e for e in logged if e["msg"] == "internal error")
    assert failure["sequence_id"] == data["sequence_id"] and "secret internals" in failure["error"]


def test_processing_timeout_is_11350(settings, store, partner, card_jpeg, monkeypatch):
    import time

    from fastapi.testclient import TestClient

    monkeypatch.setattr("idreader.api.service.read", lambda *a, **k: time.sleep(1.0))
    with TestClient(create_app(settings.model_copy(update={"processing_timeout_s": 0.2}))) as c:
        expect_error(call(c, *partner(), body(card_jpeg)), 11350, "Internal error")


# body cap --------------------------------------------------------------------------------
def post_streamed(app, pcode, key, chunks: int, headers=None) -> tuple[httpx.Response, int]:
    """POST ``chunks`` MiB as a stream; also return how many chunks the server pulled."""
    pulled = 0

    async def megabytes():
        nonlocal pulled
        for _ in range(chunks):
            pulled += 1
            yield b"x" * (1024 * 1024)

    async def go():
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
            return await c.post(
                PATH,
                params={"partner_code": pcode, "partner_key": key},
                content=megabytes(),
                headers=headers,
            )

    return asyncio.run(go()), pulled


def test_huge_chunked_body_is_refused_without_buffering(settings, store, partner):
    """A 50 MB body without Content-Length: reading stops soon after the cap."""
    response, pulled = post_streamed(create_app(settings), *partner(), chunks=50)
    expect_error(response, 11340, "image error")
    assert pulled <= settings.max_body_bytes // (1024 * 1024) + 2


def test_declared_oversize_body_is_refused_before_reading(settings, store, partner):
    headers = {"content-length": str(50 * 1024 * 1024)}
    response, pulled = post_streamed(create_app(settings), *partner(), chunks=50, headers=headers)
    expect_error(response, 11340, "image error")
    assert pulled <= 1


# success ---------------------------------------------------------------------------------
def test_success_shape_with_all_options(client, partner, card_jpeg):
    data = body(card_jpeg, options="images,image_quality,document_forgery")
    response = call(client, *partner(), data)
    answer = response.json()
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert answer["code"] == 200 and answer["message"] == "success"
    assert answer["sequence_id"] == response.headers["x-sequence-id"]
    assert set(answer) == ERROR_KEYS | {
        "result",
        "status_info",
        "document_type_info",
        "card_info",
        "image_info",
        "image_quality_info",
        "document_forgery_info",
    }
    assert answer["result"] in {"success", "error", "not performed"}
    assert set(answer["status_info"]) == {"doc_type", "expiry", "mrz", "text"}
    assert all(v in (0, 1, 2) for v in answer["status_info"].values())
    assert set(answer["document_type_info"]) == {"document_name", "document_description"}
    assert isinstance(answer["card_info"]["field_list"], list)
    quality = answer["image_quality_info"]
    assert set(quality) == {"list", "result"}
    assert sorted(c["type"] for c in quality["list"]) == list(range(8))
    assert all(
        set(c) == {"feature_type", "result", "type"} and c["feature_type"] == 0
        for c in quality["list"]
    )
    forgery = answer["document_forgery_info"]
    assert forgery["result"] in {"pass", "fail"}
    assert ("detail" in forgery) == (forgery["result"] == "fail")
    graphics = {g["field_name"]: g["value_list"] for g in answer["image_info"]["field_list"]}
    assert "Document Front" in graphics
    import base64

    jpeg = base64.b64decode(graphics["Document Front"][0]["value"])
    assert jpeg.startswith(b"\xff\xd8\xff")


def test_success_without_options_has_no_optional_objects(client, partner, card_jpeg):
    answer = call(client, *partner(), body(card_jpeg)).json()
    assert set(answer) == ERROR_KEYS | {"result", "status_info", "document_type_info", "card_info"}


def test_sequence_ids_are_unique(client, partner, card_jpeg):
    pcode, key = partner()
    ids = {call(client, pcode, key, raw=b"x").json()["sequence_id"] for _ in range(20)}
    assert len(ids) == 20


def test_answers_are_utf8_json(client, partner):
    response = call(client, *partner(), raw=b"{")
    assert (
        "charset" not in response.headers["content-type"]
        or "utf-8" in response.headers["content-type"].lower()
    )
    json.loads(response.content.decode("utf-8"))
