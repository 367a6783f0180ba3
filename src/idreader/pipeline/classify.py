"""Name the document. Catalogue entries that fit the MRZ (format, document code, issuing
state) are ranked by their printed keywords and labels found, fuzzily, in the visual zone's
text, and by the national numbers read that point at their country; the client's country
otherwise only breaks ties. An MRZ that no specific entry explains is named by a generic
ICAO entry: ``Country - Passport``, ``Country - Id Card``, ``Country - Visa``."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, cached_property

from rapidfuzz.distance import Levenshtein

from idreader.barcode.aamva import AamvaRecord, document_description, document_name
from idreader.catalogue import DocumentSpec, catalogue
from idreader.countries import alpha3_to_alpha2, icao_code
from idreader.fields.national_ids import compact, identifying_scheme, may_identify
from idreader.fields.normalise import ALL_LOOKALIKES, repair_lookalikes
from idreader.mrz.read import MrzResult
from idreader.mrz.sketch import best_head_match, cut_states, mrz_like_lines
from idreader.pipeline.locate.shape import FORMAT_ASPECTS

MIN_TEXT_EVIDENCE = 8.0  # weighted keyword characters that name a document without an MRZ
MIN_MRZ_EVIDENCE = 3.0  # the same among the entries of the MRZ's issuing state
LABEL_WEIGHT = 0.5  # field labels are weaker evidence than header keywords
MIN_MATCH = 0.75  # share of a word (or of a phrase's characters) that must be read right
RUN_ON_MATCH = 0.8  # the same for a phrase found inside a longer run of letters: more luck
CUT_SHARE = 0.5  # a phrase cut by the page's edge: the share of it a line must read as its
CUT_CHARS = 12  # start or end (this many letters at least, read as right as a run-on phrase)
MIN_LABEL_EVIDENCE = 12.0  # without any header keyword (a cut page), labels alone name a
LABEL_MARGIN = 2.0  # document only when they point at it this many times more than any other
HINT_BONUS = 0.5  # the client's country breaks ties, never more
SIDE_BONUS = 1.0  # prefer entries whose MRZ presence matches the image's
SIZE_BONUS = 1.5  # and, more, those of the page's size (a cut page may seem another size)
EVIDENCE_HALF = 15.0  # evidence that gives a text score of 0.5
GENERIC_SHARE = 0.75  # a generic name is less sure than a specific one
SIZE_TOLERANCE = 0.06  # a rectified page's aspect is off by a few per cent at most
FOLD = str.maketrans({"ß": "SS", "ẞ": "SS", "Đ": "D", "đ": "D", "Ø": "O", "ø": "O", "Ł": "L"})
DIGIT_LOOKALIKES = str.maketrans("0158", "OISB")  # keywords are words: read OCR digits so
# a national number that points at its country (check digits, or a structure of the country
# the client named), shared among the documents that print it: as much as a header
NUMBER_EVIDENCE = MIN_TEXT_EVIDENCE
MIN_NUMBER_CHARS, MAX_NUMBER_CHARS = 8, 18  # CURP's 18 the longest
# evidence of an unreadable MRZ line starting with the entry's code and state, by mismatches
HEAD_EVIDENCE = {0: MIN_TEXT_EVIDENCE, 1: MIN_TEXT_EVIDENCE / 2}


@dataclass(frozen=True)
class Classification:
    spec: DocumentSpec | None  # None: unknown
    document_name: str  # "" when unknown
    description: str  # "" when unknown
    score: float  # 0..1


UNKNOWN = Classification(None, "", "", 0.0)


@dataclass(frozen=True)
class Phrase:
    words: tuple[str, ...]
    weight: float  # its characters, shared among the documents that print it


def words_of(text: str) -> tuple[str, ...]:
    """Upper-case words without accents, OCR digits that look like letters read as letters."""
    text = unicodedata.normalize("NFKD", text.translate(FOLD))
    text = "".join(c for c in text if not unicodedata.combining(c)).upper()
    return tuple(re.findall(r"[^\W_]+", text.translate(DIGIT_LOOKALIKES)))


@cache
def phrases() -> dict[str, tuple[tuple[Phrase, ...], tuple[Phrase, ...]]]:
    """Entry id -> (keywords, labels) as phrases; a phrase printed on several documents (by
    name) weighs less on each. One-letter words are dropped."""
    specs = [s for s in catalogue() if not s.generic]

    def long_words(text: str) -> tuple[str, ...]:  # "DRIVER'S LICENSE" is "DRIVER LICENSE"
        return tuple(w for w in words_of(text) if len(w) > 1)

    texts = {
        s.id: (
            dict.fromkeys(long_words(k) for k in s.keywords),
            dict.fromkeys(long_words(label) for f in s.fields for label in f.labels),
        )
        for s in specs
    }
    owners: dict[tuple[str, ...], set[str]] = {}
    for s in specs:
        for words in (*texts[s.id][0], *texts[s.id][1]):
            owners.setdefault(words, set()).add(s.document_name())

    def weigh(group: dict[tuple[str, ...], None]) -> tuple[Phrase, ...]:
        return tuple(Phrase(ws, sum(map(len, ws)) / len(owners[ws])) for ws in group if ws)

    return {s.id: (weigh(texts[s.id][0]), weigh(texts[s.id][1])) for s in specs}


@cache
def known_phrases() -> frozenset[tuple[str, ...]]:
    return frozenset(p.words for pair in phrases().values() for g in pair for p in g)


@cache
def other_phrase_cuts(words: tuple[str, ...]) -> tuple[frozenset[int], frozenset[int]]:
    """Letters in the starts and the ends of a phrase that are whole words making another
    catalogue phrase: read alone, they are that phrase, not this one cut."""
    splits = [(words[:k], words[k:]) for k in range(1, len(words))]
    starts = frozenset(sum(map(len, head)) for head, _ in splits if head in known_phrases())
    ends = frozenset(sum(map(len, tail)) for _, tail in splits if tail in known_phrases())
    return starts, ends


@cache
def known_words() -> frozenset[str]:
    return frozenset(w for words in known_phrases() for w in words)


def edits(a: str, b: str, budget: int, within: bool = False) -> int:
    """Levenshtein distance of a and b (``within``: of a and the closest substring of b), or
    budget + 1 when it exceeds budget."""
    if not within:
        return Levenshtein.distance(a, b, score_cutoff=budget)
    previous = [0] * (len(b) + 1)  # a may start anywhere in b
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > budget:
            return budget + 1
        previous = current
    return min(previous)


def bigrams(word: str) -> set[str]:
    return {word[i : i + 2] for i in range(len(word) - 1)}


class Text:
    """The document's text lines, for fuzzy look-ups of words and phrases."""

    def __init__(self, lines: Sequence[str]) -> None:
        per_line = [words_of(line) for line in lines]
        words = [w for line in per_line for w in line]
        self.vocabulary = set(words)
        # a word read exactly as a catalogue word is that word, not a misread of another
        self.unknown = self.vocabulary - known_words()
        self.run_together = "".join(words)  # for phrases read without their spaces
        self.lines = ["".join(line) for line in per_line]
        self.mrz_lines = mrz_like_lines(lines)  # an MRZ read as text: too blurred to read
        self.cut_states = cut_states(self.mrz_lines)  # ... or cut by the photo's edge
        pieces = {piece.strip().upper() for line in lines for piece in (line, *line.split())}
        self.compacted = {piece: compact(piece) for piece in pieces}
        self.numbers = {  # national numbers as printed (a line, or a piece of one) -> compact
            printed: number
            for printed, number in self.compacted.items()
            if len(number) >= MIN_NUMBER_CHARS and may_identify(number)
        }
        self.long_lines = [line for line in self.lines if len(line) >= CUT_CHARS]
        self.index: dict[str, set[str]] = {}  # bigram -> words read that contain it
        for word in self.unknown:
            for pair in bigrams(word):
                self.index.setdefault(pair, set()).add(word)
        self.seen: dict[tuple[str, ...], float] = {}

    @cached_property
    def repaired(self) -> dict[str, str]:
        """National numbers one lookalike away from one read (a check letter Q read as 0):
        as printed -> repaired; asked for only with the client's country."""
        return {
            printed: repaired
            for printed, number in self.compacted.items()
            if MIN_NUMBER_CHARS <= len(number) <= MAX_NUMBER_CHARS and printed not in self.numbers
            and (repaired := repair_lookalikes(number, may_identify, ALL_LOOKALIKES, most=1))
        }  # fmt: skip

    def near(self, word: str, budget: int) -> list[str]:
        """Words read that may lie within ``budget`` edits: an edit breaks at most two of
        the word's letter pairs."""
        pairs = bigrams(word)
        shared: dict[str, int] = {}
        for pair in pairs:
            for other in self.index.get(pair, ()):
                shared[other] = shared.get(other, 0) + 1
        need = max(1, len(pairs) - 2 * budget)
        return [w for w, n in shared.items() if n >= need and abs(len(w) - len(word)) <= budget]

    def word(self, word: str) -> float:
        """Similarity of the closest word read (0 below MIN_MATCH; short words: exact)."""
        if word in self.vocabulary:
            return 1.0
        budget = int(len(word) * (1 - MIN_MATCH))
        if not budget:
            return 0.0
        best = min((edits(word, v, budget) for v in self.near(word, budget)), default=budget + 1)
        return 1 - best / len(word) if best <= budget else 0.0

    def phrase(self, phrase: Phrase) -> float:
        """Share of the phrase's characters read (0 below MIN_MATCH, unless a line reads as
        its start or end: cut by the page's edge)."""
        words = phrase.words
        if words not in self.seen:
            size = sum(map(len, words))
            found = sum(len(w) * self.word(w) for w in words) / size
            if found < MIN_MATCH and len(words) > 1:
                joined = "".join(words)
                run_on = self.run_on(joined)
                found = run_on if run_on >= RUN_ON_MATCH else self.cut_off(words)
            elif found < MIN_MATCH:
                found = 0.0
            self.seen[words] = found
        return self.seen[words]

    def cut_off(self, words: tuple[str, ...]) -> float:
        """Share of a phrase's characters read right in a line that reads as its start or
        its end alone (CUT_SHARE of it at least): the rest lay beyond the page's edge. Whole
        words that are another catalogue phrase ("IDENTITY CARD" of "TEMPORARY IDENTITY
        CARD") are that phrase, printed alone, not a cut one."""
        joined = "".join(words)
        other_starts, other_ends = other_phrase_cuts(words)
        best = 0.0
        for line in self.long_lines:
            n = len(line)
            if n < max(CUT_CHARS, CUT_SHARE * len(joined)) or n >= len(joined):
                continue
            budget = int(n * (1 - RUN_ON_MATCH))
            for part, others in ((joined[:n], other_starts), (joined[-n:], other_ends)):
                if n in others:
                    continue
                if line[0] == part[0] or line[-1] == part[-1]:
                    slips = edits(line, part, budget)
                    if slips <= budget:
                        best = max(best, (n - slips) / len(joined))
        return best

    def run_on(self, joined: str) -> float:
        """Share of a phrase's characters read right in a line that runs its words together
        ("BUNDESREPUBLIKDEUTSCHUAND"); lines sharing too few letter pairs are skipped."""
        if joined in self.run_together:
            return 1.0
        budget = int(len(joined) * (1 - RUN_ON_MATCH))
        pairs = bigrams(joined)
        best = budget + 1
        for line in self.lines:
            if len(line) + budget >= len(joined) and len(pairs & bigrams(line)) >= len(pairs) / 2:
                best = min(best, edits(joined, line, budget, within=True))
        return 1 - best / len(joined) if best <= budget else 0.0


