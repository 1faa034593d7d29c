"""Demo IoT: air-quality, water-level and rain stations at real places, 5-minute readings with
daily cycles, delivered as daily CSV drops — and, on the last day, the same platforms' NGSI-LD
(air quality) and SensorThings (water level) payloads. Stuck sensors, gaps, out-of-order and
duplicate readings, impossible values, and missing or late drops are recorded in the truth."""

from __future__ import annotations

import json
import random
import re
from datetime import date, datetime, timedelta

import numpy as np
import polars as pl

from ioc_pipelines.demo.common import Province, Truth, write_csv
from ioc_pipelines.demo.periodic import months_before, volume

KINDS = [("air_quality", 0.4), ("water_level", 0.35), ("rainfall", 0.25)]
QUANTITIES = {"air_quality": [("pm25", "µg/m³"), ("pm10", "µg/m³")],
              "water_level": [("water_level", "cm")], "rainfall": [("rainfall", "mm")]}
STEPS = 288  # 5-minute readings per day


def _sites(province: Province, rng: random.Random) -> dict[str, list]:
    """Each kind's communes in the order its stations take them: air quality in the
    province's towns (its wards), water level first at the communes that bear one of its
    rivers' names (Xã Sông Mã on the Mã), rain gauges anywhere. The reference has no
    river lines, so a river named elsewhere is only the station's label."""
    towns = [c for c in province.communes if c.level == "phường"] or province.communes
    on_river = [c for c in province.communes if _river_of(c.name, province.info["rivers"])]
    rest = [c for c in province.communes if c not in on_river]
    return {"air_quality": rng.sample(towns, len(towns)),
            "water_level": on_river + rng.sample(rest, len(rest)),
            "rainfall": rng.sample(province.communes, len(province.communes))}


def _river_of(name: str, rivers: list[str]) -> str | None:
    """The river whose whole name a commune's name carries (Xã Sông Mã: Sông Mã), if any."""
    return next((r for r in rivers
                 if re.search(rf"\b{re.escape(r.casefold())}\b", name.casefold())), None)


def _sensors(truth: Truth, scale: float, seed: int) -> list[dict]:
    """Stations at real places: a commune's first station stands at its centroid (the
    reference's; the town's centre for a ward), any more in it at random points inside
    its boundary."""
    province = truth.province
    rng = random.Random(seed + 71)
    nrng = np.random.default_rng(seed + 72)
    n = volume(province.info["sensors"], scale, 6)
    sites = _sites(province, rng)
    taken: dict[str, int] = {k: 0 for k in sites}
    placed: set[str] = set()
    sensors = []
    for i in range(n):
        kind = KINDS[i % 3][0] if i < 3 else rng.choices([k for k, _ in KINDS],
                                                         [w for _, w in KINDS])[0]
        order = sites[kind]
        commune = order[taken[kind] % len(order)]
        taken[kind] += 1
        if commune.code in placed:
            lon, lat = (float(v[0]) for v in province.points_in(commune, 1, nrng))
        else:
            lon, lat = commune.lon, commune.lat
            placed.add(commune.code)
        river = ""
        if kind == "water_level":
            river = (_river_of(commune.name, province.info["rivers"])
                     or rng.choice(province.info["rivers"]))
        code = {"air_quality": "KK", "water_level": "MN", "rainfall": "MUA"}[kind]
        base_level = rng.uniform(*province.info["water_base"])
        sensors.append({
            "id": f"{province.code}-{code}-{i + 1:04d}", "kind": kind, "commune": commune.code,
            "name": f"Trạm {'quan trắc không khí' if kind == 'air_quality' else 'đo mực nước' if kind == 'water_level' else 'đo mưa'} {commune.name}",
            "lon": round(lon, 6), "lat": round(lat, 6), "river": river,
            "base": base_level if kind == "water_level" else rng.uniform(12, 40),
            "alerts": [round(base_level + d, 0) for d in (150, 250, 350)]
            if kind == "water_level" else ["", "", ""],
        })
    return sensors


