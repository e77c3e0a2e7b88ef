#!/usr/bin/env python3
"""Draws the HTML report of an aie4sim sweep from its results.jsonl (one record per point),
with matplotlib (Debian's python3-matplotlib):

  - throughput, p99 latency and fairness between VFs (Jain's index) against each axis that takes
    more than one value (every point a dot, coloured by another axis, the median per value as a
    line);
  - fairness between VFs: Jain's index per point, and each numeric per-VF field of the runs'
    reports (throughput, latency, ...) as a heat map of points by VFs;
  - a table of every point (its axis values, status, metrics) with the failed points' errors.

  sweep-report.py RESULTS.jsonl [--summary sweep.json] --out DIR   ->  DIR/report.html, DIR/plots/
The page embeds its plots, so it can be mailed or archived as one file.
"""
import argparse
import base64
import html
import io
import json
import os
import statistics
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

POINT_METRICS = [("throughput_tops", "throughput (TOPS, all VFs)"),
                 ("latency_p99_us", "p99 latency (us, per command)"),
                 ("fairness_jain", "fairness between VFs (Jain)")]


def label(v):
    if isinstance(v, str):
        return v
    if isinstance(v, dict) and isinstance(v.get("name"), str):
        return v["name"]  # an inline workload mix goes by its name
    return json.dumps(v, separators=(",", ":"))


def load(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def save(fig, out, name, images):
    os.makedirs(os.path.join(out, "plots"), exist_ok=True)
    fig.savefig(os.path.join(out, "plots", name + ".png"), dpi=90, bbox_inches="tight")
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90, bbox_inches="tight")
    plt.close(fig)
    images.append((name, base64.b64encode(buf.getvalue()).decode("ascii")))


def axis_values(records, axis):
    seen = []
    for r in records:
        v = label(r["point"].get(axis))
        if v not in seen:
            seen.append(v)
    return seen


def plot_axis(records, axis, colour_axis, out, images):
    ok = [r for r in records if r["status"] == "ok"]
    values = axis_values(records, axis)
    fig, plots = plt.subplots(1, len(POINT_METRICS), figsize=(4.8 * len(POINT_METRICS), 3.6))
    colours = axis_values(ok, colour_axis) if colour_axis else [None]
    cmap = plt.get_cmap("tab10")
    for ax, (metric, title) in zip(plots, POINT_METRICS):
        for ci, c in enumerate(colours):
            xs, ys = [], []
            for r in ok:
                if colour_axis and label(r["point"].get(colour_axis)) != c:
                    continue
                if metric in r["metrics"]:
                    x = values.index(label(r["point"].get(axis)))
                    xs.append(x + (ci - (len(colours) - 1) / 2) * 0.08)
                    ys.append(r["metrics"][metric])
            ax.scatter(xs, ys, s=18, color=cmap(ci % 10),
                       label=f"{colour_axis}={c}" if colour_axis else None)
        medians = []
        for v in values:
            ys = [r["metrics"][metric] for r in ok
                  if label(r["point"].get(axis)) == v and metric in r["metrics"]]
            medians.append(statistics.median(ys) if ys else float("nan"))
        ax.plot(range(len(values)), medians, color="black", linewidth=1, label="median")
        ax.set_xticks(range(len(values)))
        ax.set_xticklabels(values, rotation=30 if max(map(len, values)) > 8 else 0, ha="right"
                           if max(map(len, values)) > 8 else "center", fontsize=8)
        ax.set_xlabel(axis)
        ax.set_title(title, fontsize=10)
        ax.grid(alpha=0.3)
    plots[0].legend(fontsize=7)
    save(fig, out, "axis-" + axis.replace(".", "_"), images)


