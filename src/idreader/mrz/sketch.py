"""What an MRZ that could not be read still tells: a line of MRZ characters that starts
with a document code and an issuing state ("P<PHL", "IDD<<") names the kind of document and
its issuer, even when blur leaves its check digits unreadable; a line cut on its left by the
photo's edge still shows, counted from its right end, a state code and check digits."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

from idreader.countries import is_icao_code
from idreader.mrz.correct import confusions, field_ok
from idreader.mrz.formats import MrzField, formats

FILLER = "<"
MIN_LENGTH = 26  # the shortest MRZ line is 30 characters; a few may be lost
MIN_MRZ_SHARE = 0.9  # of a line's characters in the MRZ alphabet
FILLER_RUN = re.compile(r"<|(.)\1{3}")  # fillers, or a run a blurred filler is read as
HEAD = 5  # document code (2) and issuing state (3)


def mrz_like_lines(texts: Sequence[str]) -> list[str]:
    """The lines of text (spaces removed, upper case) that look like MRZ lines."""
    found = []
    for text in texts:
        line = text.replace(" ", "").upper()
        in_alphabet = sum(c.isascii() and (c.isalnum() or c == FILLER) for c in line)
        long = len(line) >= MIN_LENGTH
        if long and in_alphabet >= MIN_MRZ_SHARE * len(line) and FILLER_RUN.search(line):
            found.append(line)
    return found


@cache
def _digit_for() -> dict[str, str]:
    return confusions()["to_digit"]


def head_mismatches(line: str, head: str) -> int:
    """Characters of ``head`` (code and state, '<'-padded) that ``line`` does not start
    with; a filler matches anything, a letter also its digit lookalike (D read as 0)."""
    misses = sum(
        want != FILLER and got != want and _digit_for().get(want) != got
        for want, got in zip(head, line, strict=False)
    )
    return misses + max(0, len(head) - len(line))


def expected_head(code: str, state: str) -> str:
    """The first five characters of an MRZ of this document code and ICAO state code."""
    return (code.ljust(2, FILLER) + state.ljust(3, FILLER))[:HEAD]


def best_head_match(lines: Sequence[str], code: str, state: str) -> int:
    """Fewest mismatches between the expected head and the start of any of ``lines``."""
    head = expected_head(code, state)
    return min((head_mismatches(line, head) for line in lines), default=HEAD)


def cut_states(lines: Sequence[str]) -> set[tuple[str, str]]:
    """(format, state code) for each line that reads as a format's line cut on its left:
    aligned by its right end, a check digit wholly in view passes and a real state code
    stands where the line holds one (the nationality)."""
    found = set()
    for line in lines:
        for fmt in formats().values():
            cut = fmt.length - len(line)
            if cut <= 0:
                continue  # a whole line: its head tells
            for row in range(fmt.lines):
                seen = [f for f in fmt.fields if f.line == row and f.start >= cut]
                if not any(_check_passes(line, f, cut) for f in seen):
                    continue
                for f in seen:
                    if f.kind == "code" and f.key != "document_code":
                        state = line[f.start - cut : f.end - cut].rstrip(FILLER)
                        if is_icao_code(state):
                            found.add((fmt.name, state))
    return found


def _check_passes(line: str, f: MrzField, cut: int) -> bool:
    """Whether field ``f`` has a check digit and it passes, ``line`` lacking its first ``cut``."""
    if f.check is None:
        return False
    return field_ok(f.key, line[f.start - cut : f.end - cut] + line[f.check - cut])
