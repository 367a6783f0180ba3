"""`idreader serve` end to end: demo partner on first start, a real request, private logs."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import httpx

from conftest import TODAY, b64, card_photo, encode, free_port, wait_ready


def start(tmp_path, port: int) -> subprocess.Popen:
    env = os.environ | {
        "IDREADER_DATABASE_URL": f"sqlite:///{tmp_path}/serve.db",
        "IDREADER_TODAY": TODAY,
    }
    return subprocess.Popen(
        [sys.executable, "-m", "idreader.cli.main", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def stop(proc: subprocess.Popen) -> tuple[str, str]:
    proc.terminate()
    return proc.communicate(timeout=20)


def test_serve_prints_demo_partner_and_logs_privately(tmp_path):
    port = free_port()
    proc = start(tmp_path, port)
    try:
        wait_ready(port)
        image = b64(encode(card_photo()))
        # the demo credentials are printed before the server starts listening
        out_so_far = ""
        while "partner_key=" not in out_so_far:
            out_so_far += proc.stdout.readline()
        code = re.search(r"partner_code=(\S+)", out_so_far).group(1)
        key = re.search(r"partner_key=(\S+)", out_so_far).group(1)
        params = {"partner_code": code, "partner_key": key}
        r = httpx.post(
            f"http://127.0.0.1:{port}/ocr/v2",
            params=params,
            json={"image": image, "country": "MX", "scenario": "Ocr", "options": "images"},
            timeout=30,
        )
        answer = r.json()
        assert answer["code"] == 200 and r.headers["x-sequence-id"] == answer["sequence_id"]
        assert httpx.get(f"http://127.0.0.1:{port}/docs", timeout=5).status_code == 200
        schema = httpx.get(f"http://127.0.0.1:{port}/openapi.json", timeout=5).json()
        assert "/ocr/v2" in schema["paths"]
    finally:
        _, err = stop(proc)
    lines = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    requests = [e for e in lines if e["msg"] == "request"]
    assert len(requests) == 1
    assert requests[0]["sequence_id"] == answer["sequence_id"]
    assert requests[0]["partner"] == code and requests[0]["code"] == 200
    assert "latency_ms" in requests[0]
    assert key not in err and image[:100] not in err
    assert answer["image_info"]["field_list"][0]["value_list"][0]["value"][:100] not in err

    # second start: no new key is shown, the partner is kept
    port = free_port()
    proc = start(tmp_path, port)
    try:
        wait_ready(port)
    finally:
        out, _ = stop(proc)
    assert "partner_key=" not in out and "partners: 1" in out
