"""Core Web Vitals of the reader site on a mid phone: Largest Contentful Paint and Cumulative Layout Shift of the
home and article pages, and what each page weighs (HTML + CSS + JS, compressed), each beside its target.

The site is the demo (`newsdesk demo`) served by `make run`'s own serve line (granian and the worker, SQLite,
in a fresh data folder: tests/stack/stack.py starts it). Chromium (Debian's, through Playwright) loads each page
in a fresh context, so nothing is cached, with the Chrome DevTools Protocol's throttling of a mid phone: 1.6 Mbps
down, 750 kbps up, 150 ms round trip, the CPU 4x slower; 390 x 844 px. LCP and CLS come from the page's own
PerformanceObserver entries (buffered), read once the page has loaded and LCP has had two animation frames to
settle; the median of ROUNDS loads is printed. Requests to another origin are counted (the target is none).
Weight: every document, stylesheet and script the page loaded, each gzip-compressed at level 6 (what a web
server in front of the site sends; images are left out, as the target says).

    python -m benchmarks.web_vitals [--rounds N]

Figures go to docs/design.md.
"""

from __future__ import annotations

import argparse
import gzip
import re
import statistics
import tempfile
import urllib.request
from pathlib import Path

from tests.browser import CHROMIUM, CHROMIUM_ARGS
from tests.stack.stack import Stack, alive

ROUNDS = 3
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
}
# A mid phone on a slow 4G link (Lighthouse's mobile profile is 1.6 Mbps / 150 ms RTT / 4x CPU).
NETWORK = {
    "offline": False,
    "latency": 150,
    "downloadThroughput": 1.6 * 1024 * 1024 / 8,
    "uploadThroughput": 750 * 1024 / 8,
}
CPU_SLOWDOWN = 4
TARGETS = {"lcp_s": 1.2, "cls": 0.02, "weight_kb": {"home": 90, "article": 60}, "other_origins": 0}

OBSERVE = """
window.__vitals = {lcp: 0, cls: 0};
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) window.__vitals.lcp = entry.renderTime || entry.loadTime;
}).observe({type: "largest-contentful-paint", buffered: true});
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) if (!entry.hadRecentInput) window.__vitals.cls += entry.value;
}).observe({type: "layout-shift", buffered: true});
"""
SETTLED = (
    "new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => done(window.__vitals))))"
)


def _article_path(port: int) -> str:
    """The home page's first story with a photo (its lead photo is the article page's largest paint, the worst
    case), else its first story."""
    html = urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=60).read().decode()
    cards = re.findall(r'<li class="card.*?</li>', html, re.S)
    card = next((card for card in cards if "<img" in card), cards[0])
    return re.search(r'href="(/news/[^"]+)"', card).group(1)


def _load(browser, url: str) -> dict:
    """One cold load of ``url`` on a throttled phone: LCP (s), CLS, compressed weight (bytes) and other origins."""
    context = browser.new_context(**PHONE)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", NETWORK)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    page.add_init_script(OBSERVE)
    origin = re.match(r"https?://[^/]+", url).group(0)
    seen: list = []
    page.on("response", lambda response: seen.append(response))
    try:
        page.goto(url, wait_until="load", timeout=120_000)
        vitals = page.evaluate(SETTLED)
        weight, others = 0, 0
        for response in seen:
            if not response.url.startswith(origin):
                others += 1
                continue
            if (
                response.request.resource_type in {"document", "stylesheet", "script"}
                and response.status == 200
            ):
                weight += len(gzip.compress(response.body(), compresslevel=6))
        return {"lcp_s": vitals["lcp"] / 1000, "cls": vitals["cls"], "weight": weight, "others": others}
    finally:
        context.close()


def measure(port: int, rounds: int) -> dict[str, dict]:
    from playwright.sync_api import sync_playwright

    pages = {"home": "/", "article": _article_path(port)}
    results: dict[str, dict] = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            for name, path in pages.items():
                url = f"http://127.0.0.1:{port}{path}"
                urllib.request.urlopen(
                    url, timeout=60
                ).read()  # the server's first render is not the reader's
                loads = [_load(browser, url) for _ in range(rounds)]
                results[name] = {
                    "path": path,
                    "lcp_s": statistics.median(load["lcp_s"] for load in loads),
                    "cls": statistics.median(load["cls"] for load in loads),
                    "weight": statistics.median(load["weight"] for load in loads),
                    "others": max(load["others"] for load in loads),
                }
        finally:
            browser.close()
    return results


def report(results: dict[str, dict]) -> None:
    print(
        f"Chromium, 390x844, {NETWORK['latency']} ms RTT, 1.6 Mbps down, {CPU_SLOWDOWN}x CPU; median of loads"
    )
    print(
        f"{'page':8} {'LCP s':>7} {'target':>7}  {'CLS':>6} {'target':>7}  {'KB gz':>6} {'target':>7}  other origins"
    )
    for name, r in results.items():
        kb = r["weight"] / 1024
        target_kb = TARGETS["weight_kb"][name]
        print(
            f"{name:8} {r['lcp_s']:7.2f} {'<= ' + str(TARGETS['lcp_s']):>7}  {r['cls']:6.3f} "
            f"{'<= ' + str(TARGETS['cls']):>7}  {kb:6.1f} {'<= ' + str(target_kb):>7}  {r['others']} (target 0)"
        )
        print(f"{'':8} {r['path']}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=ROUNDS, help=f"loads per page (default {ROUNDS})")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="newsdesk-vitals-") as data:
        stack = Stack(Path(data))
        # What `make run` does before it serves: migrate, collect static files, the demo.
        stack.newsdesk("migrate", "--no-input", "-v0")
        stack.newsdesk("collectstatic", "--no-input", "-v0")
        stack.newsdesk("demo", "--if-empty")
        stack.start()
        try:
            report(measure(stack.port, args.rounds))
        finally:
            everything = stack.stop()
            stack.kill_leftovers({pid for pid in everything if alive(pid)})


if __name__ == "__main__":
    main()
