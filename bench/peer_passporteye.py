"""Peer MRZ reader for ``idreader bench``: PassportEye, run under ``.venv-bench/bin/python``.

Reads a JSON list of image paths on stdin. Prints one JSON line describing the peer, then one
per image: ``{"path", "mrz", "raw_lines", "mrz_type", "valid", "valid_score", "seconds",
"cpu_seconds", "error"}``. ``raw_lines`` are PassportEye's OCR lines after its own clean-up;
``mrz`` is those lines as it parses them (padded with '<' or cut to the format's length), or
null when it found no MRZ.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import warnings
from importlib.metadata import version

PER_IMAGE_TIMEOUT_S = 120
# Line length of each MRZ format PassportEye knows; it pads short lines with '<' and reads
# fields from the first N characters, so its answer is the lines cut or padded to N.
LINE_LENGTH = {"TD1": 30, "TD2": 36, "TD3": 44, "MRVA": 44, "MRVB": 36}


def _timeout(signum: int, frame: object) -> None:
    raise TimeoutError(f"no answer within {PER_IMAGE_TIMEOUT_S} s")


def tesseract_version() -> str:
    try:
        out = subprocess.run(
            ["tesseract", "--version"], capture_output=True, text=True, check=False
        )
        return (out.stdout or out.stderr).splitlines()[0]
    except (OSError, IndexError):
        return "missing"


def cpu_time() -> float:
    """CPU seconds of this process and its finished children (the tesseract runs)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def read_one(path: str) -> dict:
    from passporteye import read_mrz
    from passporteye.mrz.text import MRZOCRCleaner

    start, cpu_start = time.perf_counter(), cpu_time()
    row: dict = {"path": path, "mrz": None, "valid": None, "valid_score": None, "error": None}
    signal.alarm(PER_IMAGE_TIMEOUT_S)
    try:
        mrz = read_mrz(path)
        if mrz is not None:
            lines = MRZOCRCleaner.apply(mrz.aux.get("raw_text", ""))
            n = LINE_LENGTH.get(mrz.mrz_type)
            parsed = [(line + "<" * n)[:n] for line in lines] if n else lines
            row.update(mrz=parsed or None, raw_lines=lines, mrz_type=mrz.mrz_type)
            row.update(valid=bool(mrz.valid), valid_score=mrz.valid_score)
    except Exception as exc:  # one bad image never stops the run
        row["error"] = f"{type(exc).__name__}: {exc}"
    finally:
        signal.alarm(0)
    row["seconds"] = time.perf_counter() - start
    row["cpu_seconds"] = cpu_time() - cpu_start
    return row


def main() -> None:
    warnings.simplefilter("ignore")
    signal.signal(signal.SIGALRM, _timeout)
    paths = json.load(sys.stdin)
    info = {"peer": "passporteye", "version": version("passporteye")}
    info["tesseract"] = tesseract_version()
    print(json.dumps(info), flush=True)
    for path in paths:
        print(json.dumps(read_one(path)), flush=True)


if __name__ == "__main__":
    main()
