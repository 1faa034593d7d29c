"""A realistic demo of any of the 34 provinces (Lai Châu, Hưng Yên and Thái Nguyên are the
documented ones), delivered source by source, with the truth.

``generate_province`` writes ``<out>/landing/<source>/<delivery-date>/<PROVIDER>__<file>``
exactly as providers deliver (the landing layout of docs/architecture.md) and
``<out>/truth/manifest.json``: every delivery (due date, on time or late), every delivery that
never came, every injected defect (source, raw table, file, record number, field, type).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from ioc_pipelines import clock
from ioc_pipelines.demo.common import PROVINCES, Province, Truth

__all__ = ["GENERATED_SOURCES", "PROVINCES", "generate_province"]

GENERATED_SOURCES = ("population", "households", "housing", "land_permits", "indicators",
                     "finance", "enterprises", "feedback", "iot", "map", "planning")


def generate_province(out: Path, *, province: str = "laichau", scale: float = 0.02,
                      seed: int = 7, months: int = 12, as_of: date | None = None,
                      log: Callable[[str], None] = lambda _m: None) -> dict:
    """Generate every source for ``months`` months before ``as_of``; return the manifest."""
    from ioc_pipelines.demo import (
        enterprises,
        feedback,
        finance,
        households,
        indicators,
        iot,
        land_permits,
        maps,
        population,
    )

    if months < 1:
        raise ValueError("--months must be at least 1")
    as_of = as_of or clock.today()
    truth = Truth(Path(out), Province.load(province), as_of=as_of)
    started = time.perf_counter()

    def step(label: str, fn, *args, **kwargs):
        t0 = time.perf_counter()
        result = fn(*args, **kwargs)
        log(f"  {label:<13} {time.perf_counter() - t0:6.1f} s")
        return result

    _manifest, people = step("population", population.generate_population, truth, scale=scale,
                             seed=seed, as_of=as_of)
    step("households", households.generate_households, truth, people, as_of, seed, 0.01)
    del people
    step("land_permits", land_permits.generate_land_permits, truth, as_of, months, seed, scale)
    step("indicators", indicators.generate_indicators, truth, as_of, months, seed, scale)
    step("finance", finance.generate_finance, truth, as_of, months, seed, scale)
    step("enterprises", enterprises.generate_enterprises, truth, as_of, months, seed, scale)
    step("feedback", feedback.generate_feedback, truth, as_of, months, seed, scale)
    step("iot", iot.generate_iot, truth, as_of, months, seed, scale)
    step("map", maps.generate_map, truth, as_of, seed)
    step("planning", maps.generate_planning, truth, as_of, seed)
    meta = {"province": province, "province_code": truth.province.code, "scale": scale,
            "seed": seed, "months": months, "as_of": as_of.isoformat(),
            "generated_in_seconds": round(time.perf_counter() - started, 1)}
    path = truth.write(meta)
    return {**meta, "manifest": str(path), "deliveries": truth.deliveries,
            "missing_deliveries": truth.missing, "defects": truth.defects,
            "counts": truth.counts}
