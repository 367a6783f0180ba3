"""Draw one document from a template and an identity, with its ground truth."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import cv2
import numpy as np
import yaml
import zxingcpp
from PIL import Image, ImageDraw

from idreader.mrz.compose import compose, to_mrz_chars
from idreader.mrz.formats import get_format
from idreader.synth import art, fonts
from idreader.synth.aamva import DEFAULT_CARD, Card, aamva_truth, draw_licence, encode
from idreader.synth.identity import Identity
from idreader.synth.templates import Template

WIDTH = 1000  # rendered documents are this wide, like the reader's rectified documents
PLACEHOLDER = re.compile(r"\{(\w+)(?::([^}]*))?\}")
DATE_TOKEN = re.compile(r"MON_[a-z]{2}|MON|YYYY|YY|MM|DD")


@dataclass
class RenderedDocument:
    pixels: np.ndarray  # BGR
    boxes: dict[str, list[int]]  # name -> [x0, y0, x1, y1]
    fields: dict[str, dict[str, str]]  # name -> {original_value, value}
    mrz: list[str] | None
    bad_check: bool = False
    portrait: str | None = None  # "photo" or "drawn" (a cartoon no face detector sees)
    document_name: str | None = None  # when not the template's (a licence back's jurisdiction)
    barcode: dict | None = None  # a licence back's IIN, jurisdiction and AAMVA version


@cache
def month_abbreviations() -> dict[str, list[str]]:
    text = files("idreader").joinpath("data/months.yaml").read_text("utf-8")
    return {lang: [forms[0] for forms in months] for lang, months in yaml.safe_load(text).items()}


def format_date(day: dt.date, pattern: str) -> str:
    def token(m: re.Match) -> str:
        t = m.group(0)
        if t.startswith("MON"):
            return month_abbreviations()[t[4:] or "en"][day.month - 1]
        return {"YYYY": f"{day:%Y}", "YY": f"{day:%y}", "MM": f"{day:%m}", "DD": f"{day:%d}"}[t]

    return DATE_TOKEN.sub(token, pattern)


def context(template: Template, person: Identity) -> dict:
    return {
        **template.extra,
        "surname": person.surname,
        "given_names": person.given_names,
        "full_name": f"{person.given_names} {person.surname}",
        "sex": template.sex_print[person.sex],
        "birth_date": person.birth_date,
        "issue_date": person.issue_date,
        "expiry_date": person.expiry_date,
        "document_number": person.document_number,
        "personal_number": person.personal_number,
        "place_of_birth": person.place_of_birth,
        "address": person.address,
        "nationality": template.nationality,
    }


def evaluate(expression: str, ctx: dict, upper: bool) -> str:
    def value(m: re.Match) -> str:
        item = ctx[m.group(1)]
        if isinstance(item, dt.date):
            return format_date(item, m.group(2) or "DD.MM.YYYY")
        return str(item)

    text = PLACEHOLDER.sub(value, expression)
    return text.upper() if upper else text


def truth_value(name: str, expression: str, printed: str, ctx: dict, person: Identity) -> str:
    whole = PLACEHOLDER.fullmatch(expression)
    if whole and isinstance(ctx[whole.group(1)], dt.date):
        tokens = set(DATE_TOKEN.findall(whole.group(2) or "DD.MM.YYYY"))
        has_month = "MM" in tokens or any(t.startswith("MON") for t in tokens)
        if "DD" in tokens and has_month and tokens & {"YY", "YYYY"}:
            return ctx[whole.group(1)].isoformat()
    if name == "Sex":
        return person.sex
    return printed


class Canvas:
    """A PIL drawing surface with the template's palette and per-sample typefaces."""

    def __init__(self, template: Template, rng: np.random.Generator) -> None:
        self.template = template
        self.rng = rng
        self.width = WIDTH
        self.height = round(WIDTH / template.aspect)
        palette = {
            "paper": "#f0ece0",
            "pattern": "#c9c2b0",
            "accent": "#2b3f6b",
            "label": "#3a4a6a",
            "text": "#141414",
            **template.palette,
        }
        self.colours = {k: art.hex_to_bgr(v) for k, v in palette.items()}
        bgr = art.paper(
            self.width, self.height, self.colours["paper"], self.colours["pattern"], rng
        )
        for band in template.bands:
            x0, y0, x1, y1 = self.box(band["box"])
            cv2.rectangle(bgr, (x0, y0), (x1, y1), self.colour(band.get("colour", "accent")), -1)
        self.image = Image.fromarray(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
        self.draw = ImageDraw.Draw(self.image)
        self.faces = {
            role: fonts.choose(template.fonts.get(role, default), rng)
            for role, default in (
                ("label", "sans"),
                ("value", "sans_bold"),
                ("header", "sans_bold"),
            )
        }

    def colour(self, name_or_hex: str) -> tuple[int, int, int]:
        return self.colours.get(name_or_hex) or art.hex_to_bgr(name_or_hex)

    def rgb(self, name_or_hex: str) -> tuple[int, int, int]:
        return self.colour(name_or_hex)[::-1]

    def box(self, rel) -> list[int]:
        x0, y0, x1, y1 = rel
        return [
            round(x0 * self.width),
            round(y0 * self.height),
            round(x1 * self.width),
            round(y1 * self.height),
        ]

    def text(
        self, xy, text: str, *, size: float, font: str, colour: str, align: str = "left"
    ) -> list[int]:
        face = fonts.load(
            font if not isinstance(font, str) else self.faces[font],
            max(8, round(size * self.height)),
        )
        x, y = xy[0] * self.width, xy[1] * self.height
        if align == "center":
            x -= self.draw.textlength(text, font=face) / 2
        self.draw.text((x, y), text, font=face, fill=self.rgb(colour))
        return [round(v) for v in self.draw.textbbox((x, y), text, font=face)]

    def paste(self, bgr: np.ndarray, rel, alpha: float = 1.0) -> list[int]:
        x0, y0, x1, y1 = self.box(rel)
        patch = cv2.resize(bgr, (x1 - x0, y1 - y0), interpolation=cv2.INTER_AREA)
        base = np.asarray(self.image)[y0:y1, x0:x1].astype(np.float32)
        mixed = alpha * cv2.cvtColor(patch, cv2.COLOR_BGR2RGB) + (1 - alpha) * base
        self.image.paste(Image.fromarray(mixed.astype(np.uint8)), (x0, y0))
        return [x0, y0, x1, y1]

    def ink(self, mask: np.ndarray, rel, colour=(25, 35, 110)) -> list[int]:
        x0, y0, x1, y1 = self.box(rel)
        mask = cv2.resize(mask, (x1 - x0, y1 - y0)).astype(np.float32)[..., None] / 255
        base = np.asarray(self.image)[y0:y1, x0:x1].astype(np.float32)
        mixed = base * (1 - mask) + np.array(colour, np.float32) * mask
        self.image.paste(Image.fromarray(mixed.astype(np.uint8)), (x0, y0))
        return [x0, y0, x1, y1]

    def pixels(self) -> np.ndarray:
        return cv2.cvtColor(np.asarray(self.image), cv2.COLOR_RGB2BGR)


def render(
    template: Template, person: Identity, rng: np.random.Generator, *, bad_check: bool = False
) -> RenderedDocument:
    licence = None
    if template.barcode:
        # Drawn from a stream of its own: the template's random draws stay as they were.
        licence = draw_licence(template.barcode, person, rng.spawn(1)[0])
        person = licence.person
    canvas = Canvas(template, rng)
    ctx = context(template, person)
    boxes: dict[str, list[int]] = {}
    truth: dict[str, dict[str, str]] = {}
    jurisdiction = licence.card.jurisdiction if licence else None
    for item in template.header:
        if "issuers" in item and jurisdiction not in item["issuers"]:
            continue  # another issuer's print
        canvas.text(
            item["at"],
            evaluate(item["text"], ctx, False),
            size=item.get("size", 0.04),
            font=item.get("font", "header"),
            colour=item.get("colour", "accent"),
            align=item.get("align", "left"),
        )
    portrait = None
    if template.portrait:
        face, is_photo = art.portrait(64 * 3, 64 * 4, rng)
        portrait = "photo" if is_photo else "drawn"
        boxes["Portrait"] = canvas.paste(face, template.portrait)
        if template.ghost_portrait:
            grey = cv2.cvtColor(cv2.cvtColor(face, cv2.COLOR_BGR2GRAY), cv2.COLOR_GRAY2BGR)
            canvas.paste(grey, template.ghost_portrait, alpha=0.28)
    for spec in template.fields:
        draw_field(canvas, spec, ctx, person, boxes, truth)
    if template.signature:
        boxes["Signature"] = canvas.ink(art.signature(300, 80, rng), template.signature)
    mrz = None
    if template.mrz:
        mrz = mrz_lines(template, person, ctx)
        if bad_check:
            mrz = corrupt_check_digit(template.mrz["format"], mrz, rng)
        boxes["MRZ Strings"] = draw_mrz(canvas, mrz, rng)
        truth.update(mrz_truth(template))
    if licence is not None:
        payload = encode(person, licence.card)
        boxes["Bar Code"] = draw_barcode(canvas, template.barcode["box"], payload)
        for name, value in barcode_truth(person, licence.card).items():
            truth.setdefault(name, value)
    return RenderedDocument(
        canvas.pixels(),
        boxes,
        truth,
        mrz,
        bad_check,
        portrait,
        document_name=licence.document_name if licence else None,
        barcode=licence.record() if licence else None,
    )


def draw_field(canvas: Canvas, spec, ctx: dict, person: Identity, boxes: dict, truth: dict) -> None:
    x, y = spec.at
    if spec.label:
        label_box = canvas.text(
            (x, y), spec.label, size=canvas.template.label_size, font="label", colour="label"
        )
        y = label_box[3] / canvas.height + 0.008
    printed = evaluate(spec.value, ctx, canvas.template.upper)
    boxes[spec.name] = canvas.text(
        (x, y),
        printed,
        size=spec.size or canvas.template.text_size,
        font=spec.font or "value",
        colour="text",
    )
    truth[spec.name] = {
        "original_value": printed,
        "value": truth_value(spec.name, spec.value, printed, ctx, person),
    }


def mrz_lines(template: Template, person: Identity, ctx: dict) -> list[str]:
    m = template.mrz
    values = {
        "document_code": m["document_code"],
        "issuing_state": m.get("issuing_state", template.nationality),
        "surname": person.surname,
        "given_names": person.given_names,
        "document_number": to_mrz_chars(evaluate(m.get("number", "{document_number}"), ctx, True)),
        "nationality": template.nationality,
        "birth_date": f"{person.birth_date:%y%m%d}",
        "sex": person.sex,
        "expiry_date": f"{person.expiry_date:%y%m%d}",
        "optional_data": to_mrz_chars(evaluate(m.get("optional_data", ""), ctx, True)),
        "optional_data_2": to_mrz_chars(evaluate(m.get("optional_data_2", ""), ctx, True)),
    }
    return compose(m["format"], values)


def corrupt_check_digit(format_name: str, lines: list[str], rng: np.random.Generator):
    fmt = get_format(format_name)
    spots = [(f.line, f.check) for f in fmt.fields if f.check is not None]
    if fmt.composite:
        spots.append(fmt.composite.at)
    line, pos = spots[int(rng.integers(len(spots)))]
    chars = list(lines[line])
    old = chars[pos] if chars[pos].isdigit() else "0"
    chars[pos] = str((int(old) + int(rng.integers(1, 10))) % 10)
    return [*lines[:line], "".join(chars), *lines[line + 1 :]]


def mrz_truth(template: Template) -> dict[str, dict[str, str]]:
    """The codes the MRZ holds (France's 1988 format holds no nationality)."""
    code = template.mrz["document_code"]
    issuer = template.mrz.get("issuing_state", template.nationality)
    truth = {
        "Document Class Code": {"original_value": code, "value": code.rstrip("<")},
        "Issuing State Code": {"original_value": issuer, "value": issuer},
    }
    if get_format(template.mrz["format"]).field("nationality") is not None:
        nationality = template.nationality
        truth["Nationality Code"] = {"original_value": nationality, "value": nationality}
    return truth


def draw_mrz(canvas: Canvas, lines: list[str], rng: np.random.Generator) -> list[int]:
    face_path = fonts.choose("ocrb", rng)
    length = len(lines[0])
    target = 0.92 * canvas.width
    probe = fonts.load(face_path, 40)
    size = int(40 * target / canvas.draw.textlength("<" * length, font=probe))
    face = fonts.load(face_path, size)
    line_gap = size * 1.35
    x = (canvas.width - canvas.draw.textlength(lines[0], font=face)) / 2
    y = canvas.height * 0.955 - line_gap * len(lines)
    box = [canvas.width, canvas.height, 0, 0]
    for i, line in enumerate(lines):
        pos = (x + rng.uniform(-2, 2), y + i * line_gap)
        canvas.draw.text(pos, line, font=face, fill=(20, 20, 20))
        b = canvas.draw.textbbox(pos, line, font=face)
        box = [min(box[0], b[0]), min(box[1], b[1]), max(box[2], b[2]), max(box[3], b[3])]
    return [round(v) for v in box]


def barcode_truth(person: Identity, card: Card = DEFAULT_CARD) -> dict[str, dict[str, str]]:
    """Fields an AAMVA barcode carries, as encoded and as the reader normalises them."""
    return aamva_truth(person, card)


def draw_barcode(canvas: Canvas, rel_box, payload: str) -> list[int]:
    code = zxingcpp.create_barcode(payload, zxingcpp.BarcodeFormat.PDF417)
    symbol = np.asarray(code.to_image(scale=3))
    bgr = cv2.cvtColor(symbol, cv2.COLOR_GRAY2BGR)
    x0, y0, x1, y1 = canvas.box(rel_box)
    # Fit the box, keeping the symbol's aspect (a long payload makes a taller symbol).
    scale = min((x1 - x0) / symbol.shape[1], (y1 - y0) / symbol.shape[0])
    w, h = round(symbol.shape[1] * scale), round(symbol.shape[0] * scale)
    bgr = cv2.resize(bgr, (w, h), interpolation=cv2.INTER_NEAREST)
    canvas.image.paste(Image.fromarray(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)), (x0, y0))
    return [x0, y0, x0 + w, y0 + h]
