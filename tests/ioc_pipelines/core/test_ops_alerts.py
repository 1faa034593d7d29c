"""The operational alerts on a real home: deliveries through the real ingest and raw load,
the outbox in the real operational database, the Dagster sensors evaluated against real runs
of a real instance. A late report reminds the provider that owes it and nobody else; a stale
feed alerts once, not at every look; a failed run and a failed freshness check reach the
admins through the sensors, once."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import dagster as dg
import pytest
from sqlalchemy import select

from ioc_pipelines.clock import TZ
from ioc_pipelines.core import accounts, alerts, event_alerts, ops_alerts, state
from ioc_pipelines.core.actors import Actor
from ioc_pipelines.core.live_deliver import LIVE_MARK
from ioc_pipelines.defs.alerts.sensors import alert_on_failed_runs, alert_on_stale_sources
from ioc_pipelines.resources.appdb import engine
from ioc_pipelines.resources.appdb.tables import notifications
from ioc_pipelines.resources.lakes import connect
from tests.dbt_project.lake import deliver, home_settings, load

PASSWORD = "Mật-khẩu-thử-2026"
HEADER = "Mã chỉ tiêu;Chỉ tiêu;Đơn vị tính;Kỳ báo cáo;Kế hoạch năm;Thực hiện;Lũy kế\n"
PEOPLE = {  # username: (role, providers, e-mail)
    "admin.a": ("admin", (), "admin@ioc.test"),
    "syt.b": ("provider", ("SYT",), "syt@soyte.test"),
    "sct.c": ("provider", ("SCT",), "sct@congthuong.test"),
    "leader.d": ("leader", (), "leader@ubnd.test"),
}


@pytest.fixture
def home(tmp_path):
    settings = home_settings(tmp_path / "ioc")
    ids = {}
    for username, (role, providers, email) in PEOPLE.items():
        account = accounts.create(settings, Actor("test"), username=username,
                                  full_name=username, unit="Đơn vị thử", role=role,
                                  password=PASSWORD, providers=providers)
        accounts.set_email(settings, Actor("test"), username, email)
        ids[username] = account.account_id
    return settings, ids


def _report(tmp_path, provider: str, period: str, code: str) -> object:
    path = tmp_path / f"{provider}__bao_cao_{period}.csv"
    path.write_text(HEADER + f"{code};Chỉ tiêu thử;ca;{period};1200;100;\n", encoding="utf-8")
    return path


def _inboxes(settings, alert_id: int) -> set[int]:
    with engine(settings).connect() as con:
        return set(con.execute(select(notifications.c.account_id)
                               .where(notifications.c.alert_id == alert_id)).scalars())


def _by_key(settings) -> dict[str, dict]:
    return {a["key"]: a for a in alerts.recent(settings, limit=1000)}


def test_a_late_report_reminds_that_provider_only(home, tmp_path):
    settings, ids = home
    # September came from both departments; October only from the industry department
    deliver(settings, "indicators", _report(tmp_path, "SYT", "2026-09", "XH-16-03"),
            date(2026, 10, 3))
    deliver(settings, "indicators", _report(tmp_path, "SCT", "2026-09", "KT-10-01"),
            date(2026, 10, 3))
    deliver(settings, "indicators", _report(tmp_path, "SCT", "2026-10", "KT-10-01"),
            date(2026, 11, 4))
    load(settings, "indicators")

    # 8 November: October's reports were due on the 5th
    now = datetime(2026, 11, 8, 9, 0, tzinfo=TZ)
    report = ops_alerts.watch(settings, now=now)
    assert report.raised >= 1
    raised = _by_key(settings)
    late = raised["delivery_late|indicators|SYT|2026-10"]
    assert late["rule"] == "delivery_late" and late["provider_code"] == "SYT"
    assert "Sở Y tế (SYT)" in late["body"] and "05/11/2026" in late["body"]
    # to the health department's account and its address — nobody else
    assert _inboxes(settings, late["alert_id"]) == {ids["syt.b"]}
    assert {(s["channel"]) for s in late["sends"]} == {"inbox", "email"}
    with engine(settings).connect() as con:
        from ioc_pipelines.resources.appdb.tables import alert_sends

        recipients = set(con.execute(select(alert_sends.c.recipient).where(
            alert_sends.c.alert_id == late["alert_id"])).scalars())
    assert recipients == {str(ids["syt.b"]), "syt@soyte.test"}
    # the industry department delivered: nothing for it; September came from both. (The
    # departments that sent nothing at all are missing, each to its own accounts.)
    assert "delivery_late|indicators|SCT|2026-10" not in raised
    assert not any(f"|{p}|2026-09" in key for key in raised for p in ("SYT", "SCT"))
    assert "delivery_missing|indicators|STC|2026-09" in raised
    # November's report is due on 5 December: no reminder yet on 8 November (3 days before)
    assert not any(key.startswith("delivery_due|") for key in raised)

    # looking again raises nothing new; a week later October is *missing* (and the admins
    # hear of it), the late alert is not repeated
    assert ops_alerts.watch(settings, now=now + timedelta(minutes=5)).raised == 0
    ops_alerts.watch(settings, now=now + timedelta(days=7))
    raised = _by_key(settings)
    missing = raised["delivery_missing|indicators|SYT|2026-10"]
    assert _inboxes(settings, missing["alert_id"]) == {ids["syt.b"], ids["admin.a"]}
    assert sum(k.startswith("delivery_late|indicators|SYT|2026-10") for k in raised) == 1

    # 2 December: November's report is due on the 5th — a reminder, to that provider only
    ops_alerts.watch(settings, now=datetime(2026, 12, 2, 8, 0, tzinfo=TZ))
    due = _by_key(settings)["delivery_due|indicators|SYT|2026-11"]
    assert "còn 3 ngày" in due["body"]
    assert _inboxes(settings, due["alert_id"]) == {ids["syt.b"]}


IOT = "ma_tram,thoi_gian,thong_so,gia_tri,don_vi\n"


def _iot_file(tmp_path, name: str, when: datetime) -> object:
    path = tmp_path / name
    path.write_text(IOT + f"AQ-01,{when:%Y-%m-%d %H:%M},pm25,31.5,µg/m³\n", encoding="utf-8")
    return path


def test_a_stale_feed_alerts_once_not_at_every_look(home, tmp_path):
    settings, ids = home
    now = datetime.now(TZ)
    # a daily file: its SLA is 30 hours, so two hours later it is still in time
    deliver(settings, "iot", _iot_file(tmp_path, "SNNMT__a.csv", now - timedelta(minutes=20)))
    load(settings, "iot")
    assert ops_alerts.watch(settings, now=now + timedelta(hours=2),
                            only={"source_stale"}).raised == 0
    # the live path delivers (its files' names say so): fresh, its SLA is 30 minutes
    deliver(settings, "iot", _iot_file(tmp_path, f"SNNMT{LIVE_MARK}a.csv",
                                       now - timedelta(minutes=10)))
    load(settings, "iot")
    assert ops_alerts.watch(settings, now=now, only={"source_stale"}).raised == 0
    # stale two hours later — one alert to the admins; every later look adds nothing
    later = now + timedelta(hours=2)
    assert ops_alerts.watch(settings, now=later, only={"source_stale"}).raised == 1
    for minutes in range(1, 6):
        assert ops_alerts.watch(settings, now=later + timedelta(minutes=minutes),
                                only={"source_stale"}).raised == 0
    [stale] = [a for a in alerts.recent(settings) if a["rule"] == "source_stale"]
    assert stale["key"].startswith("source_stale|iot|")
    assert "Cảm biến IoT" in stale["subject"]
    assert "đã 2,2 giờ, quá thời hạn cam kết 0,5 giờ" in stale["body"], stale["body"]
    assert _inboxes(settings, stale["alert_id"]) == {ids["admin.a"]}

    # a failed freshness check in a Dagster run: the sensor reads it after its cursor and
    # measures the source now — already raised, so nothing new; a new delivery that goes
    # stale in turn is a new alert
    with dg.instance_for_test() as instance:
        _run_failing_freshness_check(instance)
        with dg.build_sensor_context(instance=instance,
                                     resources={"settings": settings}) as context:
            said = alert_on_stale_sources(context)
        assert "stale: iot" in said.skip_message and "alerts raised 0" in said.skip_message
        cursor = context.cursor
        assert cursor and json.loads(cursor)["iot"] > 0
        with dg.build_sensor_context(instance=instance, cursor=cursor,
                                     resources={"settings": settings}) as again:
            assert alert_on_stale_sources(again).skip_message == ("no new freshness check "
                                                                  "evaluation")

        deliver(settings, "iot", _iot_file(tmp_path, f"SNNMT{LIVE_MARK}b.csv", now))
        load(settings, "iot")
        _run_failing_freshness_check(instance)
        with dg.build_sensor_context(instance=instance, cursor=cursor,
                                     resources={"settings": settings}) as third:
            said = alert_on_stale_sources(third)
    # the sensor measures now (the real clock): the new delivery is fresh, nothing raised
    assert "alerts raised 0" in said.skip_message
    assert ops_alerts.watch(settings, now=now + timedelta(hours=3),
                            only={"source_stale"}).raised == 1
    assert sum(a["rule"] == "source_stale" for a in alerts.recent(settings)) == 2


def _run_failing_freshness_check(instance) -> None:
    @dg.asset(key=["quality", "source_freshness"])
    def source_freshness():
        return None

    @dg.asset_check(asset=source_freshness, name="fresh_iot")
    def fresh_iot():
        return dg.AssetCheckResult(passed=False, severity=dg.AssetCheckSeverity.WARN)

    result = dg.materialize([source_freshness, fresh_iot], instance=instance,
                            raise_on_error=False)
    assert not result.get_asset_check_evaluations()[0].passed


def test_a_failed_run_alerts_the_admins_once(home):
    settings, ids = home

    @dg.op
    def load_something():
        raise dg.Failure(description="tệp hỏng")

    @dg.job(name="ioc_raw_iot_job")
    def failing_job():
        load_something()

    with dg.instance_for_test() as instance:
        result = failing_job.execute_in_process(instance=instance, raise_on_error=False)
        assert not result.success
        context = dg.build_run_status_sensor_context(
            sensor_name="alert_on_failed_runs", dagster_instance=instance,
            dagster_run=result.dagster_run, dagster_event=result.get_run_failure_event(),
            resources={"settings": settings}).for_run_failure()
        alert_on_failed_runs(context)
        alert_on_failed_runs(context)  # the same failure seen twice: one alert
    [failed] = [a for a in alerts.recent(settings) if a["rule"] == "run_failed"]
    assert failed["key"] == f"run_failed|{result.run_id}"
    assert "tệp hỏng" in failed["body"] and "ioc_raw_iot_job" in failed["subject"]
    assert _inboxes(settings, failed["alert_id"]) == {ids["admin.a"]}
    # the same run reported by the CLI door (ioc run raises it too): still one
    assert not event_alerts.run_failed(settings, run_id=result.run_id, job="ioc_raw_iot_job",
                                     failures=[], blocked=False)


def test_a_candidate_waiting_too_long_reaches_the_reviewers(home):
    settings, ids = home
    reviewer = accounts.create(settings, Actor("test"), username="review.e", full_name="Duyệt",
                               unit="Tổ liên ngành", role="reviewer", password=PASSWORD)
    with connect(settings) as con:
        state.ensure(con)
        number = state.insert_candidate(con, snapshot=1, run_id="run-waiting",
                                        awaiting={"population": ["d1"]}, checks={})
    now = datetime.now(TZ)
    assert ops_alerts.watch(settings, now=now, only={"candidate_waiting"}).raised == 0
    later = now + timedelta(hours=25)
    assert ops_alerts.watch(settings, now=later, only={"candidate_waiting"}).raised == 1
    assert ops_alerts.watch(settings, now=later, only={"candidate_waiting"}).raised == 0
    [waiting] = [a for a in alerts.recent(settings) if a["rule"] == "candidate_waiting"]
    assert waiting["key"] == f"candidate_waiting|{number}"
    assert waiting["link"].endswith(f"/candidates/{number}")  # the portal's review page
    assert _inboxes(settings, waiting["alert_id"]) == {reviewer.account_id, ids["admin.a"]}