def _day_values(sensors: list[dict], day: date, nrng: np.random.Generator
                ) -> tuple[list[tuple[str, str, str]], np.ndarray]:
    """Series (sensor, quantity, unit) and their (S, 288) values for one day."""
    hours = np.arange(STEPS) * 5 / 60
    season = np.cos((day.timetuple().tm_yday - 200) / 365 * 2 * np.pi)  # wet in summer
    series, rows = [], []
    diurnal = 1 + 0.5 * np.exp(-((hours - 8) / 1.5) ** 2) + 0.6 * np.exp(-((hours - 19.5) / 2) ** 2)
    for s in sensors:
        if s["kind"] == "air_quality":
            pm25 = s["base"] * (1 - 0.3 * season) * diurnal * nrng.lognormal(0, 0.12, STEPS)
            series += [(s["id"], "pm25", "µg/m³"), (s["id"], "pm10", "µg/m³")]
            rows += [np.round(pm25, 1), np.round(pm25 * 1.6 + nrng.normal(0, 2, STEPS), 1)]
        elif s["kind"] == "water_level":
            swell = 80 * max(season, 0) + 15 * np.sin(hours / 24 * 2 * np.pi)
            level = s["base"] + swell + np.cumsum(nrng.normal(0, 0.6, STEPS))
            series.append((s["id"], "water_level", "cm"))
            rows.append(np.round(level, 1))
        else:
            shower = nrng.random() < 0.15 + 0.25 * max(season, 0)
            rain = np.where(nrng.random(STEPS) < (0.25 if shower else 0.0),
                            nrng.gamma(1.5, 0.8, STEPS), 0.0)
            series.append((s["id"], "rainfall", "mm"))
            rows.append(np.round(rain, 1))
    return series, np.vstack(rows)


