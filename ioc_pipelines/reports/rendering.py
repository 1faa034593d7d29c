"""What every HTML report shares: the Jinja environment with Vietnamese number and date
formats (1.234,5 · 22/11/2026), the province names, the error a report raises."""

from __future__ import annotations

from jinja2 import Environment, PackageLoader, select_autoescape

from ioc_pipelines.reports.charts import percent, share_colour, vn_number

PROVINCE_NAMES = {"12": "Lai Châu", "33": "Hưng Yên"}


class ReportError(RuntimeError):
    pass


def environment() -> Environment:
    env = Environment(loader=PackageLoader("ioc_pipelines.reports", "templates"),
                      autoescape=select_autoescape(["html", "j2"]))
    env.filters["vn"] = vn_number
    env.filters["vn_date"] = lambda d: d.strftime("%d/%m/%Y")
    env.filters["vn_datetime"] = lambda d: d.strftime("%H:%M %d/%m/%Y")
    env.filters["pct"] = percent
    env.filters["colour"] = share_colour
    return env
