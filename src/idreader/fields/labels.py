"""Field labels in OCR'd lines: which field a line names and the value printed after it.

Labels come from ``data/field_labels.yaml``. A line is cut into words (letters and digits,
accents and case ignored); a label matches whole words at the start of the line, allowing
OCR errors: none in words of up to 4 letters or in one-word labels of up to 7, one per
word up to 11 letters, two beyond, at most two per label; words run together or split
("TglLahir", "Prenom s") are read when the letters are exact. Bilingual labels
("Apelyido/Surname", "Nom / Surname") are read as one when their halves can name the same
field; the halves settle which field an ambiguous word ("NAME", "NOMBRE") names.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib.resources import files

import yaml
from rapidfuzz.distance import Levenshtein

from idreader.fields.text import LANGUAGE_ALIASES, language_codes, plain

MAX_DISTANCE = 2
_LOOKALIKES = str.maketrans("0158", "OISB")  # digits OCR reads for letters
_CODE = re.compile(r"\s*(\d{1,2})([a-dA-D]?)\b")


@dataclass(frozen=True)
class LabelMatch:
    field: str  # field-types.tsv name
    label: str  # the label as printed: text[start:end]
    start: int
    end: int
    value: str  # what follows the label on the line, separators stripped
    distance: int = 0  # characters the label differs from the dictionary's
    alternatives: tuple[str, ...] = ()  # other fields the label could name


@dataclass(frozen=True)
class _Label:
    tokens: tuple[str, ...]
    compact: str
    fields: tuple[str, ...]  # in file order
    languages: tuple[frozenset[str], ...]  # per field: languages listing the label
    colon: bool  # only read when a colon follows


Token = tuple[str, int, int]  # folded word, start, end in the line


def _fold(word: str) -> str:
    return word if word.isdigit() else word.translate(_LOOKALIKES)


def tokens(text: str) -> list[Token]:
    """Words of ``text`` (accent-free upper case, lookalike digits read as letters)."""
    out: list[Token] = []
    word, start = "", 0
    for i, ch in enumerate(text):
        letters = "".join(c for c in plain(ch) if c.isalnum())
        if letters:
            start = i if not word else start
            word += letters
        elif word and unicodedata.combining(ch):
            continue
        elif word:
            out.append((_fold(word), start, i))
            word = ""
    if word:
        out.append((_fold(word), start, len(text)))
    return out


def _distance(a: str, b: str, limit: int) -> int | None:
    """Levenshtein distance of ``a`` and ``b`` when it is at most ``limit``."""
    d = Levenshtein.distance(a, b, score_cutoff=limit)
    return d if d <= limit else None


def _word_budget(length: int) -> int:
    return 0 if length <= 4 else 1 if length <= 11 else 2


@dataclass(frozen=True)
class _Index:
    by_first: dict[str, list[_Label]]
    heads: dict[int, tuple[str, ...]]  # first words by length
    by_compact: dict[str, list[_Label]]  # labels by their letters run together
    max_words: int
    defaults: dict[str, str]
    countries: dict[str, dict[str, str]]
    numbered: dict[str, dict[str, str]]


@cache
def _index() -> _Index:
    data = yaml.safe_load(files("idreader").joinpath("data/field_labels.yaml").read_text("utf-8"))
    found: dict[tuple[str, ...], dict[str, set[str]]] = defaultdict(dict)
    colon: dict[tuple[str, ...], bool] = {}
    for field, by_language in data["labels"].items():
        for language, forms in by_language.items():
            for form in forms:
                words = tuple(t for t, _, _ in tokens(form.rstrip(":")))
                found[words].setdefault(field, set()).add(LANGUAGE_ALIASES.get(language, language))
                colon[words] = colon.get(words, True) and form.endswith(":")
    by_first: dict[str, list[_Label]] = defaultdict(list)
    by_compact: dict[str, list[_Label]] = defaultdict(list)
    for words, fields in found.items():
        label = _Label(
            words, "".join(words), tuple(fields), tuple(frozenset(v) for v in fields.values()),
            colon[words],
        )  # fmt: skip
        by_first[words[0]].append(label)
        by_compact[label.compact].append(label)
    key = lambda text: " ".join(t for t, _, _ in tokens(text))  # noqa: E731
    heads: dict[int, list[str]] = defaultdict(list)
    for head in by_first:
        heads[len(head)].append(head)
    return _Index(
        dict(by_first),
        {n: tuple(h) for n, h in heads.items()},
        dict(by_compact),
        max(len(w) for w in found),
        {key(k): v for k, v in data["defaults"].items()},
        {c: {key(k): v for k, v in m.items()} for c, m in data["countries"].items()},
        {n: {str(k).lower(): v for k, v in m.items()} for n, m in data["numbered"].items()},
    )


def _aligned(label: _Label, words: Sequence[str], strict: bool) -> int | None:
    total = 0
    for want, got in zip(label.tokens, words, strict=True):
        budget = 0 if strict or (len(label.tokens) == 1 and len(want) <= 7) else None
        d = _distance(got, want, _word_budget(len(want)) if budget is None else budget)
        if d is None:
            return None
        total += d
    return total if total <= MAX_DISTANCE else None


@lru_cache(maxsize=1 << 16)
def _near_heads(word: str) -> tuple[str, ...]:
    """First words of labels within OCR distance of ``word``."""
    heads = _index().heads
    near = (h for n in range(-2, 3) for h in heads.get(len(word) + n, ()))
    return tuple(h for h in near if _distance(word, h, _word_budget(len(h))) is not None)


def _best_at(toks: list[Token], i: int, strict: bool) -> tuple[_Label, int, int] | None:
    """The longest label starting at word ``i``: (label, words used, distance)."""
    index, found = _index(), []
    first = toks[i][0]
    for head in [first] if strict else _near_heads(first):
        for label in index.by_first.get(head, ()):
            n = len(label.tokens)
            if i + n <= len(toks):
                d = _aligned(label, [t for t, _, _ in toks[i : i + n]], strict)
                if d is not None:
                    found.append((label, n, d))
    for k in range(1, min(index.max_words + 1, len(toks) - i) + 1):  # words run together
        if toks[i + k - 1][0].isdigit():  # a number after a label is its value
            break
        joined = "".join(t for t, _, _ in toks[i : i + k])
        for label in index.by_compact.get(joined, ()) if len(joined) >= 6 else ():
            if abs(len(label.tokens) - k) == 1:
                found.append((label, k, 0))
    # score: letters of the line covered, less two per error
    score = lambda f: sum(len(t) for t, _, _ in toks[i : i + f[1]]) - 2 * f[2]  # noqa: E731
    return max(found, key=lambda f: (score(f), -f[2], len(f[0].compact)), default=None)


def _ranked(label: _Label, languages: tuple[str, ...], country: str | None) -> list[str]:
    index, key = _index(), " ".join(label.tokens)
    override = index.countries.get(country or "", {}).get(key)

    def rank(item: tuple[int, str]) -> tuple:
        n, field = item
        spoken = [languages.index(lang) for lang in label.languages[n] if lang in languages]
        return (field != override, min(spoken, default=len(languages)),
                field != index.defaults.get(key), n)  # fmt: skip

    ranked = [field for _, field in sorted(enumerate(label.fields), key=rank)]
    return [override, *(f for f in ranked if f != override)] if override else ranked


def _label_at(
    text: str,
    toks: list[Token],
    i: int,
    strict: bool,
    languages: tuple[str, ...],
    country: str | None,
) -> tuple[list[str], int, int, int, int] | None:
    """(fields best first, start, end, distance, next word) of the label at word ``i``."""
    found = _best_at(toks, i, strict)
    if found is None:
        return None
    label, n, distance = found
    end, j = toks[i + n - 1][2], i + n
    if label.colon and not re.match(r"\s*:", text[end:]):
        return None
    fields = _ranked(label, languages, country)
    while j < len(toks):  # the other halves of a bilingual label
        gap = text[end : toks[j][1]]
        separated = re.fullmatch(r"[\s.]*[/|,][\s]*", gap) is not None
        if not separated and not re.fullmatch(r"\s+", gap):
            break
        more = _best_at(toks, j, strict=strict or not separated)
        common = [f for f in fields if more and f in more[0].fields]
        if not more or not common:
            break
        fields, distance = common, distance + more[2]
        end, j = toks[j + more[1] - 1][2], j + more[1]
    if m := re.match(r"\s*\(\s*\d{1,2}\s*\)", text[end:]):  # "Surname/Nom (1)"
        end += m.end()
    return fields, toks[i][1], end, distance, j


def _value(text: str) -> str:
    return re.sub(r"^[\s:;.|]+", "", text).rstrip()


def _numbered(
    text: str, toks: list[Token], numbering: str, explicit: bool, **hints
) -> LabelMatch | None:
    """Licence field numbers: "1. SMITH", "4b 12.08.2030", "4d DLN 123", "15 SEX M"."""
    m = _CODE.match(text)
    if not m or not toks or toks[0][1] != m.start(1):
        return None
    code = (m[1].lstrip("0") + m[2]).lower()
    if len(toks) > 1 and (found := _label_at(text, toks, 1, False, **hints)):
        fields, _, end, distance, _ = found
        return LabelMatch(fields[0], text[m.start(1) : end], m.start(1), end,
                          _value(text[end:]), distance, tuple(fields[1:]))  # fmt: skip
    field = _index().numbered[numbering].get(code)
    rest = text[m.end() :]
    punct = re.match(r"[.):]", rest)
    nxt = rest.lstrip()[:1]
    if field is None or (not punct and not m[2] and nxt.isdigit()):
        return None
    if punct and punct[0] == "." and rest[1:2].isdigit():  # "12.08.1974"
        return None
    if not (punct or m[2] or (explicit and (not nxt or nxt.isalpha()))):
        return None
    end = m.end() + (1 if punct else 0)
    return LabelMatch(field, text[m.start(1) : end], m.start(1), end, _value(text[end:]))


def find_label(
    text: str,
    *,
    country: str | None = None,
    languages: Sequence[str] = (),
    numbering: str | None = None,
) -> LabelMatch | None:
    """The field label at the start of an OCR'd line and the value after it, or None.

    ``country`` (alpha-2) and ``languages`` settle ambiguous labels. Licence field numbers
    ("1.", "4a", "4b 12.08.2030") use ``numbering`` ("eu" or "aamva"; by default AAMVA for
    US and CA, else EU); bare numbers ("1 SMITH", "8 MAIN ST") are read only when
    ``numbering`` is given, and never before a digit.
    """
    country = (country or "").upper() or None
    hints = {"languages": language_codes(languages, country), "country": country}
    toks = tokens(text)
    if not toks:
        return None
    scheme = numbering or ("aamva" if country in ("US", "CA") else "eu")
    if toks[0][0][:1].isdigit() and (
        found := _numbered(text, toks, scheme, numbering is not None, **hints)
    ):
        return found
    found = _label_at(text, toks, 0, False, **hints)
    if found is None:
        return None
    fields, start, end, distance, _ = found
    return LabelMatch(fields[0], text[start:end], start, end, _value(text[end:]), distance,
                      tuple(fields[1:]))  # fmt: skip


def find_labels(
    text: str,
    *,
    country: str | None = None,
    languages: Sequence[str] = (),
    numbering: str | None = None,
) -> list[LabelMatch]:
    """Every label on a line holding several fields ("Jenis Kelamin : PEREMPUAN Gol. Darah
    : A"), each with the text up to the next label as its value. After the first, labels
    must match exactly, have four letters or more, and have two words or a colon after."""
    first = find_label(text, country=country, languages=languages, numbering=numbering)
    if first is None:
        return []
    country = (country or "").upper() or None
    hints = {"languages": language_codes(languages, country), "country": country}
    toks, out = tokens(text), [first]
    i = next((n for n, t in enumerate(toks) if t[1] >= first.end), len(toks))
    while i < len(toks):
        found = _label_at(text, toks, i, True, **hints)
        if found:
            fields, start, end, _, j = found
            words = [t for t in toks[i:j]]
            long_enough = sum(len(w) for w, _, _ in words) >= 4
            if long_enough and (len(words) > 1 or re.match(r"\s*:", text[end:])):
                prev = out[-1]
                out[-1] = LabelMatch(prev.field, prev.label, prev.start, prev.end,
                                     _value(text[prev.end : start]), prev.distance,
                                     prev.alternatives)  # fmt: skip
                out.append(LabelMatch(fields[0], text[start:end], start, end,
                                      _value(text[end:]), 0, tuple(fields[1:])))  # fmt: skip
                i = j
                continue
        i += 1
    return out
