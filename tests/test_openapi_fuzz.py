"""Property-based fuzzing of the HTTP surface against the app's own OpenAPI schema.

Whatever arrives, the contract promises HTTP 200 with a JSON ``{code, message, sequence_id}``
object on ``POST /ocr/v2`` and never an internal error (11350) for a client's mistake.
"""

from __future__ import annotations

import base64
import json
import re
import struct

import jsonschema_rs
import numpy as np
import pytest
import schemathesis
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from conftest import b64, encode
from idreader.api.app import create_app
from idreader.pipeline.decode import JPEG_MAGIC, PNG_MAGIC

PATH = "/ocr/v2"
SEQUENCE_ID = re.compile(r"[0-9a-f]{32}")
COUNTRY_MESSAGE = "The country partner located is not open"

# code -> the messages it may carry once the partner is valid (checks 4-7 and success)
BODY_MESSAGES = {
    200: {"success"},
    11301: {"image empty", "country empty", "scenario empty"},
    11304: {COUNTRY_MESSAGE},
    11340: {"body error", "image error", "country error", "scenario error", "options error"},
}
# code -> the messages it may carry when no partner exists at all (checks 1-2)
PARTNER_MESSAGES = {
    11301: {"partner_code empty", "partner_key empty"},
    11340: {"partner_code error"},
}


def tiny_jpeg() -> bytes:
    img = np.zeros((48, 64, 3), np.uint8)
    img[:, :32] = (30, 140, 220)
    img[10:30, 40:60] = (240, 240, 240)
    return encode(img)


VALID_IMAGE = b64(tiny_jpeg())  # small, so a success answer is cheap

FUZZ_SETTINGS = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
SCHEMA_CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def app(settings, store):
    """The app on a migrated throw-away database; its ASGI lifespan is ended afterwards."""
    application = create_app(settings)
    yield application
    asgi.shutdown_lifespans()


@pytest.fixture
def schema(app):
    return schemathesis.openapi.from_asgi("/openapi.json", app)


def operations(schema) -> dict[str, schemathesis.APIOperation]:
    found = {}
    for result in schema.get_all_operations():
        operation = result.ok()
        found[f"{operation.method.upper()} {operation.path}"] = operation
    return found


def header(response, name: str) -> str:
    """One header from an httpx or a schemathesis response (lower-case keys, list values)."""
    value = response.headers[name]
    if isinstance(value, list):
        assert len(value) == 1, value
        value = value[0]
    return value


def success_validator(openapi: dict):
    """The published ``OcrSuccess`` schema on its own.

    The operation's response schema is ``OcrSuccess | OcrError``, and any success answer also
    matches the loose ``OcrError``, so schemathesis's conformance check alone cannot catch a
    malformed success answer.
    """
    doc = {"$ref": "#/components/schemas/OcrSuccess", "components": openapi["components"]}
    return jsonschema_rs.validator_for(doc)


def assert_contract_answer(response, allowed: dict[int, set[str]], success=None) -> dict:
    """HTTP 200, a JSON object with code/message/sequence_id, code and message allowed;
    a success answer must match the published ``OcrSuccess`` schema (``success``)."""
    assert response.status_code == 200, response.text
    assert header(response, "content-type").startswith("application/json")
    data = json.loads(response.content.decode("utf-8"))
    assert isinstance(data, dict), data
    assert {"code", "message", "sequence_id"} <= data.keys(), data
    assert data["code"] != 11350, data
    assert data["code"] in allowed, data
    assert data["message"] in allowed[data["code"]], data
    assert SEQUENCE_ID.fullmatch(data["sequence_id"]), data
    assert header(response, "x-sequence-id") == data["sequence_id"]
    if data["code"] != 200:
        assert set(data) == {"code", "message", "sequence_id"}, data
    else:
        assert success is not None, "a success answer was not expected here"
        errors = [error.message for error in success.iter_errors(data)]
        assert not errors, (errors, data)
    return data