def plot_fairness(records, out, images):
    ok = [r for r in records if r["status"] == "ok" and r.get("results")]
    if not ok:
        return
    fig, ax = plt.subplots(figsize=(10, 2.8))
    ax.bar([r["index"] for r in ok], [r["metrics"].get("fairness_jain", 0) for r in ok],
           color="tab:green")
    ax.set_ylim(0, 1.05)
    ax.set_xlabel("point")
    ax.set_ylabel("Jain's index")
    ax.set_title("fairness between VFs (Jain; 1 = every VF the same work per end-to-end time)",
                 fontsize=10)
    ax.grid(alpha=0.3, axis="y")
    save(fig, out, "fairness", images)
    # Every numeric per-VF field, generically: rows are points, columns VFs.
    fields = []
    for r in ok:
        for vf in r["results"].get("results", []):
            for k, v in vf.items():
                if isinstance(v, (int, float)) and not isinstance(v, bool) and k != "vf" \
                        and k not in fields:
                    fields.append(k)
    max_vfs = max(len(r["results"].get("results", [])) for r in ok)
    for field in fields:
        grid = []
        for r in ok:
            row = [float("nan")] * max_vfs
            for i, vf in enumerate(r["results"].get("results", [])):
                v = vf.get(field)
                if isinstance(v, (int, float)) and not isinstance(v, bool):
                    row[i] = v
            grid.append(row)
        fig, ax = plt.subplots(figsize=(min(10, 2 + 0.6 * max_vfs), 1.2 + 0.16 * len(ok)))
        im = ax.imshow(grid, aspect="auto", interpolation="nearest", cmap="viridis")
        ax.set_xticks(range(max_vfs))
        ax.set_xticklabels([f"VF{i + 1}" for i in range(max_vfs)], fontsize=8)
        ax.set_yticks(range(len(ok)))
        ax.set_yticklabels([str(r["index"]) for r in ok], fontsize=6)
        ax.set_ylabel("point")
        ax.set_title(f"per VF: {field}", fontsize=10)
        fig.colorbar(im, ax=ax)
        save(fig, out, "per-vf-" + field, images)


def table(records, axes):
    metrics = ["throughput_tops", "latency_p50_us", "latency_p99_us", "fairness_jain",
               "makespan_us"]
    head = "".join(f"<th>{html.escape(h)}</th>" for h in
                   ["point"] + axes + ["status"] + metrics + ["wall s", "peak RSS MiB"])
    rows = []
    for r in records:
        m = r.get("metrics", {})
        cells = [str(r["index"])] + [label(r["point"].get(a, "")) for a in axes] + [r["status"]]
        cells += [f"{m[k]:.4g}" if k in m else "" for k in metrics]
        cells += [f"{r.get('wall_seconds', 0):.2f}", f"{r.get('peak_rss_kib', 0) / 1024:.1f}"]
        cls = "" if r["status"] == "ok" else " class='failed'"
        rows.append(f"<tr{cls}>" + "".join(f"<td>{html.escape(c)}</td>" for c in cells) + "</tr>")
        if r["status"] != "ok":
            rows.append(f"<tr class='failed'><td></td><td colspan='{len(axes) + len(metrics) + 3}'>"
                        f"<pre>{html.escape(r.get('error', ''))}</pre></td></tr>")
    return f"<table><tr>{head}</tr>{''.join(rows)}</table>"


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("results")
    p.add_argument("--summary")
    p.add_argument("--out", required=True)
    a = p.parse_args()
    records = load(a.results)
    if not records:
        print("sweep-report: no records", file=sys.stderr)
        return 1
    summary = {}
    if a.summary and os.path.exists(a.summary):
        with open(a.summary, encoding="utf-8") as f:
            summary = json.load(f)
    axes = summary.get("axes") or sorted({k for r in records for k in r["point"]})
    varying = [x for x in axes if len(axis_values(records, x)) > 1]
    images = []
    for axis in varying:
        others = sorted((x for x in varying if x != axis), key=lambda x: len(axis_values(records, x)))
        plot_axis(records, axis, others[0] if others else None, a.out, images)
    plot_fairness(records, a.out, images)
    ok = sum(r["status"] == "ok" for r in records)
    title = f"aie4sim sweep {summary.get('name') or ''}".strip()
    body = [f"<h1>{html.escape(title)}</h1>",
            f"<p>{ok} of {len(records)} points ok, {len(records) - ok} failed; engine "
            f"{html.escape(str(summary.get('engine', '?')))}; manifest "
            f"{html.escape(str(summary.get('manifest', '?')))}; version "
            f"{html.escape(str(records[0].get('version', '?')))} "
            f"({html.escape(str(records[0].get('git', '?')))})</p>"]
    for name, data in images:
        body.append(f"<h2>{html.escape(name)}</h2><img alt='{html.escape(name)}' "
                    f"src='data:image/png;base64,{data}'>")
    body.append("<h2>points</h2>" + table(records, axes))
    page = ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>" + html.escape(title) +
            "</title><style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;"
            "font-size:12px}td,th{border:1px solid #ccc;padding:2px 6px}tr.failed{background:#fdd}"
            "img{max-width:100%}</style></head><body>" + "\n".join(body) + "</body></html>\n")
    with open(os.path.join(a.out, "report.html"), "w", encoding="utf-8") as f:
        f.write(page)
    print(f"sweep: report {os.path.join(a.out, 'report.html')} ({len(images)} plots, "
          f"{len(records)} points)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
