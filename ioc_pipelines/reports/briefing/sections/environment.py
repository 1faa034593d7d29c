"""Môi trường và sự cố mực nước: PM2.5 exceedance days and episodes against QCVN
05:2023/BTNMT and water levels above alarm levels, with the sensor map (marts
``pm25_exceedance_days``, ``pm25_exceedance_events``, ``water_level_events``, ``dim_sensors``)."""

from __future__ import annotations

from ioc_pipelines.reports.briefing.context import Context
from ioc_pipelines.reports.briefing.parts import Card, Section, Table, num, text
from ioc_pipelines.reports.briefing.sections.maps import commune_shapes
from ioc_pipelines.reports.maps import choropleth

EXCEEDED, AIR, HYDRO = "#b03a2e", "#1e8449", "#1f618d"


def section(ctx: Context) -> Section:
    s = Section("moi-truong", "Môi trường và sự cố mực nước",
                ["pm25_exceedance_days", "pm25_exceedance_events", "water_level_events",
                 "dim_sensors"], ["iot"])
    sensors = ctx.query("sensors")
    window = {"start": ctx.period.start, "end": ctx.period.end,
              "sensors": [r["sensor_id"] for r in sensors]}
    days = ctx.query("pm25_days", **window)
    events = ctx.query("pm25_events", **window)
    water = ctx.query("water_events", **window)
    names = {r["sensor_id"]: r["sensor_name"] for r in sensors}
    exceed = {r["sensor_id"]: r["days"] for r in days}
    s.cards = [Card("Trạm quan trắc", num(len(sensors), "env:sensors")),
               Card("Ngày PM2.5 vượt QCVN (trạm × ngày)",
                    num(sum(exceed.values()), "env:pm25_days", css="bad" if exceed else "ok")),
               Card("Đợt ô nhiễm PM2.5", num(len(events), "env:pm25_events")),
               Card("Sự cố mực nước vượt báo động", num(len(water), "env:water_events",
                                                        css="bad" if water else "ok"))]
    points = [(r["longitude"], r["latitude"],
               f"{r['sensor_name'] or r['sensor_id']}: {r['sensor_id']}, "
               f"{exceed.get(r['sensor_id'], 0)} ngày vượt",
               EXCEEDED if exceed.get(r["sensor_id"]) else
               AIR if r["sensor_type"] == "AirQualityObserved" else HYDRO)
              for r in sensors if r["longitude"] is not None and r["latitude"] is not None]
    s.charts.append(("Vị trí trạm quan trắc và trạm có ngày PM2.5 vượt ngưỡng trong kỳ",
                     choropleth(commune_shapes(ctx), {}, "Trạm quan trắc", points=points,
                                point_legend=[(EXCEEDED, "có ngày PM2.5 vượt ngưỡng"),
                                              (AIR, "trạm không khí"),
                                              (HYDRO, "trạm thủy văn, đo mưa")])))
    s.tables.append(Table(
        "Số ngày trung bình 24 giờ PM2.5 vượt ngưỡng QCVN 05:2023/BTNMT",
        [("Trạm", False), ("Tên trạm", False), ("Số ngày vượt", True),
         ("TB 24h cao nhất (µg/m³)", True), ("Đỉnh 1 giờ (µg/m³)", True), ("Ngưỡng", True)],
        [[text(r["sensor_id"]), text(names.get(r["sensor_id"])),
          num(r["days"], f"env:{r['sensor_id']}:pm25_days"), num(r["max_mean"]),
          num(r["peak"]), num(r["limit_24h"])] for r in days],
        "Không có ngày vượt ngưỡng trong kỳ."))
    s.tables.append(Table(
        "Sự cố mực nước vượt mức báo động",
        [("Trạm", False), ("Tên trạm", False), ("Bắt đầu", False), ("Kết thúc", False),
         ("Mực nước cao nhất", True), ("Cấp báo động", True)],
        [[text(r["sensor_id"]), text(names.get(r["sensor_id"])),
          text(f"{r['started_at']:%H:%M %d/%m/%Y}"),
          text(f"{r['ended_at']:%H:%M %d/%m/%Y}" if r["ended_at"] else "đang diễn ra"),
          num(r["peak_level"]), num(r["highest_alarm_level"])] for r in water],
        "Không có sự cố mực nước vượt báo động trong kỳ."))
    return s