def fuzz(schema, *, query: dict | None, allowed: dict[int, set[str]]) -> dict[str, set]:
    """Run every operation with positive and negative cases; return what was seen."""
    seen: dict[str, set] = {}
    success = success_validator(schema.raw_schema)
    for label, operation in operations(schema).items():
        fixed = query if operation.method.lower() == "post" else None
        positive = operation.as_strategy(schemathesis.GenerationMode.POSITIVE, query=fixed)
        negative = operation.as_strategy(schemathesis.GenerationMode.NEGATIVE, query=fixed)
        strategy = st.one_of(positive, negative)
        if fixed is not None:
            # also with a real image, so the generated country/scenario/options get judged
            strategy = st.one_of(strategy, positive.map(with_valid_image))
        check_operation(strategy, fixed, allowed, success, seen.setdefault(label, set()))
    return seen


def with_valid_image(case):
    if isinstance(case.body, dict) and "image" in case.body:
        case.body["image"] = VALID_IMAGE
    return case


def check_operation(
    strategy, fixed: dict | None, allowed: dict[int, set[str]], success, outcomes: set
) -> None:
    @FUZZ_SETTINGS
    @given(case=strategy)
    def run(case):
        if fixed is not None:
            assert case.query == fixed  # the override really reached the request
        response = case.call()
        assert response.status_code < 500, response.text
        case.validate_response(response, checks=SCHEMA_CHECKS)
        if case.operation.method.lower() == "post":
            data = assert_contract_answer(response, allowed, success)
            outcomes.add((data["code"], data["message"]))
        else:
            assert response.status_code == 200
            assert response.json() == {"status": "ok"}
            outcomes.add(response.status_code)

    run()


def test_schema_lists_both_operations(schema):
    assert set(operations(schema)) == {f"POST {PATH}", "GET /healthz"}


def test_fuzz_with_generated_partner_parameters(schema):
    """No partner exists: every POST stops at checks 1-2, and nothing is a server error."""
    seen = fuzz(schema, query=None, allowed=PARTNER_MESSAGES)
    assert seen["GET /healthz"] == {200}
    assert seen[f"POST {PATH}"]  # the operation was really exercised


def test_fuzz_bodies_with_a_valid_partner(schema, partner):
    """A valid partner: every fuzzed body is judged by checks 4-7, never as a partner error."""
    code, key = partner(balance=None)
    seen = fuzz(schema, query={"partner_code": code, "partner_key": key}, allowed=BODY_MESSAGES)
    messages = {message for _, message in seen[f"POST {PATH}"]}
    # the checks after the image check were really reached, not only checks 4a-5
    assert messages & {
        "country error",
        "scenario error",
        "options error",
        COUNTRY_MESSAGE,
        "success",
    }, messages


@pytest.mark.parametrize("options", [None, "images,image_quality,document_forgery"])
def test_success_answer_conforms_to_the_published_schema(schema, partner, options):
    """The checks the fuzzers rely on also hold for a full success answer."""
    code, key = partner(balance=None)
    body = {"image": VALID_IMAGE, "country": "MX", "scenario": "Ocr"}
    if options:
        body["options"] = options
    case = operations(schema)[f"POST {PATH}"].Case(
        query={"partner_code": code, "partner_key": key}, body=body, media_type="application/json"
    )
    response = case.call()
    case.validate_response(response, checks=SCHEMA_CHECKS)
    data = assert_contract_answer(response, BODY_MESSAGES, success_validator(schema.raw_schema))
    assert data["code"] == 200
    assert ("image_quality_info" in data) == bool(options)


# hand-rolled JSON fuzzing ------------------------------------------------------------------
OPEN_COUNTRIES = ["MX", "GB"]  # the partner is restricted to these, so 11304 is reachable

