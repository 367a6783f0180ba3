"""Printed dates as ``datetime.date``: numeric in any order, or with month names.

Month names come from ``data/months.yaml`` (all languages; the ``languages`` hint only
settles a name two languages would read differently). Two-digit years take their century
from ``kind``: ``birth`` and ``issue`` dates lie in the past, ``expiry`` dates at most
20 years ahead, ``any`` date nearest to today.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Sequence
from functools import cache
from importlib.resources import files

import yaml

from idreader.fields.text import language_codes, plain

KINDS = ("any", "birth", "issue", "expiry")
ORDERS = ("DMY", "MDY", "YMD")
EXPIRY_AHEAD_YEARS = 20
# Words printed between the parts of a date ("12 DE AGOSTO DE 1974", "1ST", "NGAY 12").
_FILLERS = frozenset(
    re.findall(
        r"\w+", "DE DEL DA DO OF THE LE DU AM DEN VAN DI NG SA ST ND RD TH ER EME NGAY NAM TGL"
    )
)
_DIGIT_LOOKALIKES = str.maketrans("015", "OIS")  # "0CT" -> "OCT"
_COMPACT = re.compile(r"(\d{1,2})([^\W_]{3,9}?)(\d{4}|\d{2})")  # day, month, year run together
_VI_NUMERIC = re.compile(r"THANG\s*0?(\d{1,2})(?!\d)")
_CJK_MARKS = str.maketrans(dict.fromkeys("年月日년월일", " "))  # 1974年8月12日


@cache
def _months() -> dict[str, list[list[str]]]:
    data = yaml.safe_load(files("idreader").joinpath("data/months.yaml").read_text("utf-8"))
    return {lang: [[plain(f) for f in forms] for forms in months] for lang, months in data.items()}


@cache
def _month_table(languages: tuple[str, ...]) -> tuple[dict[str, int], tuple[str, ...]]:
    """Single-word forms -> month (preferred languages first) and multi-word forms."""
    table: dict[str, int] = {}
    multi: list[str] = []
    ordered = [*(lang for lang in languages if lang in _months()), *_months()]
    for lang in ordered:
        for number, forms in enumerate(_months()[lang], 1):
            for form in forms:
                if " " in form:
                    multi.append(form)
                else:
                    table.setdefault(form, number)
    return table, tuple(sorted(set(multi), key=len, reverse=True))


@cache
def _multi_word_month(form: str) -> int:
    for months in _months().values():
        for number, forms in enumerate(months, 1):
            if form in forms:
                return number
    raise KeyError(form)


def _tokens(text: str, languages: tuple[str, ...]) -> list[tuple[str, str | int]] | None:
    """("n", digits) and ("m", month) in reading order; None when a word is no month."""
    table, multi = _month_table(languages)
    text = _VI_NUMERIC.sub(lambda m: f" @{int(m.group(1))} ", plain(text.translate(_CJK_MARKS)))
    for form in multi:  # Vietnamese "THANG MUOI HAI"
        text = re.sub(rf"\b{form}\b", f" @{_multi_word_month(form)} ", text)
    out: list[tuple[str, str | int]] = []
    for token in re.findall(r"@\d+|[^\W_]+", text):
        if token.startswith("@"):
            out.append(("m", int(token[1:])))
        elif token.isdigit():
            out.append(("n", token))
        elif token.translate(_DIGIT_LOOKALIKES) in table:
            out.append(("m", table[token.translate(_DIGIT_LOOKALIKES)]))
        elif (run := _COMPACT.fullmatch(token)) and run[2].translate(_DIGIT_LOOKALIKES) in table:
            day, month, year = run.groups()  # "310CT2019": the month's O read as 0
            out += [("n", day), ("m", table[month.translate(_DIGIT_LOOKALIKES)]), ("n", year)]
        else:
            for part in re.findall(r"\d+|[^\W\d_]+", token):  # "23AUG24"
                if part.isdigit():
                    out.append(("n", part))
                elif part in table:
                    out.append(("m", table[part]))
                elif part not in _FILLERS:
                    return None
    return out


def _years_later(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _make(year: str, month: int, day: int, kind: str, today: dt.date) -> dt.date | None:
    if len(year) == 4:
        full = int(year) - 543 if int(year) > 2400 else int(year)  # Thai Buddhist era
        if not 1850 <= full <= 2199:
            return None
        try:
            return dt.date(full, month, day)
        except ValueError:
            return None
    if len(year) != 2:
        return None
    candidates = []
    for century in (1900, 2000, 2100):
        with contextlib.suppress(ValueError):
            candidates.append(dt.date(century + int(year), month, day))
    if kind in ("birth", "issue"):
        candidates = [d for d in candidates if d <= today]
        return max(candidates, default=None)
    if kind == "expiry":
        limit = _years_later(today, EXPIRY_AHEAD_YEARS)
        return max((d for d in candidates if d <= limit), default=None)
    return min(candidates, key=lambda d: abs((d - today).days), default=None)


def _numeric(groups: list[str], order: str, kind: str, today: dt.date) -> dt.date | None:
    if len(groups) == 1 and len(groups[0]) in (6, 8):  # "120874", "19740812"
        s = groups[0]
        w = len(s) - 4  # year width
        cut = {"DMY": (2, 4), "MDY": (2, 4), "YMD": (w, w + 2)}[order]
        groups = [s[: cut[0]], s[cut[0] : cut[1]], s[cut[1] :]]
        if len(s) == 8 and order != "YMD" and _numeric(groups, order, kind, today) is None:
            order, groups = "YMD", [s[:4], s[4:6], s[6:]]
    if len(groups) != 3 or any(len(g) > 4 for g in groups):
        return None
    a, b, c = groups
    if len(a) == 4 or (order == "YMD" and len(c) <= 2):
        year, month, day = a, b, c
    elif order == "MDY":
        month, day, year = a, b, c
    else:
        day, month, year = a, b, c
    found = _make(year, int(month), int(day), kind, today)
    if found is None and int(month) > 12 >= int(day):  # the other order is the only reading
        found = _make(year, int(day), int(month), kind, today)
    return found


def parse_date(
    text: str,
    *,
    order: str = "DMY",
    languages: Sequence[str] = (),
    kind: str = "any",
    today: dt.date | None = None,
) -> dt.date | None:
    """The date printed in ``text`` or None. ``order`` is the document's numeric order
    (DMY, MDY or YMD); a first group of four digits always reads as year-month-day."""
    if order not in ORDERS or kind not in KINDS:
        raise ValueError(f"order {order!r} / kind {kind!r}")
    today = today or dt.date.today()
    tokens = _tokens(text, language_codes(languages))
    if not tokens:
        return None
    numbers = [str(v) for k, v in tokens if k == "n"]
    months = {v for k, v in tokens if k == "m"}
    if not months:
        return _numeric(numbers, order, kind, today)
    if len(months) != 1 or len(numbers) != 2 or any(len(n) > 4 for n in numbers):
        return None  # bilingual names must agree ("AUG/AOÛT")
    month = int(months.pop())
    a, b = numbers
    if len(a) >= 3 or (len(b) <= 2 and order == "YMD"):
        year, day = a, b
    else:
        day, year = a, b
    return _make(year, month, int(day), kind, today)


def format_iso(day: dt.date) -> str:
    return day.isoformat()
