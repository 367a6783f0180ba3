"""Aggregate per-image scores: overall, by kind, by defect (and strength bucket), per field/flag."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable

from idreader.bench.evaluate import DEFECT_FLAGS, FLAGS, ImageScore
from idreader.bench.metrics import flag_counts, mean, percentile, rate, strength_bucket
from idreader.fields.normalise import NAME_FIELDS, date_kind, number_field

CLEAN = "(none)"  # the group of images without any recorded defect


FIELD_GROUPS = ("names", "dates", "numbers")


def _known(values: Iterable[object]) -> list:
    return [v for v in values if v is not None]


def summarise(scores: list[ImageScore]) -> dict:
    """The headline metrics of a group of images."""
    mrz = [s for s in scores if s.mrz_exact is not None]
    names = _known(s.document_name_ok for s in scores)
    descriptions = _known(s.document_description_ok for s in scores)
    field_pairs = [pair for s in scores for pair in s.fields.values()]
    ious = _known(s.iou for s in scores)
    seconds = _known(s.seconds for s in scores)
    return {
        "images": len(scores),
        "failures": sum(s.failed for s in scores),
        "mrz": {
            "images": len(mrz),
            "exact": rate(sum(bool(s.mrz_exact) for s in mrz), len(mrz)),
            "char_accuracy": mean(s.mrz_char_accuracy for s in mrz),
            "found": rate(sum(bool(s.mrz_found) for s in mrz), len(mrz)),
            "false_valid": sum(bool(s.mrz_false_valid) for s in mrz),
        },
        "document_type": {
            "images": len(names),
            "name_accuracy": rate(sum(names), len(names)),
            "description_accuracy": rate(sum(descriptions), len(descriptions)),
        },
        "fields": {
            "truth": len(field_pairs),
            "returned": rate(sum(r for r, _ in field_pairs), len(field_pairs)),
            "exact": rate(sum(e for _, e in field_pairs), len(field_pairs)),
            **{group: group_exact(scores, group) for group in FIELD_GROUPS},
        },
        "barcode": barcode_summary(scores),
        "corners": {
            "images": len(ious),
            "iou_median": percentile(ious, 50),
            "iou_mean": mean(ious),
        },
        "latency_s": {"p50": percentile(seconds, 50), "mean": mean(seconds)},
    }


def barcode_summary(scores: list[ImageScore]) -> dict:
    """Of the images carrying a barcode: the share read, and the fields' exact-match rate on
    those where it was read."""
    carrying = [s for s in scores if s.barcode_read is not None]
    read = [s for s in carrying if s.barcode_read]
    pairs = [exact for s in read for _, exact in s.fields.values()]
    return {
        "images": len(carrying),
        "decoded": rate(len(read), len(carrying)),
        "fields": len(pairs),
        "fields_exact_when_decoded": rate(sum(pairs), len(pairs)),
    }


def field_group(name: str) -> str | None:
    """names, dates or numbers: the fields the issue's accuracy target counts."""
    if name in NAME_FIELDS:
        return "names"
    if date_kind(name) is not None:
        return "dates"
    if number_field(name):
        return "numbers"
    return None


def group_exact(scores: list[ImageScore], group: str) -> float | None:
    exact = [e for s in scores for n, (_, e) in s.fields.items() if field_group(n) == group]
    return rate(sum(exact), len(exact)) if exact else None


def expected_flag_recall(scores: list[ImageScore], defect: str) -> dict[str, float | None]:
    """For images carrying ``defect``: the share on which each flag it should raise was raised."""
    return {
        flag: rate(sum(s.flags[flag][1] == 0 for s in scores), len(scores))
        for flag in DEFECT_FLAGS.get(defect, ())
    }


def group_by(scores: list[ImageScore], keys: Callable[[ImageScore], Iterable[str]]) -> dict:
    groups: dict[str, list[ImageScore]] = defaultdict(list)
    for s in scores:
        for key in set(keys(s)):
            groups[key].append(s)
    return dict(sorted(groups.items()))


def by_defect(scores: list[ImageScore]) -> dict:
    out = {}
    for defect, group in group_by(scores, lambda s: [d.name for d in s.sample.defects]).items():
        out[defect] = summarise(group) | {"flag_recall": expected_flag_recall(group, defect)}
    clean = [s for s in scores if not s.sample.defects]
    if clean and len(out):
        out[CLEAN] = summarise(clean)
    return out


def by_defect_strength(scores: list[ImageScore]) -> dict:
    out: dict[str, dict] = {}
    for s in scores:
        for d in s.sample.defects:
            out.setdefault(d.name, {}).setdefault(strength_bucket(d.strength), []).append(s)
    return {
        name: {
            bucket: summarise(group) | {"flag_recall": expected_flag_recall(group, name)}
            for bucket, group in sorted(buckets.items())
        }
        for name, buckets in sorted(out.items())
    }


def per_field(scores: list[ImageScore]) -> dict:
    totals: dict[str, Counter] = defaultdict(Counter)
    for s in scores:
        for name, (returned, exact) in s.fields.items():
            totals[name].update(truth=1, returned=returned, exact=exact)
    return {
        name: {
            "truth": c["truth"],
            "returned": c["returned"],
            "exact": c["exact"],
            "exact_rate": rate(c["exact"], c["truth"]),
        }
        for name, c in sorted(totals.items())
    }


def per_flag(scores: list[ImageScore]) -> dict:
    return {flag: flag_counts(s.flags[flag] for s in scores).as_dict() for flag in FLAGS}


def flags_by_tag(scores: list[ImageScore]) -> dict:
    """How often each flag was raised on images of each tag (real sets carry tags)."""
    out = {}
    for tag, group in group_by(scores, lambda s: s.sample.tags).items():
        raised = {flag: sum(s.flags[flag][1] == 0 for s in group) for flag in FLAGS}
        out[tag] = {"images": len(group), "raised": raised}
    return out


def speed(
    scores: list[ImageScore],
    wall_s: float,
    workers: int,
    peak_rss_mb: float,
    cpu_seconds: list[float],
    stages: list[dict[str, float]] | None = None,
    without_options: list[float] | None = None,
) -> dict:
    """Latency, throughput per core (1 / mean latency with one worker, else images / wall /
    workers) and CPU time per image, which stays per core when the reader runs threads."""
    seconds = _known(s.seconds for s in scores)
    mean_s, cpu_mean_s = mean(seconds), mean(cpu_seconds)
    if workers == 1:
        per_core = 1 / mean_s if mean_s else None
    else:
        per_core = len(scores) / wall_s / workers if wall_s > 0 else None
    return {
        "images": len(scores),
        "workers": workers,
        "wall_s": wall_s,
        "p50_s": percentile(seconds, 50),
        "p95_s": percentile(seconds, 95),
        # the target: every stage but the options (quality, forgery, images)
        "p50_no_options_s": percentile(without_options or [], 50),
        "mean_s": mean_s,
        "images_per_s_per_core": per_core,
        "cpu_mean_s": cpu_mean_s,
        "images_per_cpu_s": 1 / cpu_mean_s if cpu_mean_s else None,
        "peak_rss_mb": peak_rss_mb,
        # p50 of each pipeline stage (an image that skips a stage counts 0 for it)
        "stage_p50_s": {
            name: percentile([run.get(name, 0.0) for run in stages], 50)
            for name in dict.fromkeys(k for run in stages or [] for k in run)
        },
    }


def failures(errors: Iterable[str]) -> dict[str, int]:
    return dict(Counter(errors).most_common())
