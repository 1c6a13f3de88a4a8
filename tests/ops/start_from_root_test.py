#!/usr/bin/env python3
"""Every server starts from `/` without IMAGEGEN_CATALOG: first the build tree's binaries
(<build>/bin beside <build>/share/imagegen), then the same binaries installed by
`cmake --install` into a fresh prefix. Usage: start_from_root_test.py BUILD_DIR"""
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ops_stack import Stack, http  # noqa: E402


def check_stack(bin_dir, label):
    stack = Stack(bin_dir, cwd="/")
    ok = False
    try:
        stack.start()  # waits for the sim's port, the worker's /metrics and the api's /readyz
        status, _ = http("GET", stack.api("/healthz"))
        assert status == 200, f"{label}: /healthz {status}"
        status, body = http("GET", f"http://127.0.0.1:{stack.worker_metrics_port}/metrics")
        assert status == 200 and "imagegen_" in body, f"{label}: worker /metrics {status}"
        status, body = http("GET", f"http://127.0.0.1:{stack.api_metrics_port}/metrics")
        assert status == 200 and "imagegen_" in body, f"{label}: api /metrics {status}"
        status, _ = http("GET", f"http://127.0.0.1:{stack.sim_port}/healthz")
        assert status == 200, f"{label}: sim /healthz {status}"
        # The admin needs the catalog too (model list), also from /.
        out = stack.admin("model", "list", "--json")
        assert "nano-banana" in out, f"{label}: admin model list: {out[:200]}"
        stack.check_alive()
        ok = True
        print(f"ok: {label}: api, worker, sim and admin started from / and found the catalog")
    finally:
        if not ok:
            for name in ("api", "worker", "sim"):
                print(f"--- {name} log ---\n{stack.log(name)}")
        stack.stop(keep_logs=not ok)


def main():
    build_dir = os.path.abspath(sys.argv[1])
    check_stack(os.path.join(build_dir, "bin"), "build tree")
    prefix = tempfile.mkdtemp(prefix="imagegen-install-")
    try:
        subprocess.run(["cmake", "--install", build_dir, "--prefix", prefix], check=True,
                       stdout=subprocess.DEVNULL)
        for f in ("bin/imagegen-api", "bin/imagegen-worker", "bin/imagegen-admin",
                  "bin/imagegen-sim", "share/imagegen/models.json"):
            assert os.path.isfile(os.path.join(prefix, f)), f"cmake --install did not put {f}"
        check_stack(os.path.join(prefix, "bin"), "installed")
    finally:
        shutil.rmtree(prefix, ignore_errors=True)
    # A wrong IMAGEGEN_CATALOG is reported, not silently replaced by the found one.
    r = subprocess.run([os.path.join(build_dir, "bin", "imagegen-api")], cwd="/",
                       env=dict(os.environ, IMAGEGEN_CATALOG="/nonexistent/models.json"),
                       capture_output=True, text=True, timeout=30)
    assert r.returncode != 0 and "/nonexistent/models.json" in r.stderr, (r.returncode, r.stderr)
    print("ok: a wrong IMAGEGEN_CATALOG refuses to start and names the file")
    return 0


if __name__ == "__main__":
    sys.exit(main())
