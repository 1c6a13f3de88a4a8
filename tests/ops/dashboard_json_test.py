#!/usr/bin/env python3
"""Static checks of the Grafana and Prometheus files (Grafana itself is not in Debian):
the dashboard's schema version, that every panel and query uses the provisioned datasource uid,
that every variable in a query is one the dashboard test substitutes, and that every alert in
alerts.yml has its runbook entry in docs/operations.md. Usage: dashboard_json_test.py SOURCE_DIR"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dashboard_queries as dq  # noqa: E402

failures = []


def check(ok, message):
    if not ok:
        failures.append(message)


def main():
    src = sys.argv[1]
    dash = dq.load(os.path.join(src, "deploy/grafana/dashboards/imagegen.json"))
    check(isinstance(dash.get("schemaVersion"), int) and dash["schemaVersion"] >= 36,
          f"schemaVersion {dash.get('schemaVersion')!r}: want an int >= 36 (Grafana 9+)")
    check(bool(dash.get("uid")) and bool(dash.get("title")), "dashboard needs uid and title")

    with open(os.path.join(src, "deploy/grafana/provisioning/datasources/prometheus.yml")) as f:
        ds_yaml = f.read()
    check(re.search(r"^\s*uid:\s*" + re.escape(dq.DATASOURCE_UID) + r"\s*$", ds_yaml, re.M),
          f"provisioned datasource uid is not {dq.DATASOURCE_UID}")
    with open(os.path.join(src, "deploy/grafana/provisioning/dashboards/imagegen.yml")) as f:
        check("/etc/grafana/dashboards" in f.read(), "dashboard provider path changed?")

    ids = set()
    n_queries = 0
    for p in dq.panels(dash):
        if p.get("type") == "row":
            continue
        title = p.get("title", "?")
        check(p.get("id") not in ids, f"panel id {p.get('id')} used twice")
        ids.add(p.get("id"))
        check((p.get("datasource") or {}).get("uid") == dq.DATASOURCE_UID,
              f"panel {title!r}: datasource uid is not {dq.DATASOURCE_UID}")
        check(p.get("targets"), f"panel {title!r} has no query")
        for t in p.get("targets", []):
            n_queries += 1
            check((t.get("datasource") or {}).get("uid") == dq.DATASOURCE_UID,
                  f"panel {title!r} query {t.get('refId')}: datasource uid")
            expr = t.get("expr", "")
            check(expr.strip(), f"panel {title!r} query {t.get('refId')}: empty expr")
            left = dq.leftover_variables(dq.substitute(expr))
            check(not left, f"panel {title!r}: variables {left} are not substituted by the tests")
    for v in dash.get("templating", {}).get("list", []):
        check("$" + v["name"] in dq.SUBSTITUTIONS, f"variable ${v['name']} has no substitution")
        ds = v.get("datasource") or {}
        check(ds.get("uid") == dq.DATASOURCE_UID, f"variable ${v['name']}: datasource uid")
    check(n_queries >= 20, f"only {n_queries} queries: panels lost?")

    with open(os.path.join(src, "deploy/prometheus/alerts.yml")) as f:
        alerts = re.findall(r"^\s*- alert:\s*(\w+)", f.read(), re.M)
    with open(os.path.join(src, "docs/operations.md")) as f:
        doc = f.read()
    check(len(alerts) >= 7, f"alerts.yml has {len(alerts)} alerts")
    for a in alerts:
        check(re.search(r"^###\s+" + a + r"\s*$", doc, re.M),
              f"alert {a} has no '### {a}' runbook entry in docs/operations.md")

    if failures:
        print("\n".join("FAIL: " + m for m in failures))
        return 1
    print(f"ok: {n_queries} queries, {len(alerts)} alerts with runbook entries")
    return 0


if __name__ == "__main__":
    sys.exit(main())
