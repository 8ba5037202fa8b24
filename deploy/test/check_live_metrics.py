#!/usr/bin/env python3
"""The alerts and the dashboard against a real Prometheus that scrapes real workers and
overlords (deploy/validate.sh starts them all):

- every metric the rules and the dashboard name is one the processes export (the `# TYPE`
  lines of their /metrics answers, histograms with their _bucket/_sum/_count series);
- every dashboard query and every alert expression evaluates without error;
- what the rules rely on holds on real data: the overlord's own `job` label arrives as
  `exported_job`, exactly one overlord leads, a live worker is up, a stopped one is down
  and its DexWorkerDown alert is pending.

Usage: check_live_metrics.py --prometheus URL --alerts FILE --dashboard FILE
         --exposition FILE... [--up ADDR]... [--down ADDR]...
"""

import argparse
import json
import re
import sys
import time
import urllib.parse
import urllib.request

import yaml

NAME = re.compile(r"\b((?:dex|process)_[a-z0-9_]+|up)\b")
problems: list[str] = []


def query(prometheus: str, expr: str) -> dict:
    url = f"{prometheus}/api/v1/query?" + urllib.parse.urlencode({"query": expr})
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return json.load(response)
    except urllib.error.HTTPError as error:
        return json.load(error)


def wait_for(prometheus: str, expr: str, what: str, test, seconds: float = 30) -> None:
    """Polls until `test(result)` holds (Prometheus scrapes and evaluates every second here)."""
    deadline = time.monotonic() + seconds
    answer: dict = {}
    while time.monotonic() < deadline:
        answer = query(prometheus, expr)
        if answer.get("status") == "success" and test(answer["data"]["result"]):
            print(f"  ok    {what}")
            return
        time.sleep(0.5)
    problems.append(f"{what}: {expr} gave {json.dumps(answer.get('data', answer))[:300]}")


def exported_names(paths: list[str]) -> set[str]:
    names = {"up"}
    for path in paths:
        for line in open(path, encoding="utf-8"):
            match = re.match(r"# TYPE (\S+) (\S+)", line)
            if match:
                name, kind = match.groups()
                names.add(name)
                if kind == "histogram":
                    names |= {f"{name}_bucket", f"{name}_sum", f"{name}_count"}
    return names


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--prometheus", required=True)
    parser.add_argument("--alerts", required=True)
    parser.add_argument("--dashboard", required=True)
    parser.add_argument("--exposition", nargs="+", required=True)
    parser.add_argument("--up", action="append", default=[])
    parser.add_argument("--down", action="append", default=[])
    args = parser.parse_args()
    prom = args.prometheus

    exported = exported_names(args.exposition)
    rules = [r for g in yaml.safe_load(open(args.alerts, encoding="utf-8"))["groups"] for r in g["rules"]]
    dashboard = json.load(open(args.dashboard, encoding="utf-8"))
    targets = [(p["title"], t["expr"]) for p in dashboard["panels"] for t in p.get("targets", [])]

    unknown_before = len(problems)
    for where, expr in [(f"alert {r['alert']}", r["expr"]) for r in rules] + [(f"panel {t}", e) for t, e in targets]:
        unknown = sorted({n for n in NAME.findall(expr)} - exported)
        if unknown:
            problems.append(f"{where} names metrics nobody exports: {', '.join(unknown)}")
    if len(problems) == unknown_before:
        print(f"  ok    {len(rules)} alert rules and {len(targets)} dashboard queries name only exported metrics")

    # Wait for the first scrapes of every target before evaluating anything.
    expected = len(args.up) + len(args.down)
    wait_for(prom, "count(up)", f"Prometheus scraped its {expected} targets", lambda r: r and float(r[0]["value"][1]) >= expected)
    for addr in args.up:
        wait_for(prom, f'up{{instance="{addr}"}}', f"{addr} is up", lambda r: r and r[0]["value"][1] == "1")
    for addr in args.down:
        wait_for(prom, f'up{{instance="{addr}"}}', f"{addr} (stopped) is down", lambda r: r and r[0]["value"][1] == "0")
        wait_for(
            prom,
            f'ALERTS{{alertname="DexWorkerDown", alertstate="pending", instance="{addr}"}}',
            f"DexWorkerDown is pending for {addr}",
            lambda r: len(r) == 1,
        )
    wait_for(prom, 'sum(dex_overlord_leader{job="dex-overlord"})', "exactly one overlord leads", lambda r: r and r[0]["value"][1] == "1")
    wait_for(
        prom,
        'dex_overlord_job_runs_total{job="dex-overlord", exported_job="rotate-signing-keys", outcome="ok"}',
        "the overlord's job label arrives as exported_job",
        lambda r: len(r) >= 1,
    )
    wait_for(prom, 'dex_http_requests_total{job="dex-worker", route="/dex/token"}', "token requests are counted by route", lambda r: len(r) >= 1)

    failed = 0
    for where, expr in [(f"alert {r['alert']}", r["expr"]) for r in rules] + [(f"panel {t}", e) for t, e in targets]:
        text = expr.replace("$__rate_interval", "1m").replace("$__interval", "15s")
        answer = query(prom, text)
        if answer.get("status") != "success":
            failed += 1
            problems.append(f"{where}: {answer.get('errorType')}: {answer.get('error')}")
    if not failed:
        print("  ok    every alert expression and dashboard query evaluates on the live Prometheus")

    for p in problems:
        print(f"  PROBLEM {p}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
