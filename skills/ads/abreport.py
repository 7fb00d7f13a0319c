"""The A/B report: CTR per variant with credible intervals, the chance each one is best, and a plot.

    report = experiment_report(store, experiment_id)
    [(v["variant_id"], v["ctr"], v["ci_low"], v["ci_high"]) for v in report["variants"]]
    write_report_files(report, Path("reports/exp-1"))   # report.json, report.csv, report.png
"""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from skills.ads.abstore import ABStore
from skills.ads.bandit import posterior, probability_best

CSV_COLUMNS = ("variant_id", "angle", "impressions", "clicks", "ctr", "ci_low", "ci_high", "prob_best", "copy")


def experiment_report(store: ABStore, experiment_id: str) -> dict | None:
    experiment = store.get(experiment_id)
    if experiment is None:
        return None
    counts = store.counts(experiment_id)
    best = probability_best(counts)
    rows = []
    for variant in experiment.variants:
        shown, clicked = counts.get(variant["variant_id"], (0, 0))
        post = posterior(shown, clicked)
        rows.append({"variant_id": variant["variant_id"], "angle": variant["angle"], "fields": variant["fields"],
                     "impressions": shown, "clicks": clicked, "ctr": round(post.ctr, 5),
                     "posterior_mean": round(post.mean, 5), "ci_low": round(post.low, 5),
                     "ci_high": round(post.high, 5), "prob_best": round(best[variant["variant_id"]], 4)})
    leader = max(rows, key=lambda r: r["prob_best"])
    return {"experiment_id": experiment.id, "product_id": experiment.product_id, "placement": experiment.placement,
            "segment": experiment.segment, "status": experiment.status, "credible_level": 0.95,
            "impressions": sum(r["impressions"] for r in rows), "clicks": sum(r["clicks"] for r in rows),
            "leader": leader["variant_id"], "variants": rows}


def report_csv(report: dict) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, CSV_COLUMNS)
    writer.writeheader()
    for row in report["variants"]:
        copy = " | ".join(f"{k}: {v}" for k, v in row["fields"].items())
        writer.writerow({**{k: row.get(k) for k in CSV_COLUMNS}, "copy": copy})
    return out.getvalue()


def report_png(report: dict) -> bytes:
    """CTR per variant as points with their 95% credible intervals, labelled with the chance of being best."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    rows = report["variants"]
    figure = Figure(figsize=(7.5, 1.2 + 0.7 * len(rows)), dpi=110)
    axes = figure.subplots()
    y = list(range(len(rows)))[::-1]
    means = [r["ctr"] * 100 for r in rows]
    low = [max(r["ctr"] - r["ci_low"], 0) * 100 for r in rows]
    high = [max(r["ci_high"] - r["ctr"], 0) * 100 for r in rows]
    colours = ["#2f7d4f" if r["variant_id"] == report["leader"] else "#4a6fa5" for r in rows]
    axes.errorbar(means, y, xerr=[low, high], fmt="none", ecolor="#888888", capsize=4)
    axes.scatter(means, y, c=colours, zorder=3)
    axes.set_yticks(y, [f"{r['variant_id']}\n{r['impressions']} shown, {r['clicks']} clicks" for r in rows],
                    fontsize=8)
    for yi, r in zip(y, rows):
        axes.annotate(f"P(best) {r['prob_best']:.0%}", (r["ci_high"] * 100, yi), xytext=(6, 0),
                      textcoords="offset points", va="center", fontsize=8)
    axes.set_xlabel("click-through rate (%), with 95% credible interval")
    axes.set_title(f"A/B test {report['experiment_id']} · {report['placement']} · product {report['product_id']}",
                   fontsize=9)
    axes.set_xlim(left=0, right=max([r["ci_high"] * 100 for r in rows] + [1]) * 1.35)
    axes.grid(axis="x", alpha=0.3)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def write_report_files(report: dict, folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / "report.json", folder / "report.csv", folder / "report.png"]
    paths[0].write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    paths[1].write_text(report_csv(report), encoding="utf-8")
    paths[2].write_bytes(report_png(report))
    return paths
