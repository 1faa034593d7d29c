"""The live path's alerts: an exceedance episode of the live marts (and its end) becomes an
alert in the outbox, its message in Vietnamese with the figure, the station, its commune,
the time and a link — the dedup key is the episode and its level, so each is raised once."""

from __future__ import annotations

from datetime import UTC, datetime

from ioc_pipelines.clock import TZ
from ioc_pipelines.core import alert_rules, alerts, vi_format
from ioc_pipelines.resources.lakes import LIVE
from ioc_pipelines.settings import Settings

QUANTITY_VI = {"pm25": "bụi PM2.5 (trung bình 24 giờ)", "water_level": "mực nước",
               "rainfall": "lượng mưa 24 giờ"}
QUANTITY_LABEL = {"pm25": "Bụi PM2.5", "pm10": "Bụi PM10", "water_level": "Mực nước",
                  "rainfall": "Lượng mưa"}
UNITS = {"GQ": "µg/m³", "MTR": "m", "CMT": "cm", "MMT": "mm", "C62": ""}  # UN/CEFACT codes
LEVEL_VI = {"pm25": {1: "vượt QCVN 05:2023/BTNMT"},
            "water_level": {1: "báo động I", 2: "báo động II", 3: "báo động III"},
            "rainfall": {1: "mưa to", 2: "mưa rất to", 3: "mưa đặc biệt to"}}



SENSOR_RULES = ("sensor_exceedance", "sensor_recovered", "sensor_silent", "sensor_stuck",
                "live_gate_failed")
STATUS_VI = {"exceeding": "vượt ngưỡng", "silent": "mất tín hiệu", "stuck": "số liệu không đổi",
             "out_of_range": "ngoài khoảng đo", "normal": "bình thường"}


def live_view(settings: Settings) -> dict:
    """What the portal's live page shows: every sensor's status, the open episodes, the
    newest sensor alerts — read from the published live marts and the outbox."""
    from ioc_pipelines.core import live

    view = live.status(settings, spool=False)
    for row in view["sensors"] + view["open_episodes"]:
        for key in ("last_observed_at", "started_at"):
            if row.get(key) is not None:
                row[key] = _local(row[key])
    for row in view["sensors"]:
        row["status_vi"] = STATUS_VI.get(row["status"], row["status"])
        row["quantity_label"] = QUANTITY_LABEL.get(row["quantity"], row["quantity"])
        row["unit_vi"] = UNITS.get(row.get("unit") or "", row.get("unit") or "")
    for row in view["open_episodes"]:
        row["quantity_vi"] = QUANTITY_VI.get(row["quantity"], row["quantity"])
        row["level_vi"] = LEVEL_VI.get(row["quantity"], {}).get(int(row["peak_level"]),
                                                               f"mức {row['peak_level']}")
    view["alerts"] = [{**a, "created_at": _local(datetime.fromisoformat(a["created_at"]))}
                      for a in alerts.recent(settings, limit=50, rules=SENSOR_RULES)]
    return view


