"""Render a bench run: Markdown and JSON files, and a short rich table on the terminal."""

from __future__ import annotations

import json
from pathlib import Path

from rich.console import Console
from rich.table import Table

from idreader.bench.evaluate import DEFECT_FLAGS, FLAGS

DASH = "-"


def pct(x: float | None) -> str:
    return DASH if x is None else f"{100 * x:.1f} %"


def num(x: float | None, digits: int = 3) -> str:
    return DASH if x is None else f"{x:.{digits}f}"


def ms(x: float | None) -> str:
    return DASH if x is None else f"{1000 * x:.0f}"


def table(header: list[str], rows: list[list[str]], drop_empty: int | None = None) -> list[str]:
    """A Markdown table; with ``drop_empty=k``, columns after the k-th that are all dashes go."""
    if drop_empty is not None and rows:
        keep = [i for i in range(len(header)) if i < drop_empty or any(r[i] != DASH for r in rows)]
        header, rows = [header[i] for i in keep], [[r[i] for i in keep] for r in rows]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return [*lines, ""]


SUMMARY_HEADER = [
    "images",
    "failures",
    "MRZ images",
    "MRZ exact",
    "MRZ char acc",
    "MRZ found",
    "MRZ false valid",
    "doc name acc",
    "doc desc acc",
    "fields returned",
    "fields exact",
    "names exact",
    "dates exact",
    "numbers exact",
    "barcodes read",
    "barcode fields exact",
    "corner IoU median",
    "corner IoU mean",
    "p50 ms",
]


def summary_cells(s: dict) -> list[str]:
    m, d, f, c = s["mrz"], s["document_type"], s["fields"], s["corners"]
    return [
        str(s["images"]),
        str(s["failures"]),
        str(m["images"]),
        pct(m["exact"]),
        pct(m["char_accuracy"]),
        pct(m["found"]),
        str(m["false_valid"]) if m["images"] else DASH,
        pct(d["name_accuracy"]),
        pct(d["description_accuracy"]),
        pct(f["returned"]),
        pct(f["exact"]),
        pct(f.get("names")),
        pct(f.get("dates")),
        pct(f.get("numbers")),
        pct(s["barcode"]["decoded"]),
        pct(s["barcode"]["fields_exact_when_decoded"]),
        num(c["iou_median"]),
        num(c["iou_mean"]),
        ms(s["latency_s"]["p50"]),
    ]


def flag_recall_cell(recall: dict) -> str:
    return ", ".join(f"{flag} {pct(r)}" for flag, r in recall.items()) or "(no flag expected)"


def dataset_section(ds: dict) -> list[str]:
    out = [
        f"## {ds['name']} ({ds['type']}, {ds['images']} images)",
        "",
        f"Source: `{ds['source']}`",
        "",
    ]
    out += ["### Overall", "", *table(SUMMARY_HEADER, [summary_cells(ds["overall"])], 2)]
    rows = [[kind, *summary_cells(s)] for kind, s in ds["by_kind"].items()]
    out += ["### By document kind", "", *table(["kind", *SUMMARY_HEADER], rows, 3)]
    if ds["by_defect"]:
        rows = [
            [name, *summary_cells(s), flag_recall_cell(s.get("flag_recall", {}))]
            for name, s in ds["by_defect"].items()
        ]
        header = ["defect", *SUMMARY_HEADER, "expected flags raised"]
        out += ["### By defect", "", *table(header, rows, 3)]
        rows = [
            [
                name,
                bucket,
                str(s["images"]),
                pct(s["mrz"]["exact"]),
                pct(s["mrz"]["char_accuracy"]),
                pct(s["document_type"]["name_accuracy"]),
                num(s["corners"]["iou_median"]),
                flag_recall_cell(s["flag_recall"]),
            ]
            for name, buckets in ds["by_defect_strength"].items()
            for bucket, s in buckets.items()
        ]
        header = ["defect", "strength", "images", "MRZ exact", "MRZ char acc", "doc name acc"]
        header += ["corner IoU median", "expected flags raised"]
        out += ["### By defect and strength", "", *table(header, rows, 3)]
    if ds["fields"]:
        rows = [
            [name, str(f["truth"]), str(f["returned"]), str(f["exact"]), pct(f["exact_rate"])]
            for name, f in ds["fields"].items()
        ]
        out += ["### Fields", "", *table(["field", "truth", "returned", "exact", "exact %"], rows)]
    out += flags_section(ds)
    out += speed_section(ds)
    out += peer_section(ds)
    if ds["failures"]:
        out += ["### Failures", "", *[f"- {n} x `{err}`" for err, n in ds["failures"].items()], ""]
    return out


