"""The live path's alerts: an exceedance episode of the live marts (and its end) becomes an
alert in the outbox, its message in Vietnamese with the figure, the station, its commune,
the time and a link — the dedup key is the episode and its level, so each is raised once."""

from __future__ import annotations

from ioc_pipelines.core import alerts
from ioc_pipelines.resources.lakes import LIVE
from ioc_pipelines.settings import Settings

QUANTITY_VI = {"pm25": "bụi PM2.5 (trung bình 24 giờ)", "water_level": "mực nước",
               "rainfall": "lượng mưa 24 giờ"}
UNITS = {"GQ": "µg/m³", "MTR": "m", "CMT": "cm", "MMT": "mm", "C62": ""}  # UN/CEFACT codes
LEVEL_VI = {"pm25": {1: "vượt QCVN 05:2023/BTNMT"},
            "water_level": {1: "báo động I", 2: "báo động II", 3: "báo động III"},
            "rainfall": {1: "mưa to", 2: "mưa rất to", 3: "mưa đặc biệt to"}}



def _place(row: dict) -> str:
    name = row.get("sensor_name") or row["sensor_id"]
    commune = f", xã/phường mã {row['commune_code']}" if row.get("commune_code") else ""
    return f"trạm {name} ({row['sensor_id']}{commune})"


def _first_upper(text: str) -> str:
    return text[:1].upper() + text[1:]


def _number(value) -> str:
    return f"{value:,.1f}".replace(",", " ").replace(".", ",") if value is not None else "?"


def _raise_new(settings: Settings, alert: alerts.Alert, known: set[str]) -> bool:
    if alert.dedup_key in known:
        return False
    return alerts.raise_alert(settings, alert) is not None


def episode_alerts(settings: Settings, con) -> int:
    """Exceedance and recovery alerts of the live marts' episodes (dedup key: the episode and
    its level; its end). Only episodes of the past day: history is not re-announced."""
    rows = con.execute(
        f"SELECT e.*, s.sensor_name, s.commune_code FROM {LIVE}.marts.live_exceedance_episodes "
        f"e LEFT JOIN {LIVE}.reference.sensors s USING (sensor_id) WHERE coalesce(e.ended_at, "
        "e.last_exceeding_at) >= now() - INTERVAL 1 DAY ORDER BY e.started_at").fetchall()
    names = [d[0] for d in con.description]
    raised = 0
    # the episodes' alerts already in the outbox, read once: an open episode is seen by every
    # batch and must not cost a refused insert each time
    known = alerts.raised_keys(settings, [f"{kind}|{row[names.index('episode_id')]}"
                                          for row in rows for kind in ("exceedance",
                                                                       "recovered")])
    link = f"{settings.live.portal_url}/inbox"  # the /live page is not built yet
    for values in rows:
        row = dict(zip(names, values, strict=True))
        quantity, level = row["quantity"], int(row["peak_level"])
        what = QUANTITY_VI.get(quantity, quantity)
        level_vi = LEVEL_VI.get(quantity, {}).get(level, f"mức {level}")
        unit = UNITS.get(row.get("unit") or "", row.get("unit") or "")
        started = f"{row['started_at']:%H:%M %d/%m/%Y}"
        alert = alerts.Alert(
            "sensor_exceedance", f"exceedance|{row['episode_id']}|{level}",
            f"[IOC] {_first_upper(level_vi)}: {what} tại {_place(row)}",
            f"{_first_upper(what)} tại {_place(row)} {level_vi}: cao nhất "
            f"{_number(row['peak_measure'])} {unit} (ngưỡng {_number(row['threshold'])} "
            f"{unit}), từ {started}.",
            f"sensor/{row['sensor_id']}", commune_code=row.get("commune_code"), link=link)
        raised += _raise_new(settings, alert, known)
        if row["ended_at"] is not None:
            ended = f"{row['ended_at']:%H:%M %d/%m/%Y}"
            alert = alerts.Alert(
                "sensor_recovered", f"recovered|{row['episode_id']}",
                f"[IOC] Đã trở lại dưới ngưỡng: {what} tại {_place(row)}",
                f"{_first_upper(what)} tại {_place(row)} đã trở lại dưới ngưỡng lúc {ended} "
                f"(đợt từ {started}, cao nhất {_number(row['peak_measure'])} {unit}).",
                f"sensor/{row['sensor_id']}", commune_code=row.get("commune_code"),
                link=link)
            raised += _raise_new(settings, alert, known)
    return raised