json_scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)
base64ish = st.text(
    alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_ \n\r\t",
    max_size=64,
)
image_values = st.one_of(
    st.just(VALID_IMAGE),
    st.just(f"data:image/jpeg;base64,{VALID_IMAGE}"),
    st.text(max_size=40),
    base64ish,
    st.builds(lambda text: f"data:image/png;base64,{text}", base64ish),
    # random bytes, optionally behind a real magic or a real JPEG header, base64-encoded
    st.builds(
        lambda head, tail: base64.b64encode(head + tail).decode(),
        st.sampled_from([b"", JPEG_MAGIC, PNG_MAGIC, base64.b64decode(VALID_IMAGE)[:300]]),
        st.binary(max_size=200),
    ),
    json_values,
)
country_values = st.one_of(
    st.sampled_from(["MX", "GB", "FR", "mx", "XX", "MEX", " MX", ""]),
    st.text(max_size=4),
    json_values,
)
scenario_values = st.one_of(
    st.sampled_from(["Ocr", "ocr", "OCR", " Ocr", ""]), st.text(max_size=6), json_values
)
VALID_OPTIONS = ["images", "image_quality", "document_forgery", "images,document_forgery", ""]
option_values = st.one_of(
    st.sampled_from(["images", "image_quality,document_forgery", " images , ", ",", "faces", ""]),
    st.lists(
        st.sampled_from(["images", "image_quality", "document_forgery", "x", " ", ""]), max_size=4
    ).map(",".join),
    st.text(max_size=20),
    json_values,
)
bodies = st.one_of(
    json_values,  # anything at all, mostly not an object
    st.fixed_dictionaries(
        {},
        optional={
            "image": image_values,
            "country": country_values,
            "scenario": scenario_values,
            "options": option_values,
            "extra": json_values,
        },
    ),
    st.fixed_dictionaries(  # the three required fields present, to get past check 4b often
        {"image": image_values, "country": country_values, "scenario": scenario_values},
        optional={"options": option_values},
    ),
    st.fixed_dictionaries(  # mostly valid, so the later checks (6, 7, success) are reached
        {
            "image": st.one_of(st.just(VALID_IMAGE), st.just(VALID_IMAGE), image_values),
            "country": st.one_of(st.sampled_from(["MX", "GB", "FR", "PH"]), country_values),
            "scenario": st.one_of(st.just("Ocr"), st.just("Ocr"), scenario_values),
        },
        optional={"options": st.one_of(st.sampled_from(VALID_OPTIONS), option_values)},
    ),
)


def test_arbitrary_json_bodies_with_a_valid_partner(client, partner):
    code, key = partner(balance=None, countries=OPEN_COUNTRIES)
    params = {"partner_code": code, "partner_key": key}
    seen: set[int] = set()
    success = success_validator(client.app.openapi())

    @settings(
        max_examples=150,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(body=bodies, ensure_ascii=st.booleans())
    # one explicit body per outcome, so every outcome is always exercised: Hypothesis mixes
    # literals of the loaded modules into generation, so what it finds depends on the test run
    @example(
        body={
            "image": VALID_IMAGE,
            "country": "GB",
            "scenario": "Ocr",
            "options": "images,image_quality,document_forgery",
        },
        ensure_ascii=True,
    )
    @example(body={"image": VALID_IMAGE, "country": "FR", "scenario": "Ocr"}, ensure_ascii=True)
    @example(body={"image": VALID_IMAGE, "country": "MX", "scenario": " "}, ensure_ascii=False)
    @example(
        body={"image": VALID_IMAGE, "country": "MX", "scenario": "Ocr", "options": 1},
        ensure_ascii=True,
    )
    def run(body, ensure_ascii):
        raw = json.dumps(body, ensure_ascii=ensure_ascii).encode("utf-8")  # NaN/Infinity too
        response = client.post(
            PATH, params=params, content=raw, headers={"content-type": "application/json"}
        )
        data = assert_contract_answer(response, BODY_MESSAGES, success)
        assert data["code"] in {200, 11301, 11304, 11340}
        seen.add(data["code"])

    run()
    assert seen == {200, 11301, 11304, 11340}


def test_jpeg_with_infinite_exif_orientation_is_not_an_internal_error(client, partner):
    tiff = (
        b"II*\x00"
        + struct.pack("<IH", 8, 1)
        + struct.pack("<HHII", 0x0112, 12, 1, 26)  # orientation: 1 DOUBLE at offset 26
        + b"\x00\x00\x00\x00"
        + struct.pack("<d", float("inf"))
    )
    plain = base64.b64decode(VALID_IMAGE)
    exif = b"Exif\x00\x00" + tiff
    jpeg = plain[:2] + b"\xff\xe1" + struct.pack(">H", len(exif) + 2) + exif + plain[2:]
    code, key = partner(balance=None)
    response = client.post(
        PATH,
        params={"partner_code": code, "partner_key": key},
        json={"image": b64(jpeg), "country": "MX", "scenario": "Ocr"},
    )
    data = assert_contract_answer(response, BODY_MESSAGES, success_validator(client.app.openapi()))
    assert data["code"] in {200, 11340}
