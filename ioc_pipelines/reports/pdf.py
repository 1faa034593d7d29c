"""HTML → PDF with headless Chromium (Debian's ``chromium``, installed by ``make``).

The page is printed as it is shown (A4, the report's own print CSS), with the fonts installed
at set-up (Noto Sans, DejaVu: Vietnamese diacritics). Chromium writes the moment of printing
as the PDF's creation and modification date and nothing else that varies, so both are set to
the moment given (the release's publish time): the same report printed twice is the same
bytes.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from ioc_pipelines.reports.rendering import ReportError
from ioc_pipelines.resources.object_store import write_atomically

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
PDF_DATE = re.compile(rb"/(CreationDate|ModDate) \(D:(\d{14})([^)]*)\)")
TIMEOUT_S = 180


def browser(configured: str | None = None) -> str:
    """The Chromium binary: ``configured`` (setting IOC_CHROMIUM), else the first on PATH."""
    if configured:
        if not Path(configured).is_file():
            raise ReportError(f"IOC_CHROMIUM={configured} is not a file")
        return configured
    for name in BROWSERS:
        if found := shutil.which(name):
            return found
    raise ReportError("no Chromium found to print the PDF: `make` installs Debian's chromium "
                      "(or set IOC_CHROMIUM; `--no-pdf` makes the HTML only)")


def set_dates(pdf: bytes, moment: datetime) -> bytes:
    """The PDF with its creation and modification dates set to ``moment`` (UTC), keeping
    every byte offset (the date has the same length)."""
    stamp = moment.astimezone(UTC).strftime("%Y%m%d%H%M%S").encode()

    def replace(m: re.Match) -> bytes:
        return b"/" + m.group(1) + b" (D:" + stamp + b"+00'00')"

    out = PDF_DATE.sub(replace, pdf)
    if len(out) != len(pdf):  # a date written another way: leave the file as printed
        return pdf
    return out


def html_to_pdf(html: Path, pdf: Path, *, created: datetime,
                chromium: str | None = None) -> Path:
    with tempfile.TemporaryDirectory(prefix="ioc-chromium-") as profile:
        out = Path(profile) / "out.pdf"
        cmd = [browser(chromium), "--headless", "--no-sandbox", "--disable-gpu",
               "--disable-dev-shm-usage", "--no-first-run", "--no-pdf-header-footer",
               "--disable-quic", "--disable-background-networking",
               "--disable-component-update", "--disable-sync",
               f"--user-data-dir={profile}", f"--print-to-pdf={out}", html.resolve().as_uri()]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT_S,
                                  env={**os.environ, "HOME": profile})
        except subprocess.TimeoutExpired:
            raise ReportError(f"Chromium took over {TIMEOUT_S} s to print {html.name}") from None
        if proc.returncode != 0 or not out.is_file() or out.stat().st_size == 0:
            tail = (proc.stderr or proc.stdout or "").strip().splitlines()[-3:]
            raise ReportError(f"Chromium could not print {html.name} (exit {proc.returncode}): "
                              + " | ".join(tail))
        data = set_dates(out.read_bytes(), created)
    write_atomically(pdf, data)
    return pdf
