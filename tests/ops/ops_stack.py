"""Real processes for the ops tests: redis-server, imagegen-sim, imagegen-worker, imagegen-api
(and Prometheus) on free loopback ports, each logging to its own file. Every wait polls a
condition until a deadline; nothing sleeps for a fixed time in place of a condition."""
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request


_given_ports = set()


def _ephemeral_low():
    """The first port the kernel hands to outgoing connections (32768 unless configured)."""
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
            return int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


def _try_bind(port):
    """The port 127.0.0.1:port (0: any) could bind just now, or 0."""
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return 0
        return s.getsockname()[1]


def free_port():
    """A random port below the kernel's ephemeral range that could be bound just now, never the
    same one twice in this process (tests/support/free_port.cpp does the same for the C++
    tests). Not port 0's pick: a port from the ephemeral range, bound and released, can be given
    to an outgoing connection (this test's worker's, or another test's under ctest -j) before
    our server binds it, and the api then exits with "Address already in use" (seen in
    dashboard_against_prometheus)."""
    low, high = 10000, _ephemeral_low() - 1
    if high > low + 1000:
        for _ in range(200):
            port = random.randint(low, high)
            if port not in _given_ports and _try_bind(port):
                _given_ports.add(port)
                return port
    port = _try_bind(0)  # a machine with an unusual port range
    if not port:
        raise RuntimeError("cannot bind 127.0.0.1:0")
    return port


def wait_until(condition, timeout_s, what):
    """Polls condition() every 50 ms; returns its first truthy value or raises after timeout_s."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            value = condition()
        except (OSError, urllib.error.URLError, ValueError):
            value = None
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout_s} s waiting for {what}")
        time.sleep(0.05)


def http(method, url, body=None, headers=None, timeout=60):
    """(status, body text); HTTP errors are answers too."""
    data = json.dumps(body).encode() if isinstance(body, (dict, list)) else body
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", "replace")


def stop_processes(procs, timeout_s):
    """SIGTERM to each (name, Popen) still running, the last started first; SIGKILL to any that
    has not exited timeout_s later."""
    for _, p in reversed(procs):
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    for _, p in reversed(procs):
        try:
            p.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait(timeout=5)


def tcp_open(port):
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


# Every provider at the simulator with placeholder keys (Kling's are the simulator's defaults),
# as scripts/run does.
PROVIDER_KEYS = {k: "sim-key" for k in (
    "GEMINI_API_KEY", "OPENAI_API_KEY", "BFL_API_KEY", "MIDJOURNEY_API_KEY", "RUNWAY_API_KEY",
    "XAI_API_KEY", "BYTEPLUS_API_KEY", "OPENROUTER_API_KEY", "DASHSCOPE_API_KEY")}
PROVIDER_KEYS.update(KLING_ACCESS_KEY="sim-kling-access", KLING_SECRET_KEY="sim-kling-secret")


class Stack:
    """Starts the product from `bin_dir` with working directory `cwd`. IMAGEGEN_CATALOG is
    removed from the environment so every binary has to find its catalog by itself."""

    def __init__(self, bin_dir, cwd=None, worker_env=None, api_env=None):
        self.bin = bin_dir
        self.cwd = cwd
        self.dir = tempfile.mkdtemp(prefix="imagegen-ops-")
        self.procs = []  # (name, Popen)
        self.redis_port = free_port()
        self.sim_port = free_port()
        self.api_port = free_port()
        self.api_metrics_port = free_port()
        self.worker_metrics_port = free_port()
        self.base_env = {k: v for k, v in os.environ.items() if not k.startswith("IMAGEGEN_")}
        self.base_env["IMAGEGEN_REDIS_URL"] = f"redis://127.0.0.1:{self.redis_port}/0"
        self.worker_env = worker_env or {}
        self.api_env = api_env or {}

    def start_process(self, name, argv, env=None, cwd=None):
        log = open(os.path.join(self.dir, name + ".log"), "ab")
        p = subprocess.Popen(argv, env=env or self.base_env, cwd=cwd or self.cwd, stdout=log,
                             stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        self.procs.append((name, p))
        return p

    def check_alive(self):
        for name, p in self.procs:
            if p.poll() is not None:
                raise RuntimeError(f"{name} exited with {p.returncode}:\n{self.log(name)}")
        return True

    def wait_port(self, port, what, timeout_s=30):
        wait_until(lambda: self.check_alive() and tcp_open(port), timeout_s, what)

    def start(self):
        os.makedirs(os.path.join(self.dir, "redis"))
        self.start_process("redis", [
            "redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1",
            "--dir", os.path.join(self.dir, "redis"), "--save", "", "--appendonly", "no",
            "--maxmemory-policy", "noeviction"], cwd=self.dir)
        self.wait_port(self.redis_port, "redis-server")
        self.start_process("sim", [os.path.join(self.bin, "imagegen-sim"),
                                   "--port", str(self.sim_port)])
        self.wait_port(self.sim_port, "imagegen-sim")
        env = dict(self.base_env, **PROVIDER_KEYS)
        env.update(IMAGEGEN_PROVIDER_BASE_URL=f"http://127.0.0.1:{self.sim_port}",
                   IMAGEGEN_STORAGE="local:" + os.path.join(self.dir, "images"),
                   IMAGEGEN_METRICS_HOST="127.0.0.1",
                   IMAGEGEN_METRICS_PORT=str(self.worker_metrics_port),
                   IMAGEGEN_CONSUMER_NAME="ops-worker-0")
        env.update(self.worker_env)
        self.start_process("worker", [os.path.join(self.bin, "imagegen-worker")], env)
        env = dict(self.base_env)
        env.update(IMAGEGEN_API_HOST="127.0.0.1", IMAGEGEN_API_PORT=str(self.api_port),
                   IMAGEGEN_METRICS_PORT=str(self.api_metrics_port), IMAGEGEN_API_THREADS="2")
        env.update(self.api_env)
        self.start_process("api", [os.path.join(self.bin, "imagegen-api")], env)
        self.wait_port(self.worker_metrics_port, "imagegen-worker metrics")
        self.wait_port(self.api_port, "imagegen-api")
        wait_until(lambda: self.check_alive() and http("GET", self.api("/readyz"), timeout=5)[0] == 200,
                   30, "imagegen-api /readyz")
        return self

    def api(self, path):
        return f"http://127.0.0.1:{self.api_port}{path}"

    def admin(self, *args):
        """imagegen-admin's stdout; raises with its output when it exits non-zero."""
        r = subprocess.run([os.path.join(self.bin, "imagegen-admin"), *args], env=self.base_env,
                           cwd=self.cwd, capture_output=True, text=True, timeout=30)
        if r.returncode != 0:
            raise RuntimeError(f"imagegen-admin {' '.join(args)}: {r.returncode}\n{r.stdout}{r.stderr}")
        return r.stdout

    def redis_cli(self, *args):
        return subprocess.run(["redis-cli", "-p", str(self.redis_port), *args],
                              capture_output=True, text=True, timeout=30).stdout

    def log(self, name):
        try:
            with open(os.path.join(self.dir, name + ".log"), errors="replace") as f:
                return f.read()[-4000:]
        except OSError:
            return ""

    def stop(self, keep_logs=False):
        stop_processes(self.procs, 15)
        self.procs = []
        if keep_logs:
            print(f"logs kept in {self.dir}")
        else:
            shutil.rmtree(self.dir, ignore_errors=True)
