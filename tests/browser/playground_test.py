#!/usr/bin/env python3
"""The playground at GET / in headless Chromium against the whole product (real redis-server,
imagegen-sim, imagegen-worker, imagegen-api on free ports): a real API key, gpt-image-1, generate,
wait until an image in #results has loaded, save a screenshot; then a bad token shows the 401's
message. Also: the page is served with its CSP and breaks none of it.

usage: playground_test.py --bin-dir build/bin --source-dir . --screenshot build/playground.png
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "ops"))
from ops_stack import free_port, stop_processes, tcp_open, wait_until  # noqa: E402

PROVIDER_KEYS = ["GEMINI_API_KEY", "OPENAI_API_KEY", "BFL_API_KEY", "MIDJOURNEY_API_KEY",
                 "RUNWAY_API_KEY", "XAI_API_KEY", "BYTEPLUS_API_KEY", "OPENROUTER_API_KEY",
                 "DASHSCOPE_API_KEY"]
UNAUTHORIZED = "Unauthorized: Invalid or expired token"


def http_get(url, headers=None):
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=5) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()
    except OSError:
        return 0, {}, b""


class Product:
    """redis-server, imagegen-sim, imagegen-worker and imagegen-api, like scripts/run."""

    def __init__(self, bin_dir, source_dir, work):
        self.bin_dir, self.work, self.procs = bin_dir, work, []
        self.redis_port, self.sim_port, self.api_port = free_port(), free_port(), free_port()
        os.makedirs(f"{work}/images")
        os.makedirs(f"{work}/redis")
        self.env = dict(os.environ)
        self.env.update({
            "IMAGEGEN_REDIS_URL": f"redis://127.0.0.1:{self.redis_port}/0",
            "IMAGEGEN_CATALOG": f"{source_dir}/config/models.json",
            "IMAGEGEN_PROVIDER_BASE_URL": f"http://127.0.0.1:{self.sim_port}",
            "KLING_ACCESS_KEY": "sim-kling-access", "KLING_SECRET_KEY": "sim-kling-secret",
        })
        for k in PROVIDER_KEYS:
            self.env[k] = "sim-key"

    def spawn(self, name, args, extra_env=None):
        env = dict(self.env)
        env.update(extra_env or {})
        log = open(f"{self.work}/{name}.log", "wb")
        self.procs.append((name, subprocess.Popen(args, env=env, stdout=log, stderr=subprocess.STDOUT)))

    def start(self):
        self.spawn("redis", ["redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1",
                             "--dir", f"{self.work}/redis", "--save", "", "--appendonly", "no"])
        wait_until(lambda: tcp_open(self.redis_port), 20, "redis-server")
        self.spawn("sim", [f"{self.bin_dir}/imagegen-sim", "--port", str(self.sim_port)])
        # The api reads the stored images back for /api/v1/files/, so both get the storage.
        self.env["IMAGEGEN_STORAGE"] = f"local:{self.work}/images"
        self.spawn("worker", [f"{self.bin_dir}/imagegen-worker"], {"IMAGEGEN_METRICS_PORT": str(free_port())})
        self.spawn("api", [f"{self.bin_dir}/imagegen-api"],
                   {"IMAGEGEN_API_HOST": "127.0.0.1", "IMAGEGEN_API_PORT": str(self.api_port),
                    "IMAGEGEN_METRICS_PORT": str(free_port())})
        wait_until(lambda: tcp_open(self.sim_port), 20, "imagegen-sim")
        wait_until(lambda: http_get(self.url("/readyz"))[0] == 200, 20, "imagegen-api /readyz")

    def url(self, path):
        return f"http://127.0.0.1:{self.api_port}{path}"

    def create_user(self, tier, credits):
        out = subprocess.run([f"{self.bin_dir}/imagegen-admin", "user", "create", "--tier", tier,
                              "--credits", str(credits), "--json"],
                             env=self.env, capture_output=True, text=True, timeout=30, check=True)
        return json.loads(out.stdout)

    def stop(self):
        stop_processes(self.procs, 10)

    def logs(self):
        out = []
        for name, _ in self.procs:
            with open(f"{self.work}/{name}.log", "rb") as f:
                out.append(f"--- {name}.log (tail)\n" + f.read()[-3000:].decode(errors="replace"))
        return "\n".join(out)


def chromium(profile_dir):
    opts = webdriver.ChromeOptions()
    opts.binary_location = "/usr/bin/chromium"
    for flag in ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-quic", "--disable-sync",
                 "--disable-dev-shm-usage", f"--user-data-dir={profile_dir}", "--window-size=1100,1300"]:
        opts.add_argument(flag)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def loaded_images(driver):
    return driver.execute_script(
        "return Array.from(document.querySelectorAll('#results img'))"
        ".filter(i => i.complete && i.naturalWidth > 0).length;")


def status(driver):
    el = driver.find_element(By.ID, "status")
    return el.get_attribute("data-state"), el.text


def generate(driver, token, prompt, model):
    field = driver.find_element(By.ID, "token")
    field.clear()
    field.send_keys(token)
    driver.find_element(By.ID, "prompt").clear()
    driver.find_element(By.ID, "prompt").send_keys(prompt)
    Select(driver.find_element(By.ID, "model")).select_by_value(model)
    driver.find_element(By.ID, "generate").click()


def run(product, driver, screenshot):
    # The page and its CSP, straight from the server.
    code, headers, body = http_get(product.url("/"))
    check(code == 200, f"GET / answered {code}")
    csp = headers.get("Content-Security-Policy", "")
    check("default-src 'none'" in csp and "script-src 'self'" in csp, f"CSP header: {csp!r}")
    user = product.create_user("pro", 100)

    driver.get(product.url("/"))
    WebDriverWait(driver, 20).until(
        lambda d: d.execute_script("return !!document.querySelector('#model option[value=\"gpt-image-1\"]')"),
        "the model list never filled")
    label = driver.find_element(By.CSS_SELECTOR, '#model option[value="gpt-image-1"]').text
    check("Pro" in label and "credits" in label, f"the option shows no tier or price: {label!r}")

    generate(driver, user["apiKey"], "A lighthouse at dusk, watercolor", "gpt-image-1")
    WebDriverWait(driver, 5).until(lambda d: status(d)[0] in ("working", "done", "error"),
                                   "no sign of work after pressing generate")
    try:
        WebDriverWait(driver, 90, poll_frequency=0.2).until(
            lambda d: loaded_images(d) > 0 or status(d)[0] == "error")
    except TimeoutException:
        raise AssertionError(f"no image loaded; status {status(driver)}")
    check(status(driver)[0] != "error", f"generation failed in the page: {status(driver)[1]}")
    src = driver.execute_script("return document.querySelector('#results img').src")
    check(src.startswith("blob:"), f"image not fetched with the token: {src}")
    WebDriverWait(driver, 10).until(lambda d: status(d)[0] == "done", "status never said done")
    os.makedirs(os.path.dirname(os.path.abspath(screenshot)), exist_ok=True)
    check(driver.save_screenshot(screenshot), "screenshot not saved")
    print(f"screenshot: {screenshot} ({loaded_images(driver)} image(s); {status(driver)[1]})")

    # The token never reaches a URL; the browser is told so too.
    check(user["apiKey"] not in driver.current_url, "token in the URL")

    generate(driver, "not-a-real-key", "A lighthouse at dusk, watercolor", "gpt-image-1")
    WebDriverWait(driver, 20).until(lambda d: status(d)[0] == "error", "the bad token showed no error")
    check(status(driver)[1] == UNAUTHORIZED, f"401 message shown: {status(driver)[1]!r}")
    check(loaded_images(driver) == 0, "old images stayed after the failed request")
    print(f"bad token shows: {status(driver)[1]}")

    violations = [e["message"] for e in driver.get_log("browser")
                  if "Content Security Policy" in e["message"] or "Refused to" in e["message"]]
    check(not violations, f"CSP violations: {violations}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin-dir", required=True)
    ap.add_argument("--source-dir", required=True)
    ap.add_argument("--screenshot", required=True)
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="imagegen-browser-")
    product = Product(os.path.abspath(args.bin_dir), os.path.abspath(args.source_dir), work)
    driver = None
    ok = False
    try:
        product.start()
        driver = chromium(f"{work}/chromium-profile")
        driver.set_page_load_timeout(30)
        driver.set_script_timeout(30)
        run(product, driver, args.screenshot)
        ok = True
    except Exception as e:  # noqa: BLE001 - every failure is reported with the servers' logs
        print(f"FAILED: {type(e).__name__}: {e}", file=sys.stderr)
        print(product.logs(), file=sys.stderr)
    finally:
        if driver is not None:
            driver.quit()
        product.stop()
        if ok:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"logs kept in {work}", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