def _local(moment: datetime) -> datetime:
    """A time as the province reads it (naive times of the stores are UTC)."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(TZ)


def silent_minutes(settings: Settings) -> int:
    """After how many minutes without a reading a sensor is silent (rule ``sensor_silent``)."""
    return int(alert_rules.rules(settings)["sensor_silent"].get("minutes", 30))


def _place(row: dict) -> str:
    name = row.get("sensor_name") or row["sensor_id"]
    commune = f", xã/phường mã {row['commune_code']}" if row.get("commune_code") else ""
    return f"trạm {name} ({row['sensor_id']}{commune})"


def _first_upper(text: str) -> str:
    return text[:1].upper() + text[1:]


def episode_alerts(settings: Settings, con) -> int:
    """Exceedance and recovery alerts of the live marts' episodes (dedup key: the episode and
    its level; its end), and silent or stuck sensors (the key: the last reading before the
    silence; the day it is stuck). Only the past day: history is not re-announced."""
    rows = con.execute(
        f"SELECT e.*, s.sensor_name, s.commune_code FROM {LIVE}.marts.live_exceedance_episodes "
        f"e LEFT JOIN {LIVE}.reference.sensors s USING (sensor_id) WHERE coalesce(e.ended_at, "
        "e.last_exceeding_at) >= now() - INTERVAL 1 DAY ORDER BY e.started_at").fetchall()
    names = [d[0] for d in con.description]
    found = []
    link = f"{settings.live.portal_url}/live"
    for values in rows:
        row = dict(zip(names, values, strict=True))
        quantity, level = row["quantity"], int(row["peak_level"])
        what = QUANTITY_VI.get(quantity, quantity)
        level_vi = LEVEL_VI.get(quantity, {}).get(level, f"mức {level}")
        unit = UNITS.get(row.get("unit") or "", row.get("unit") or "")
        started = f"{row['started_at']:%H:%M %d/%m/%Y}"
        found.append(alerts.Alert(
            "sensor_exceedance", f"exceedance|{row['episode_id']}|{level}",
            f"[IOC] {_first_upper(level_vi)}: {what} tại {_place(row)}",
            f"{_first_upper(what)} tại {_place(row)} {level_vi}: cao nhất "
            f"{vi_format.figure(row['peak_measure'])} {unit} (ngưỡng "
            f"{vi_format.figure(row['threshold'])} {unit}), từ {started}.",
            f"sensor/{row['sensor_id']}", commune_code=row.get("commune_code"), link=link))
        if row["ended_at"] is not None:
            ended = f"{row['ended_at']:%H:%M %d/%m/%Y}"
            found.append(alerts.Alert(
                "sensor_recovered", f"recovered|{row['episode_id']}",
                f"[IOC] Đã trở lại dưới ngưỡng: {what} tại {_place(row)}",
                f"{_first_upper(what)} tại {_place(row)} đã trở lại dưới ngưỡng lúc {ended} "
                f"(đợt từ {started}, cao nhất {vi_format.figure(row['peak_measure'])} {unit}).",
                f"sensor/{row['sensor_id']}", commune_code=row.get("commune_code"),
                link=link))
    found += _status_alerts(settings, con, link)
    return alerts.raise_new(settings, found)


def _status_alerts(settings: Settings, con, link: str) -> list[alerts.Alert]:
    rows = con.execute(
        f"SELECT sensor_id, sensor_name, commune_code, quantity, status, last_observed_at, "
        f"last_value, unit FROM {LIVE}.marts.live_sensor_status "
        "WHERE status IN ('silent', 'stuck') ORDER BY sensor_id, quantity").fetchall()
    found = []
    for sensor_id, name, commune, quantity, status, last, value, unit in rows:
        row = {"sensor_id": sensor_id, "sensor_name": name, "commune_code": commune}
        what = QUANTITY_VI.get(quantity, quantity)
        when = f"{last:%H:%M %d/%m/%Y}"
        if status == "silent":
            found.append(alerts.Alert(
                "sensor_silent", f"silent|{sensor_id}|{quantity}|{last:%Y-%m-%dT%H:%M:%S}",
                f"[IOC] Mất tín hiệu: {_place(row)}",
                f"{_first_upper(_place(row))} không gửi số liệu {what} từ {when} (quá "
                f"{silent_minutes(settings)} phút). Đề nghị kiểm tra thiết bị và đường "
                "truyền.",
                f"sensor/{sensor_id}", commune_code=commune, link=link))
        else:
            shown = UNITS.get(unit or "", unit or "")
            found.append(alerts.Alert(
                "sensor_stuck", f"stuck|{sensor_id}|{quantity}|{last:%Y-%m-%d}",
                f"[IOC] Số liệu không đổi bất thường: {_place(row)}",
                f"{_first_upper(_place(row))} gửi số liệu {what} không đổi "
                f"({vi_format.figure(value)} {shown}) đến {when}: có thể cảm biến bị kẹt. Đề "
                "nghị kiểm tra thiết bị.",
                f"sensor/{sensor_id}", commune_code=commune, link=link))
    return found
