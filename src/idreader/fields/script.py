"""The ``lcid`` of a value: 0 for Latin script, else the LCID (ocr-api-v2.md) of the
script found, refined by letters peculiar to a language or by the issuing country."""

from __future__ import annotations

import unicodedata

LATIN = 0
# (first, last code point, script)
_BLOCKS = (
    (0x0370, 0x03FF, "greek"), (0x1F00, 0x1FFF, "greek"), (0x0400, 0x052F, "cyrillic"),
    (0x0530, 0x058F, "armenian"), (0x0590, 0x05FF, "hebrew"), (0x0600, 0x06FF, "arabic"),
    (0x0700, 0x074F, "syriac"), (0x0750, 0x077F, "arabic"), (0x0780, 0x07BF, "thaana"),
    (0x08A0, 0x08FF, "arabic"), (0x0900, 0x097F, "devanagari"), (0x0980, 0x09FF, "bengali"),
    (0x0A00, 0x0A7F, "gurmukhi"), (0x0A80, 0x0AFF, "gujarati"), (0x0B80, 0x0BFF, "tamil"),
    (0x0C00, 0x0C7F, "telugu"), (0x0C80, 0x0CFF, "kannada"), (0x0E00, 0x0E7F, "thai"),
    (0x10A0, 0x10FF, "georgian"), (0x1100, 0x11FF, "hangul"), (0x1C90, 0x1CBF, "georgian"),
    (0x3040, 0x30FF, "kana"), (0x3130, 0x318F, "hangul"), (0x31F0, 0x31FF, "kana"),
    (0x3400, 0x4DBF, "han"), (0x4E00, 0x9FFF, "han"), (0xAC00, 0xD7AF, "hangul"),
    (0xF900, 0xFAFF, "han"), (0xFB1D, 0xFB4F, "hebrew"), (0xFB50, 0xFDFF, "arabic"),
    (0xFE70, 0xFEFF, "arabic"), (0xFF66, 0xFF9F, "kana"), (0x20000, 0x2FFFF, "han"),
)  # fmt: skip
# Scripts the LCID table has no code for (Bengali) read as 0.
SCRIPT_LCID = {
    "greek": 1032, "cyrillic": 1049, "armenian": 1067, "hebrew": 1037, "arabic": 1025,
    "syriac": 1114, "thaana": 1125, "devanagari": 1081, "gurmukhi": 1094, "gujarati": 1095,
    "tamil": 1097, "telugu": 1098, "kannada": 1099, "thai": 1054, "georgian": 1079,
    "hangul": 1042, "kana": 1041, "han": 2052,
}  # fmt: skip
COUNTRY_LCID = {
    "cyrillic": {"BG": 1026, "RS": 3098, "MK": 1071, "UA": 1058, "BY": 1059, "KZ": 1087,
                 "KG": 1088, "MN": 1104, "TJ": 1064, "UZ": 2115, "AZ": 2092, "RU": 1049},
    "arabic": {"DZ": 5121, "BH": 15361, "EG": 3073, "IQ": 2049, "JO": 11265, "KW": 13313,
               "LB": 12289, "LY": 4097, "MA": 6145, "OM": 8193, "QA": 16385, "SA": 1025,
               "SY": 10241, "TN": 7169, "AE": 14337, "YE": 9217, "IR": 1065, "AF": 1065,
               "PK": 1056},
    "han": {"CN": 2052, "TW": 1028, "HK": 3076, "MO": 5124, "SG": 4100},
}  # fmt: skip
# Letters only some languages of a script use, checked in this order.
_LETTERS = {
    "cyrillic": (("ЂЋЏђћџ", 3098), ("ЃЌЅѓќѕ", 1071), ("ӘҒҚҢӨҰҮҺәғқңөұүһ", 1087),
                 ("Ўў", 1059), ("ЄЇҐєїґ", 1058), ("ЈЉЊјљњ", 3098)),
    "arabic": (("ٹڈڑںےہھ", 1056), ("پچژگکی", 1065)),
}  # fmt: skip


def _script(ch: str) -> str | None:
    code = ord(ch)
    for first, last, name in _BLOCKS:
        if first <= code <= last:
            return name
    return "latin" if ch.isalpha() and "LATIN" in unicodedata.name(ch, "") else None


def script_of(text: str) -> str | None:
    """The main script of ``text`` ("latin", "cyrillic", "han", ...), None without letters.
    Japanese kanji with kana count as "kana", Korean hanja with hangul as "hangul"."""
    counts: dict[str, int] = {}
    for ch in text:
        if (name := _script(ch)) is not None:
            counts[name] = counts.get(name, 0) + 1
    if not counts:
        return None
    for mixed in ("kana", "hangul"):
        if mixed in counts and "han" in counts:
            counts[mixed] += counts.pop("han")
    latin = counts.pop("latin", 0)
    if not counts or latin > max(counts.values()):
        return "latin"
    return max(counts, key=lambda name: counts[name])


def lcid_for(text: str, country: str | None = None) -> int:
    """0 for Latin script (accents included) or no letters; else the LCID of the script,
    refined by ``country`` (alpha-2) or by letters only one language uses."""
    script = script_of(text)
    if script in (None, "latin") or script not in SCRIPT_LCID:
        return LATIN
    by_country = COUNTRY_LCID.get(script, {}).get((country or "").upper())
    if by_country:
        return by_country
    for letters, lcid in _LETTERS.get(script, ()):
        if any(c in letters for c in text):
            return lcid
    return SCRIPT_LCID[script]
