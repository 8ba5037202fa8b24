#!/usr/bin/env python3
"""The Grafana dashboard, statically: it parses, every panel has a unique id and a place,
queries the ${datasource} variable, and every query has an expression and a refId.

Usage: check_dashboard.py DASHBOARD.json
"""

import json
import sys


def main(path: str) -> int:
    dashboard = json.load(open(path, encoding="utf-8"))
    problems = []
    variables = {v["name"] for v in dashboard.get("templating", {}).get("list", [])}
    if "datasource" not in variables:
        problems.append("no datasource variable")
    ids = set()
    queries = 0
    for panel in dashboard["panels"]:
        where = f"panel {panel.get('id')} {panel.get('title')!r}"
        if panel.get("id") in ids:
            problems.append(f"{where}: duplicate id")
        ids.add(panel.get("id"))
        if not {"x", "y", "w", "h"} <= set(panel.get("gridPos", {})):
            problems.append(f"{where}: no gridPos")
        if panel["type"] == "row":
            continue
        if panel.get("datasource", {}).get("uid") != "${datasource}":
            problems.append(f"{where}: does not use the ${{datasource}} variable")
        for target in panel.get("targets", []):
            queries += 1
            if not target.get("expr") or not target.get("refId"):
                problems.append(f"{where}: a target without expr or refId")
    for p in problems:
        print(f"  PROBLEM {p}", file=sys.stderr)
    print(f"  {len(ids)} panels, {queries} queries")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