def flags_section(ds: dict) -> list[str]:
    rows = [
        [
            flag,
            *(str(c[k]) for k in ("tp", "fp", "fn", "tn", "not_done")),
            pct(c["precision"]),
            pct(c["recall"]),
        ]
        for flag, c in ds["flags"].items()
    ]
    header = ["flag", "TP", "FP", "FN", "TN", "not done", "precision", "recall"]
    out = ["### Flags against recorded defects", "", *table(header, rows)]
    if ds["flags_by_tag"]:
        raised = [f for f in FLAGS if any(t["raised"][f] for t in ds["flags_by_tag"].values())]
        rows = [
            [tag, str(t["images"]), *(str(t["raised"][f]) for f in raised)]
            for tag, t in ds["flags_by_tag"].items()
        ]
        out += ["### Flags raised by tag", "", *table(["tag", "images", *raised], rows)]
        if not raised:
            out += ["No flag was raised on any tagged image.", ""]
    return out


def speed_section(ds: dict) -> list[str]:
    s = ds["speed"]
    row = [
        str(s["images"]),
        str(s["workers"]),
        num(s["wall_s"], 1),
        ms(s["p50_s"]),
        ms(s["p95_s"]),
        ms(s["mean_s"]),
        num(s["images_per_s_per_core"], 2),
        ms(s.get("p50_no_options_s")),
        ms(s["cpu_mean_s"]),
        num(s["images_per_cpu_s"], 2),
        num(s["peak_rss_mb"], 0),
    ]
    header = ["images", "workers", "wall s", "p50 ms", "p95 ms", "mean ms", "images/s/core"]
    header += ["p50 ms without options"]
    header += ["CPU ms/image", "images/CPU s", "peak RSS MB"]
    out = ["### Speed", "", *table(header, [row])]
    stages = s.get("stage_p50_s") or {}
    if stages:
        out += ["p50 by stage (ms): " + ", ".join(f"{k} {ms(v)}" for k, v in stages.items()), ""]
    return out


def peer_section(ds: dict) -> list[str]:
    peer = ds.get("peer")
    if not peer or "status" in peer:
        return ["### Peer comparison", "", (peer or {}).get("status", "not run"), ""]
    ours, theirs = ds["overall"]["mrz"], peer["mrz"]
    info = peer["info"]
    rows = [
        [
            "idreader",
            str(ours["images"]),
            pct(ours["exact"]),
            pct(ours["char_accuracy"]),
            pct(ours["found"]),
            str(ours["false_valid"]),
            ms(ds["speed"]["p50_s"]),
            num(ds["speed"]["images_per_s_per_core"], 2),
            num(ds["speed"]["images_per_cpu_s"], 2),
        ],
        [
            f"PassportEye {info.get('version', '?')}",
            str(theirs["images"]),
            pct(theirs["exact"]),
            pct(theirs["char_accuracy"]),
            pct(theirs["found"]),
            str(theirs["false_valid"]),
            ms(peer["p50_s"]),
            num(peer["images_per_s_per_core"], 2),
            num(peer["images_per_cpu_s"], 2),
        ],
    ]
    header = ["reader", "MRZ images", "exact", "char acc", "found", "false valid", "p50 ms"]
    c = peer["comparison"]
    diff = DASH if c["exact_diff"] is None else f"{100 * c['exact_diff']:+.1f} pp"
    mrz_p50 = (ds["speed"].get("stage_p50_s") or {}).get("mrz")
    mrz_ratio = peer["p50_s"] / mrz_p50 if mrz_p50 and peer.get("p50_s") else None
    return [
        "### Peer comparison (MRZ)",
        "",
        *table([*header, "images/s/core", "images/CPU s"], rows),
        f"Speed ratio (ours / peer): {num(c['speed_ratio'], 2)} per core, "
        f"{num(c['cpu_speed_ratio'], 2)} per CPU second; "
        f"MRZ exact-match ours - peer: {diff}. Our MRZ stage alone: p50 {ms(mrz_p50)}, "
        f"{num(mrz_ratio, 2)}x faster than the peer's p50. Peer errors: {peer['errors']}; "
        f"tesseract: {info.get('tesseract', '?')}.",
        "",
    ]


