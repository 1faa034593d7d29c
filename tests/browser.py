"""Open a rendered page in Debian's chromium, headless (driven by Playwright, no browser
download): what the browser complained about, and a screenshot."""

from __future__ import annotations

from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
# the closed network refuses Chromium's own background connections: keep them off
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def open_page(page_file: Path, screenshot: Path) -> dict:
    """Load ``page_file``; return its console errors, page errors, failed requests, title and
    text, and save a full-page screenshot."""
    from playwright.sync_api import sync_playwright

    problems: dict[str, list[str]] = {"console": [], "page": [], "requests": []}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("console", lambda m: problems["console"].append(m.text)
                    if m.type in ("error", "warning") else None)
            page.on("pageerror", lambda e: problems["page"].append(str(e)))
            page.on("requestfailed", lambda r: problems["requests"].append(r.url))
            page.goto(page_file.resolve().as_uri(), wait_until="load")
            page.screenshot(path=str(screenshot), full_page=True)
            return {**problems, "title": page.title(), "text": page.inner_text("body"),
                    "svg_count": page.locator("svg").count()}
        finally:
            browser.close()
