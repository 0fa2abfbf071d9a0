#!/usr/bin/env python3
"""Where a Spark application spent its time, from its event log (spark.eventLog.enabled=true).

    python3 bench/eventlog_stages.py EVENT_LOG [--top N]

Prints the stages with the most task time (executor run time summed over tasks): the call site that started
the stage, the job description (Lakeforge sets "lakeforge <stage> <source>" when sources run side by side), wall
time, task time, input, shuffle written and read, spill. Standard library only.
"""
import argparse
import json
import subprocess
import sys
from collections import defaultdict


def lines(path):
    """The log's lines; Spark compresses event logs with zstd by default (spark.eventLog.compression.codec)."""
    if path.endswith(".zstd") or path.endswith(".zst"):
        p = subprocess.Popen(["zstd", "-dcq", path], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, encoding="utf-8")
        yield from p.stdout
        p.wait()
    else:
        with open(path, encoding="utf-8") as f:
            yield from f


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("log")
    ap.add_argument("--top", type=int, default=25)
    a = ap.parse_args()
    stages = {}
    job_desc = {}
    stage_job = {}
    for line in lines(a.log):
        try:
            e = json.loads(line)
        except json.JSONDecodeError:
            continue  # the last line of a log still being written
        ev = e.get("Event")
        if ev == "SparkListenerJobStart":
            props = e.get("Properties") or {}
            desc = props.get("spark.job.description") or ""
            for sid in e.get("Stage IDs", []):
                stage_job[sid] = desc
        elif ev == "SparkListenerStageCompleted":
            info = e["Stage Info"]
            sid = info["Stage ID"]
            acc = {x.get("Name"): x.get("Value") for x in info.get("Accumulables", [])}
            def v(name):
                try:
                    return int(acc.get(name) or 0)
                except (TypeError, ValueError):
                    return 0
            stages[(sid, info.get("Stage Attempt ID", 0))] = {
                "id": sid,
                "name": info.get("Stage Name", ""),
                "details": (info.get("Details") or "").split("\n"),
                "tasks": info.get("Number of Tasks", 0),
                "wall": ((info.get("Completion Time") or 0) - (info.get("Submission Time") or 0)) / 1000.0,
                "run": v("internal.metrics.executorRunTime") / 1000.0,
                "cpu": v("internal.metrics.executorCpuTime") / 1e9,
                "input": v("internal.metrics.input.bytesRead"),
                "shw": v("internal.metrics.shuffle.write.bytesWritten"),
                "shr": v("internal.metrics.shuffle.read.remoteBytesRead") + v("internal.metrics.shuffle.read.localBytesRead"),
                "spill": v("internal.metrics.diskBytesSpilled"),
                "desc": stage_job.get(sid, ""),
            }
    rows = sorted(stages.values(), key=lambda s: -s["run"])
    total = sum(s["run"] for s in rows) or 1
    print(f"{len(rows)} stages, task time {total:,.1f} s, wall (sum of stages) {sum(s['wall'] for s in rows):,.1f} s")
    mb = lambda b: f"{b / 2**20:,.0f}"
    print(f"{'stage':>6} {'task s':>8} {'share':>6} {'wall s':>7} {'tasks':>6} {'in MB':>7} {'shw MB':>7} {'shr MB':>7} {'spill':>6}  call site / job")
    for s in rows[:a.top]:
        site = s["name"]
        # the first frame in Lakeforge's own code says more than Spark's call site
        own = next((d.strip() for d in s["details"] if "dev.lakeforge" in d and "bench" not in d), "")
        print(f"{s['id']:>6} {s['run']:>8.1f} {s['run'] / total:>6.1%} {s['wall']:>7.1f} {s['tasks']:>6} {mb(s['input']):>7} {mb(s['shw']):>7} "
              f"{mb(s['shr']):>7} {mb(s['spill']):>6}  {site} | {own} | {s['desc']}")
    by_site = defaultdict(float)
    for s in rows:
        own = next((d.strip() for d in s["details"] if "dev.lakeforge" in d and "bench" not in d), s["name"])
        by_site[own] += s["run"]
    by_desc = defaultdict(float)
    for s in rows:
        by_desc[s["desc"].split(" - ")[0] or "(no description)"] += s["run"]
    print("\ntask time by job description (Lakeforge names concurrent work 'lakeforge <stage> <source>'):")
    for d, t in sorted(by_desc.items(), key=lambda x: -x[1])[:a.top]:
        print(f"  {t:>9.1f} s {t / total:>6.1%}  {d}")
    print("\ntask time by Lakeforge call site:")
    for site, t in sorted(by_site.items(), key=lambda x: -x[1])[:a.top]:
        print(f"  {t:>9.1f} s {t / total:>6.1%}  {site}")


if __name__ == "__main__":
    sys.exit(main())
