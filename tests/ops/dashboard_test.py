#!/usr/bin/env python3
"""Every query of the Grafana dashboard returns data from a real Prometheus scraping the real api
and worker after real traffic: successes, a 402, a provider failure, a moderated prompt, slow
jobs, and a Redis stall. Also checks `imagegen-admin usage` against the images delivered.
Usage: dashboard_test.py BIN_DIR SOURCE_DIR PROMETHEUS_BINARY"""
import concurrent.futures
import json
import os
import re
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dashboard_queries as dq  # noqa: E402
from ops_stack import Stack, free_port, http, wait_until  # noqa: E402

QUERY_DEADLINE_S = 90  # from the end of the traffic until every query must have data


def start_prometheus(stack, prometheus, source_dir):
    port = free_port()
    config = os.path.join(stack.dir, "prometheus.yml")
    with open(config, "w") as f:
        f.write(f"""global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files:
  - {os.path.join(source_dir, "deploy/prometheus/alerts.yml")}
scrape_configs:
  - job_name: imagegen-api
    static_configs:
      - targets: ["127.0.0.1:{stack.api_metrics_port}"]
  - job_name: imagegen-worker
    static_configs:
      - targets: ["127.0.0.1:{stack.worker_metrics_port}"]
""")
    stack.start_process("prometheus", [
        prometheus, f"--config.file={config}",
        f"--storage.tsdb.path={os.path.join(stack.dir, 'tsdb')}",
        f"--web.listen-address=127.0.0.1:{port}"], cwd=stack.dir)
    base = f"http://127.0.0.1:{port}"
    wait_until(lambda: stack.check_alive() and http("GET", base + "/-/ready", timeout=2)[0] == 200,
               60, "prometheus /-/ready")
    return base


def query(base, expr):
    status, body = http("GET", base + "/api/v1/query?" + urllib.parse.urlencode({"query": expr}),
                        timeout=10)
    if status != 200:
        raise ValueError(f"query {expr!r}: HTTP {status} {body[:300]}")
    return json.loads(body)["data"]["result"]


def drive_traffic(stack):
    """Sends the mix concurrently; returns [(kind, model, status, body)]."""
    rich = json.loads(stack.admin("user", "create", "--tier", "pro", "--credits", "100000", "--json"))
    poor = json.loads(stack.admin("user", "create", "--tier", "free", "--credits", "0", "--json"))
    requests = (
        [("success", rich, "nano-banana", "A lighthouse at dusk")] * 4
        + [("success", rich, "gpt-image-1", "A red bicycle")] * 2
        + [("success", rich, "flux-2-pro", "A mountain lake")]
        + [("insufficient", poor, "nano-banana", "Anything")]
        + [("provider-failure", rich, "nano-banana", "[sim:fail=500] A storm")]
        + [("moderated", rich, "gpt-image-1", "[sim:moderated] Something refused")]
        + [("slow", rich, "nano-banana", "[sim:delay=1500] A slow painting")] * 3)

    def send(item):
        kind, user, model, prompt = item
        status, body = http("POST", stack.api("/api/v1/generate-image"),
                            {"prompt": prompt, "model": model, "aspectRatio": "1:1",
                             "resolution": "1K"},
                            {"Authorization": "Bearer " + user["apiKey"]}, timeout=90)
        return kind, model, status, body

    with concurrent.futures.ThreadPoolExecutor(max_workers=len(requests)) as pool:
        results = list(pool.map(send, requests))
    return rich, results


def stall_redis(stack, user):
    """Pauses Redis past the api's Redis deadline while a request arrives: Redis errors."""
    stack.redis_cli("CLIENT", "PAUSE", "2000", "ALL")
    status, _ = http("POST", stack.api("/api/v1/generate-image"),
                     {"prompt": "x", "model": "nano-banana", "aspectRatio": "1:1",
                      "resolution": "1K"}, {"Authorization": "Bearer " + user["apiKey"]}, timeout=30)
    wait_until(lambda: http("GET", stack.api("/readyz"), timeout=5)[0] == 200, 30,
               "api ready again after the Redis stall")
    return status


