"""The queries of deploy/grafana/dashboards/imagegen.json with Grafana's variables replaced,
shared by dashboard_json_test.py (static checks) and dashboard_test.py (against Prometheus)."""
import json
import re

# What Grafana would put in place of each variable the dashboard uses. $model is the dashboard's
# own variable (All = ".*"); the others are Grafana built-ins.
SUBSTITUTIONS = {
    "$__rate_interval": "1m",
    "$__interval": "15s",
    "$__range": "1h",
    "$model": ".*",
}
DATASOURCE_UID = "imagegen-prometheus"


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def panels(dashboard):
    """Every panel, including those nested in collapsed rows."""
    for p in dashboard.get("panels", []):
        yield p
        yield from p.get("panels", [])


def queries(dashboard):
    """(panel title, legend, expr) for every target of every panel."""
    for p in panels(dashboard):
        for t in p.get("targets", []):
            yield p.get("title", ""), t.get("legendFormat", ""), t.get("expr", "")


def substitute(expr):
    # Longest names first so $__rate_interval is not read as $__r...
    for name in sorted(SUBSTITUTIONS, key=len, reverse=True):
        expr = expr.replace(name, SUBSTITUTIONS[name])
        expr = expr.replace("${" + name[1:] + "}", SUBSTITUTIONS[name])
    return expr


def leftover_variables(expr):
    return re.findall(r"\$\{?\w+", expr)