def evidence(spec: DocumentSpec, text: Text) -> tuple[float, float]:
    """(keyword, label) evidence: weighted characters found; an MRZ line that starts with
    the entry's document code and issuing state, or one cut on its left that shows the
    state (``cut_states``), counts as keywords."""
    keywords, labels = phrases()[spec.id]
    return (
        sum(p.weight * text.phrase(p) for p in keywords) + head_evidence(spec, text),
        sum(p.weight * text.phrase(p) for p in labels),
    )


def head_evidence(spec: DocumentSpec, text: Text) -> float:
    if not text.mrz_lines or spec.mrz is None or spec.country is None:
        return 0.0
    state = icao_code(spec.country)
    if (spec.mrz.format, state) in text.cut_states:
        return MIN_TEXT_EVIDENCE
    misses = min(best_head_match(text.mrz_lines, c, state) for c in spec.mrz.document_codes)
    return HEAD_EVIDENCE.get(misses, 0.0)


def number_evidence(
    candidates: Sequence[DocumentSpec], text: Text, hint: str | None, aspect: float | None
) -> dict[str, float]:
    """Evidence, per document name, from national numbers read that fit the pattern of a
    field the document prints and point at its country (``identifying_scheme``), shared
    among the documents of the page's size that print it; a number read one lookalike away
    counts only in the country the client named."""
    printers: dict[str, set[str]] = {}  # number -> names of the documents that print it
    with_repaired = text.numbers | text.repaired if hint else text.numbers
    for spec in candidates:
        country = spec.country
        if country is None or not size_fits(spec, aspect):
            continue
        read = with_repaired if country == hint else text.numbers
        for pattern in (f.pattern for f in spec.fields if f.pattern):
            for printed, number in read.items():
                if not (re.fullmatch(pattern, printed) or re.fullmatch(pattern, number)):
                    continue
                if identifying_scheme(number, country, country == hint):
                    printers.setdefault(number, set()).add(spec.document_name())
    evidence: dict[str, float] = {}
    for names in printers.values():
        for name in names:
            evidence[name] = min(
                NUMBER_EVIDENCE, evidence.get(name, 0.0) + NUMBER_EVIDENCE / len(names)
            )
    return evidence