def generate_iot(truth: Truth, as_of: date, months: int, seed: int, scale: float) -> None:
    rng = random.Random(seed + 73)
    nrng = np.random.default_rng(seed + 74)
    sensors = _sensors(truth, scale, seed)
    first = months_before(as_of, months)[0]
    headers = ["Mã trạm", "Loại trạm", "Tên trạm", "Kinh độ", "Vĩ độ", "Mã xã", "Sông",
               "Báo động 1", "Báo động 2", "Báo động 3"]
    truth.deliver("iot", "SNNMT", first, "danh_muc_tram.csv",
                  lambda p: write_csv(p, headers, [[s["id"], s["kind"], s["name"], s["lon"],
                                                     s["lat"], s["commune"], s["river"],
                                                     *s["alerts"]] for s in sensors]),
                  {"iot__sensors": len(sensors)})
    days = [first + timedelta(days=i) for i in range((as_of - first).days)]
    missing_day = days[len(days) // 3] if len(days) > 5 else None
    late_day = days[len(days) // 2] if len(days) > 5 else None
    total = 0
    for day in days:
        series, values = _day_values(sensors, day, nrng)
        last = day == days[-1]
        due = day + timedelta(days=1)
        if day == missing_day:
            truth.miss("iot", "SNNMT", day.isoformat(), due)
            continue
        if last:
            total += _platform_payloads(truth, sensors, series, values, day, due)
            continue
        frame, defects = _with_defects(series, values, day, rng, every=day == days[0])
        when = due + timedelta(days=2) if day == late_day else due
        if when > as_of:
            when = as_of
        name = f"quan_trac_{day:%Y%m%d}.csv"
        path = truth.deliver("iot", "SNNMT", when, name,
                             lambda p, f=frame: f.write_csv(p),
                             {"iot__readings": frame.height}, due=due, period=day.isoformat())
        total += frame.height
        for record_number, kind, detail in defects:
            truth.defect("iot", "iot__readings", path.name, record_number,
                         "value" if record_number else "observed_at", kind, **detail)
    truth.counts["sensors"] = len(sensors)
    truth.counts["readings_delivered"] = total


def _with_defects(series, values, day: date, rng: random.Random, every: bool = False):
    """The day's readings as a delivered CSV frame, with some defects (each kind on about a
    third of the days; all of them when ``every``); (frame, defects)."""
    n_series = len(series)
    chance = 2.0 if every else 0.3
    values = values.copy()
    kind = np.full(values.shape, None, dtype=object)
    removed = np.zeros(values.shape, dtype=bool)
    gaps = []
    if rng.random() < chance:  # a sensor stuck for six hours (a dry rain gauge stuck at 0
        # cannot be told from no rain: stick a series that reads something)
        s, a = rng.randrange(n_series), rng.randrange(0, STEPS - 72)
        while values[s, a] == 0:
            s, a = rng.randrange(n_series), rng.randrange(0, STEPS - 72)
        values[s, a:a + 72] = values[s, a]
        kind[s, a + 1:a + 72] = "stuck_sensor"
    if rng.random() < chance:  # two hours missing
        s, a = rng.randrange(n_series), rng.randrange(0, STEPS - 24)
        removed[s, a:a + 24] = True
        gaps.append({"sensor_id": series[s][0], "quantity": series[s][1],
                     "from": _stamp(day, a), "to": _stamp(day, a + 23)})
    if rng.random() < chance:  # impossible value
        s, i = rng.randrange(n_series), rng.randrange(STEPS)
        values[s, i] = -5.0 if series[s][1] != "water_level" else -999.0
        kind[s, i] = "out_of_range"
    sensor = np.repeat([x[0] for x in series], STEPS)
    quantity = np.repeat([x[1] for x in series], STEPS)
    unit = np.repeat([x[2] for x in series], STEPS)
    frame = pl.DataFrame({
        "ma_tram": sensor, "thoi_gian": np.tile([_stamp(day, i) for i in range(STEPS)], n_series),
        "thong_so": quantity, "gia_tri": values.ravel(), "don_vi": unit,
        "__kind": pl.Series(kind.ravel().tolist(), dtype=pl.Utf8),
        "__removed": removed.ravel(),
        "__pos": np.arange(values.size, dtype=float),
    }).filter(~pl.col("__removed"))
    extra = []
    if rng.random() < chance:  # a block of six readings of one series in reverse order
        # inside one series, away from other defects (one defect type per record)
        series_of = frame["ma_tram"] + "|" + frame["thong_so"]
        marked = frame["__kind"].is_not_null().to_list()

        def clean_block(start: int) -> bool:
            return series_of[start] == series_of[start + 5] and not any(
                marked[max(start - 1, 0):start + 7])

        start = rng.randrange(0, frame.height - 6)
        while not clean_block(start):
            start = rng.randrange(0, frame.height - 6)
        pos = frame["__pos"].to_numpy().copy()
        pos[start:start + 6] = pos[start:start + 6][::-1]
        kinds = frame["__kind"].to_list()
        # reversed, rows start+5 … start+1 come first and each is later than the next one;
        # row `start` (now last of the block) is followed by the rest of the series in order
        for i in range(start + 1, start + 6):
            kinds[i] = kinds[i] or "out_of_order"
        frame = frame.with_columns(pl.Series("__pos", pos),
                                   pl.Series("__kind", kinds, dtype=pl.Utf8))
    if rng.random() < chance:  # the same readings sent twice
        start = rng.randrange(0, frame.height - 3)
        extra.append(frame.slice(start, 3).with_columns(pl.col("__pos") + 0.5,
                                                        pl.lit("duplicate_reading").alias("__kind")))
    frame = pl.concat([frame, *extra]).sort("__pos")
    defects = [(i + 1, k, {}) for i, k in enumerate(frame["__kind"].to_list()) if k]
    defects += [(None, "gap", g) for g in gaps]
    return frame.drop("__kind", "__removed", "__pos"), defects


def _stamp(day: date, step: int) -> str:
    return (datetime.combine(day, datetime.min.time()) + timedelta(minutes=5 * step)
            ).strftime("%Y-%m-%d %H:%M:%S")


def _platform_payloads(truth: Truth, sensors, series, values, day: date, due: date) -> int:
    """The last day comes from the platforms themselves: NGSI-LD and SensorThings."""
    kind_of = {s["id"]: s for s in sensors}
    steps = range(STEPS)
    entities, things, csv_rows = [], {}, []
    for (sid, quantity, unit), row in zip(series, values, strict=True):
        s = kind_of[sid]
        if s["kind"] == "air_quality":
            for i in steps:
                entities.append((sid, i, quantity, float(row[i])))
        elif s["kind"] == "water_level":
            things.setdefault(sid, []).extend((i, float(row[i])) for i in range(STEPS))
        else:
            csv_rows += [[sid, _stamp(day, i), quantity, float(row[i]), unit]
                         for i in range(STEPS)]
    count = 0
    if entities:
        by_key: dict = {}
        for sid, i, quantity, value in entities:
            by_key.setdefault((sid, i), {})[quantity] = value
        docs = []
        for (sid, i), qs in by_key.items():
            when = _stamp(day, i).replace(" ", "T") + "+07:00"
            doc = {"id": f"urn:ngsi-ld:AirQualityObserved:{sid}", "type": "AirQualityObserved",
                   "dateObserved": {"type": "Property", "value": when},
                   "location": {"type": "GeoProperty", "value": {
                       "type": "Point", "coordinates": [kind_of[sid]["lon"], kind_of[sid]["lat"]]}},
                   "name": {"type": "Property", "value": kind_of[sid]["name"]},
                   "@context": ["https://smartdatamodels.org/context.jsonld"]}
            for q, v in qs.items():
                doc[q] = {"type": "Property", "value": v, "unitCode": "GQ", "observedAt": when}
            docs.append(doc)
        count += sum(len(qs) for qs in by_key.values())
        truth.deliver("iot", "IOC_NGSI", due, f"air_quality_{day:%Y%m%d}.jsonld",
                      lambda p: p.write_text(json.dumps(docs, ensure_ascii=False),
                                             encoding="utf-8"),
                      {"iot__readings": count, "iot__sensors": len({k[0] for k in by_key})},
                      due=due, period=day.isoformat())
    if things:
        payload = {"value": [{
            "@iot.id": sid, "name": kind_of[sid]["name"],
            "properties": {"river": kind_of[sid]["river"], "alert_levels": kind_of[sid]["alerts"]},
            "Locations": [{"location": {"type": "Point", "coordinates": [kind_of[sid]["lon"],
                                                                         kind_of[sid]["lat"]]}}],
            "Datastreams": [{"@iot.id": f"{sid}:water_level", "name": "water_level",
                             "unitOfMeasurement": {"name": "centimetre", "symbol": "cm"},
                             "ObservedProperty": {"name": "water_level"},
                             "Observations": [{"phenomenonTime": _stamp(day, i).replace(" ", "T")
                                               + "+07:00", "result": v} for i, v in obs]}],
        } for sid, obs in things.items()]}
        n = sum(len(o) for o in things.values())
        count += n
        truth.deliver("iot", "TTKTTV", due, f"muc_nuoc_{day:%Y%m%d}.json",
                      lambda p: p.write_text(json.dumps(payload, ensure_ascii=False),
                                             encoding="utf-8"),
                      {"iot__readings": n, "iot__sensors": len(things)},
                      due=due, period=day.isoformat())
    if csv_rows:
        truth.deliver("iot", "SNNMT", due, f"quan_trac_{day:%Y%m%d}.csv",
                      lambda p: write_csv(p, ["ma_tram", "thoi_gian", "thong_so", "gia_tri",
                                               "don_vi"], csv_rows, encoding="utf-8"),
                      {"iot__readings": len(csv_rows)}, due=due, period=day.isoformat())
        count += len(csv_rows)
    return count
