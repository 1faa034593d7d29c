"""What every HTML report shares: the Jinja environment with Vietnamese number and date
formats (1.234,5 · 22/11/2026), the province names, the error a report raises."""

from __future__ import annotations

from jinja2 import Environment, PackageLoader, select_autoescape

from ioc_pipelines.reports.charts import percent, share_colour, vn_number

PROVINCE_NAMES = {"12": "Lai Châu", "33": "Hưng Yên"}


class ReportError(RuntimeError):
    pass


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


def environment() -> Environment:
    env = Environment(loader=PackageLoader("ioc_pipelines.reports", "templates"),
                      autoescape=select_autoescape(["html", "j2"]))
    env.filters["vn"] = vn_number
    env.filters["vn_date"] = lambda d: d.strftime("%d/%m/%Y")
    env.filters["vn_datetime"] = lambda d: d.strftime("%H:%M %d/%m/%Y")
    env.filters["vn_period"] = vn_period
    env.filters["pct"] = percent
    env.filters["colour"] = share_colour
    return env
