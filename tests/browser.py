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


def page_width(page_file: Path, width: int = 1280) -> int:
    """How wide ``page_file`` lays out in a ``width`` px window: the document's scroll width
    (over ``width`` means the reader scrolls sideways)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.goto(page_file.resolve().as_uri(), wait_until="load")
            return page.evaluate("document.documentElement.scrollWidth")
        finally:
            browser.close()


# every table column's width and every chart text's overflow, as the page prints (A4 portrait
# at 96 px/in less the margins: 700 px wide)
LAYOUT_JS = """() => {
  const columns = [];
  for (const table of document.querySelectorAll('table')) {
    const head = table.querySelector('thead tr') || table.querySelector('tr');
    if (!head || table.getBoundingClientRect().width === 0) continue;
    for (const cell of head.children) {
      columns.push({table: table.id || (table.caption ? table.caption.innerText : ''),
                    column: cell.innerText, width: cell.getBoundingClientRect().width});
    }
  }
  const clipped = [];
  for (const svg of document.querySelectorAll('svg')) {
    const box = svg.getBoundingClientRect();
    for (const text of svg.querySelectorAll('text')) {
      const r = text.getBoundingClientRect();
      if (r.width === 0) continue;
      if (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1
          || r.bottom > box.bottom + 1) clipped.push(text.textContent);
    }
  }
  return {columns, clipped};
}"""


def print_layout(page_file: Path, width: int = 700) -> dict:
    """The page laid out for print at ``width`` px: {"columns": [{table, column, width}],
    "clipped": [chart texts reaching outside their SVG]}."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": 1000})
            page.emulate_media(media="print")
            page.goto(page_file.resolve().as_uri(), wait_until="load")
            return page.evaluate(LAYOUT_JS)
        finally:
            browser.close()