def check_usage(stack, rich, results):
    """imagegen-admin usage counts exactly the images delivered to `rich`, by model."""
    delivered = {}
    for kind, model, status, body in results:
        if status == 200:
            images = json.loads(body).get("results") or []
            delivered[model] = delivered.get(model, 0) + max(1, len(images))
    usage = json.loads(stack.admin("usage", rich["userId"], "--json"))
    got = {m["model"]: m["images"] for m in usage["models"] if m["images"] > 0}
    assert got == delivered, f"admin usage {got} != delivered {delivered}"
    since_future = json.loads(stack.admin("usage", rich["userId"], "--since", "2999-01-01", "--json"))
    assert since_future["images"] == 0, since_future
    queue = json.loads(stack.admin("queue", "--json"))
    assert queue["groupExists"] and queue["lag"] == 0, queue
    print(f"ok: admin usage matches the images delivered {delivered}; queue {queue}")


def main():
    bin_dir, source_dir, prometheus = sys.argv[1], sys.argv[2], sys.argv[3]
    dashboard = dq.load(os.path.join(source_dir, "deploy/grafana/dashboards/imagegen.json"))
    targets = [(title, legend, dq.substitute(expr)) for title, legend, expr in dq.queries(dashboard)]
    stack = Stack(bin_dir, worker_env={"IMAGEGEN_WORKER_CONCURRENCY": "8"},
                  api_env={"IMAGEGEN_WAIT_TIMEOUT_MS": "60000"})
    ok = False
    try:
        stack.start()
        base = start_prometheus(stack, prometheus, source_dir)
        wait_until(lambda: len(query(base, 'up{job=~"imagegen-.*"} == 1')) == 2, 60,
                   "prometheus scraping api and worker")

        rich, results = drive_traffic(stack)
        by_kind = {}
        for kind, model, status, body in results:
            by_kind.setdefault(kind, []).append(status)
        print("answers:", by_kind)
        assert all(s == 200 for s in by_kind["success"] + by_kind["slow"]), by_kind
        assert by_kind["insufficient"] == [402], by_kind
        assert by_kind["provider-failure"][0] >= 500, by_kind
        assert by_kind["moderated"][0] != 200, by_kind
        # Usage first: a request cut off by the stall may still be admitted once Redis resumes.
        check_usage(stack, rich, results)
        print("redis stall answered", stall_redis(stack, rich))

        # Poll until every query has data or the deadline passes; then report each one.
        deadline = time.monotonic() + QUERY_DEADLINE_S
        missing = list(targets)
        while missing and time.monotonic() < deadline:
            stack.check_alive()
            missing = [t for t in missing if not query(base, t[2])]
            if missing:
                time.sleep(0.5)  # one poll interval: Prometheus scrapes every second
        names = set(json.loads(http("GET", base + "/api/v1/label/__name__/values")[1])["data"])
        print(f"\n{len(targets)} dashboard queries, {len(targets) - len(missing)} with data:")
        for title, legend, expr in targets:
            mark = "NO DATA" if (title, legend, expr) in missing else "data"
            print(f"  [{mark}] {title} / {legend}: {expr}")
        absent = sorted({m for _, _, e in missing
                         for m in re.findall(r"\b(imagegen_[a-z_]+)", e)
                         if re.sub(r"_(bucket|count|sum)$", "", m) not in names and m not in names})
        if missing:
            print("\nmetrics the binaries do not export yet:", ", ".join(absent) or "(none)")
            return 1
        ok = True
        print("ok: every dashboard query returns data")
        return 0
    finally:
        if not ok:
            for name in ("api", "worker", "prometheus"):
                print(f"--- {name} log (tail) ---\n{stack.log(name)[-1500:]}")
        stack.stop(keep_logs=not ok)


if __name__ == "__main__":
    sys.exit(main())
