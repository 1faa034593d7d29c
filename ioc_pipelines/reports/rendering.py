"""What every HTML report shares: the Jinja environment with Vietnamese number and date
formats (1.234,5 · 22/11/2026), the province names, the error a report raises."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from ioc_pipelines.core import vi_format
from ioc_pipelines.provinces import provinces
from ioc_pipelines.reports.charts import share_colour


def province_title(settings) -> str:
    """The configured province as a sentence names it: "tỉnh Lai Châu", "thành phố Huế"."""
    return provinces()[settings.province_code].title


class ReportError(RuntimeError):
    pass


def pick_release(settings, release_id: int | None):
    """Release ``release_id``, or the current one; a ReportError when there is none."""
    from ioc_pipelines.core.publishing import current_release, get_release

    release = (get_release(settings, release_id) if release_id is not None
               else current_release(settings))
    if release is None:
        raise ReportError("no published release yet: run `ioc run` first" if release_id is None
                          else f"release {release_id} does not exist (see `ioc releases`)")
    return release


def local_copy(settings, key: str) -> Path:
    """Where the report stored at object ``key`` (``reports/…``) is under $IOC_HOME/reports."""
    return settings.reports_dir / key.removeprefix("reports/")


def store(settings, bucket: str, key: str, html: str) -> Path:
    """A rendered page on the object store (``bucket``/``key``) and its local copy."""
    from ioc_pipelines.resources.object_store import object_store, write_atomically

    data = html.encode("utf-8")
    object_store(settings).put_bytes(bucket, key, data)
    local = local_copy(settings, key)
    local.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(local, data)
    return local


def vn_period(text: str | None) -> str:
    """'2026-10' -> '10/2026', '2026-11-20' -> '20/11/2026', '2026-W47' -> 'tuần 47/2026'."""
    if not text:
        return "—"
    parts = text.split("-")
    if len(parts) == 3 and all(p.isdigit() for p in parts):
        return f"{parts[2]}/{parts[1]}/{parts[0]}"
    if len(parts) == 2 and parts[1].isdigit():
        return f"{parts[1]}/{parts[0]}"
    if len(parts) == 2 and parts[1].startswith("W"):
        return f"tuần {parts[1][1:]}/{parts[0]}"
    return text


def cell_vi(value) -> str:
    """A delivered value shown to a person: dates as 05/10/2026, decimals with a comma (a
    whole number as it is: codes and years take no grouping mark)."""
    if isinstance(value, datetime):
        return vi_format.moment(value)
    if isinstance(value, date):
        return vi_format.day(value)
    if isinstance(value, float):
        return vi_format.figure(value, 6)
    return "" if value is None else str(value)


def css_string(text) -> Markup:
    """``text`` as a CSS string literal for a page's running header or footer (inside
    ``<style>``, where HTML escapes do not apply): quotes, backslashes and ``<`` escaped."""
    body = "".join(c if c.isprintable() and c not in '\\"<>' else f"\\{ord(c):x} "
                   for c in str(text))
    return Markup(f'"{body}"')  # noqa: S704 - every character that could end it is escaped


def environment() -> Environment:
    env = Environment(loader=PackageLoader("ioc_pipelines.reports", "templates"),
                      autoescape=select_autoescape(["html", "j2"]))
    env.filters["vn"] = vi_format.number
    env.filters["vn_date"] = vi_format.day
    env.filters["vn_datetime"] = vi_format.moment
    env.filters["vn_period"] = vn_period
    env.filters["pct"] = vi_format.percent
    env.filters["colour"] = share_colour
    env.filters["cell_vi"] = cell_vi
    env.filters["css_string"] = css_string
    env.filters["principle_vi"] = vi_format.principle
    return env