def mrz_score(mrz: MrzResult) -> float:
    return 0.6 if mrz.valid else 0.4


def named(spec: DocumentSpec, score: float, alpha2: str | None = None) -> Classification:
    return Classification(spec, spec.document_name(alpha2), spec.description, round(score, 3))


def by_text(
    candidates: Sequence[DocumentSpec],
    text: Text,
    hint: str | None,
    mrz: MrzResult | None,
    threshold: float,
    aspect: float | None = None,
) -> Classification | None:
    """The candidate with the most evidence, if its keywords reach ``threshold``; a page
    ``aspect`` (long side / short side, when the page is the document) favours the entries
    of its size."""
    best, best_rank, best_evidence = None, 0.0, 0.0
    has_mrz = mrz is not None or bool(text.mrz_lines)
    numbers = number_evidence(candidates, text, hint, aspect)
    for spec in candidates:
        keywords, labels = evidence(spec, text)
        keywords += numbers.get(spec.document_name(), 0.0)
        if keywords < threshold:
            continue
        found = keywords + LABEL_WEIGHT * labels
        rank = found + HINT_BONUS * (spec.country == hint)
        rank += SIDE_BONUS * ((spec.mrz is not None) == has_mrz)
        rank += SIZE_BONUS * size_fits(spec, aspect)
        if rank > best_rank:
            best, best_rank, best_evidence = spec, rank, found
    if best is None:
        return None
    score = best_evidence / (best_evidence + EVIDENCE_HALF)
    return named(best, 1 - (1 - score) * (1 - mrz_score(mrz)) if mrz else score)