def render_markdown(report: dict) -> str:
    m = report["machine"]
    lines = [f"# idreader bench: {report['name']} ({report['date']})", ""]
    lines += table(
        [
            "cpu count",
            "python",
            "platform",
            "opencv",
            "idreader commit",
            "workers",
            "limit",
            "peer",
        ],
        [
            [
                str(m["cpu_count"]),
                m["python"],
                m["platform"],
                m["opencv"],
                m["commit"],
                str(report["options"]["workers"]),
                str(report["options"]["limit"] or "all"),
                report["options"]["peer"],
            ]
        ],
    )
    lines += [
        "MRZ exact = all lines equal; char acc = 1 - Levenshtein / length of the joined truth; "
        "false valid = status_info.mrz is 1 but the MRZ differs from the truth. "
        "A check flags when its result is 0; not done (2) counts as not flagged. "
        "Expected flags per defect: "
        + "; ".join(f"{d} → {', '.join(f)}" for d, f in DEFECT_FLAGS.items())
        + "; a drawn (cartoon) portrait, which no face detector should take for a face, → "
        "Portrait. Each worker runs OpenCV on one thread; images/s/core is 1 / mean latency "
        "with one worker (images / wall / workers with more), which overstates a core when the "
        "reader runs threads of its own: images/CPU s divides by CPU time of all threads instead. "
        "The peer runs tesseract on one thread (OMP_THREAD_LIMIT=1).",
        "",
    ]
    for ds in report["datasets"]:
        lines += dataset_section(ds)
    return "\n".join(lines)


def write_reports(report: dict, out_dir: Path) -> tuple[Path, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = out_dir / f"{report['date']}-{report['name']}"
    md, js = stem.with_suffix(".md"), stem.with_suffix(".json")
    md.write_text(render_markdown(report), "utf-8")
    js.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", "utf-8")
    return md, js


def summary_rows(ds: dict) -> dict[str, str]:
    """The few headline figures of one dataset, for the terminal."""
    o, sp, peer = ds["overall"], ds["speed"], ds.get("peer") or {}
    rows = {
        "images (failures)": f"{ds['images']} ({o['failures']})",
        "MRZ exact / char acc": f"{pct(o['mrz']['exact'])} / {pct(o['mrz']['char_accuracy'])}",
        "MRZ false valid": str(o["mrz"]["false_valid"]),
        "doc name acc": pct(o["document_type"]["name_accuracy"]),
        "fields exact": pct(o["fields"]["exact"]),
        "corner IoU median": num(o["corners"]["iou_median"], 2),
        "p50 / p95 ms": f"{ms(sp['p50_s'])} / {ms(sp['p95_s'])}",
        "p50 ms without options": ms(sp.get("p50_no_options_s")),
        "barcodes read / fields exact": f"{pct(o['barcode']['decoded'])} / "
        f"{pct(o['barcode']['fields_exact_when_decoded'])}",
        "images/s/core": num(sp["images_per_s_per_core"], 2),
        "images/CPU s": num(sp["images_per_cpu_s"], 2),
        "peak RSS MB": num(sp["peak_rss_mb"], 0),
    }
    if "mrz" in peer:
        rows["peer MRZ exact"] = pct(peer["mrz"]["exact"])
        rows["peer p50 ms"] = ms(peer["p50_s"])
        rows["speed ratio (ours/peer)"] = num(peer["comparison"]["speed_ratio"], 1)
        rows["CPU speed ratio"] = num(peer["comparison"]["cpu_speed_ratio"], 1)
    else:
        rows["peer"] = peer.get("status", "not run")
    return rows


def print_summary(report: dict, console: Console | None = None) -> None:
    """One column per dataset, one row per headline figure."""
    t = Table(title=f"idreader bench {report['name']}")
    t.add_column("")
    columns = [summary_rows(ds) for ds in report["datasets"]]
    for ds in report["datasets"]:
        t.add_column(ds["name"], overflow="fold")
    for key in dict.fromkeys(k for c in columns for k in c):
        t.add_row(key, *(c.get(key, DASH) for c in columns))
    (console or Console()).print(t)
