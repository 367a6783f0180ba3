"""Text helpers shared by the field readers: accent-free upper case, language tags."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

# Letters NFKD does not split into a base letter and a mark.
_EXTRA = str.maketrans({"Ø": "O", "Đ": "D", "Ł": "L", "Æ": "AE", "Œ": "OE", "Þ": "TH", "°": "º"})
# Language codes used interchangeably (ISO 639-1 where it exists).
LANGUAGE_ALIASES = {"fil": "tl", "in": "id", "zsm": "ms", "msa": "ms", "tgl": "tl"}
# A country's main document languages: a hint for ambiguous labels and month names.
COUNTRY_LANGUAGES = {
    "MX": ("es",), "ES": ("es",), "CO": ("es",), "PE": ("es",), "AR": ("es",), "CL": ("es",),
    "BR": ("pt",), "PT": ("pt",), "FR": ("fr",), "BE": ("fr", "nl", "de"), "DE": ("de",),
    "AT": ("de",), "CH": ("de", "fr", "it"), "IT": ("it",), "NL": ("nl",), "ID": ("id",),
    "MY": ("ms",), "PH": ("tl", "en"), "TR": ("tr",), "VN": ("vi",), "LU": ("fr", "de"),
    "GB": ("en",), "US": ("en",), "IN": ("en",), "IE": ("en",), "CA": ("en", "fr"),
}  # fmt: skip


def plain(text: str) -> str:
    """Upper case without accents: ``Né(e) à Málaga`` -> ``NE(E) A MALAGA``."""
    text = unicodedata.normalize("NFKD", text.translate(_EXTRA))
    return "".join(c for c in text if not unicodedata.combining(c)).upper().translate(_EXTRA)


def collapse(text: str) -> str:
    """Runs of white space as one space, ends stripped."""
    return re.sub(r"\s+", " ", text).strip()


def language_codes(tags: Iterable[str], country: str | None = None) -> tuple[str, ...]:
    """``es-MX``, ``fil`` ... as the codes used in the data files (``es``, ``tl``), in order;
    the country's languages follow the given ones."""
    out: list[str] = []
    for tag in tags:
        code = re.split(r"[-_]", tag.strip().lower())[0]
        out.append(LANGUAGE_ALIASES.get(code, code))
    out.extend(COUNTRY_LANGUAGES.get((country or "").upper(), ()))
    return tuple(dict.fromkeys(c for c in out if c))


def culture_country(tags: Iterable[str]) -> str | None:
    """The region of the first culture tag that has one (``es-MX`` -> ``MX``)."""
    for tag in tags:
        parts = re.split(r"[-_]", tag.strip())
        if len(parts) > 1 and len(parts[-1]) == 2:
            return parts[-1].upper()
    return None