def by_labels(
    candidates: Sequence[DocumentSpec], text: Text, aspect: float | None
) -> Classification | None:
    """The document whose field labels were read far more than any other's, when its
    header was not (cut off, say): labels many documents print weigh little."""
    found: dict[str, tuple[float, DocumentSpec]] = {}
    for spec in candidates:
        if not size_fits(spec, aspect):
            continue
        labels = evidence(spec, text)[1]
        name = spec.document_name()
        if labels > found.get(name, (0.0, spec))[0]:
            found[name] = (labels, spec)
    ranked = sorted(found.values(), key=lambda pair: -pair[0])
    if not ranked or ranked[0][0] < MIN_LABEL_EVIDENCE:
        return None
    best, spec = ranked[0]
    if len(ranked) > 1 and best < LABEL_MARGIN * ranked[1][0]:
        return None
    return named(spec, GENERIC_SHARE * best / (best + EVIDENCE_HALF))


def size_fits(spec: DocumentSpec, aspect: float | None) -> bool:
    """Whether a page of this aspect can be the entry's size (ID-1 is longer than ID-2/ID-3,
    which share one shape)."""
    if aspect is None or spec.size is None:
        return True
    return abs(aspect / FORMAT_ASPECTS[spec.size] - 1) <= SIZE_TOLERANCE


def mrz_kind(mrz: MrzResult) -> tuple[str, str | None, list[DocumentSpec]]:
    """(document code, issuing state's alpha-2, catalogue entries the MRZ fits)."""
    code = mrz.parsed.fields.get("document_code", "")
    state = alpha3_to_alpha2(mrz.parsed.fields.get("issuing_state", "").rstrip("<"))
    fits = [s for s in catalogue() if s.mrz and s.mrz.code_match(mrz.format, code)]
    return code, state, fits


def generic(mrz: MrzResult) -> Classification:
    """The generic ICAO entry for the MRZ (the longest fitting document code wins)."""
    code, state, fits = mrz_kind(mrz)
    options = [s for s in fits if s.generic]
    if not options or state is None:
        return UNKNOWN
    spec = max(options, key=lambda s: s.mrz.code_match(mrz.format, code) if s.mrz else 0)
    return named(spec, GENERIC_SHARE * mrz_score(mrz), state)


def classify(
    mrz: MrzResult | None,
    texts: Sequence[str],
    country: str | None = None,
    aspect: float | None = None,
) -> Classification:
    """Name the document from its MRZ and the text lines of its visual zone; ``country`` is
    the alpha-2 the client named (a hint); ``aspect`` the page's long side over its short
    side when the page is the document."""
    text, hint = Text(texts), country.upper() if country else None
    if mrz is None:
        candidates = [s for s in catalogue() if not s.generic]
        found = by_text(candidates, text, hint, None, MIN_TEXT_EVIDENCE, aspect)
        return found or by_labels(candidates, text, aspect) or UNKNOWN
    _, state, fits = mrz_kind(mrz)
    specific = [s for s in fits if not s.generic and state in (None, s.country)]
    threshold = MIN_MRZ_EVIDENCE if state else MIN_TEXT_EVIDENCE
    found = by_text(specific, text, hint, mrz, threshold, aspect)
    if found:
        return found
    own = {s.document_name(): s for s in specific}
    if state and len(own) == 1:  # the only document of its state with this kind of MRZ
        return named(next(iter(own.values())), mrz_score(mrz))
    return generic(mrz)


def name_from_mrz(mrz: MrzResult | None) -> tuple[str, str]:
    """(document_name, document_description) from the MRZ alone, by the generic entries;
    empty strings when unknown."""
    if mrz is None:
        return "", ""
    found = generic(mrz)
    return found.document_name, found.description


def by_barcode(record: AamvaRecord, named_by_text: Classification) -> Classification:
    """A document named by its AAMVA barcode's issuer and document type: the text's choice
    when it is of that issuer, else the issuer's catalogue entry (its back, which carries
    the barcode, first), else ``Country - State Driving License``; an issuer not on the
    list leaves the text's choice."""
    spec = named_by_text.spec
    if spec is not None and spec.aamva_iin == record.iin:
        return named_by_text
    kind = record.document_type or "DL"
    description = document_description(kind)
    own = [s for s in catalogue() if s.aamva_iin == record.iin and s.description == description]
    if own:
        return named(max(own, key=lambda s: s.side == "back"), 1.0)
    if record.jurisdiction is None:
        return named_by_text
    return Classification(None, document_name(record.jurisdiction, kind), description, 1.0)
