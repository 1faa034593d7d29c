import pytest

from connectors import ConnectorError
from ioc_pipelines.core.landing import safe_file_name


@pytest.mark.parametrize(
    ("delivered", "kept"),
    [
        ("dan_cu_12_20261122.csv", "dan_cu_12_20261122.csv"),
        ("Dân số xã Bình Lư.csv", "Dân số xã Bình Lư.csv"),
        ("../../etc/passwd.csv", "passwd.csv"),
        ("C:\\Users\\sở\\dan_cu.jsonl", "dan_cu.jsonl"),
        ("a;DROP TABLE t;--.csv", "a_DROP TABLE t_--.csv"),
        ("line\nbreak.csv", "line_break.csv"),
        ("..hidden.csv", "hidden.csv"),
    ],
)
def test_hostile_names_become_safe_keys(delivered, kept):
    assert safe_file_name(delivered) == kept


@pytest.mark.parametrize("delivered", ["", "..", "noextension", "/"])
def test_names_without_a_file_are_refused(delivered):
    with pytest.raises(ConnectorError):
        safe_file_name(delivered)


def test_a_long_name_keeps_its_extension():
    kept = safe_file_name("Báo cáo " * 40 + "tháng 10.xlsx")  # 333 characters
    assert len(kept) == 180 and kept.endswith(".xlsx") and kept.startswith("Báo cáo Báo cáo")


def test_a_landed_file_says_which_columns_were_not_used(tmp_path, ioc_home):
    from ioc_pipelines.core.actors import Actor
    from ioc_pipelines.core.ingest import ingest
    from ioc_pipelines.core.raw import load_pending
    from ioc_pipelines.resources.lakes import connect
    from ioc_pipelines.settings import load_settings

    path = tmp_path / "SNV__ho_gia_dinh.csv"
    path.write_text("Mã hộ;Mã xã;Phân loại hộ;Số điện thoại chủ hộ\n"
                    "HO1200000001;03388;nghèo;0912345678\n", encoding="utf-8")
    settings = load_settings()
    [outcome] = ingest(settings, "households", [path], actor=Actor("test"))
    assert "Số điện thoại chủ hộ" in outcome.landed.detail
    [loaded] = load_pending(settings, "households")
    assert loaded.status == "loaded" and "Số điện thoại chủ hộ" in loaded.reason
    with connect(settings) as con:
        reason = con.execute("SELECT reason FROM work.ops.deliveries").fetchone()[0]
    assert reason.startswith("columns not used") and "Số điện thoại chủ hộ" in reason


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path, ioc_home,
                                                                  monkeypatch):
    from ioc_pipelines.core.actors import Actor
    from ioc_pipelines.core.ingest import ingest
    from ioc_pipelines.core.raw import load_pending
    from ioc_pipelines.resources.lakes import connect
    from ioc_pipelines.resources.object_store import object_store
    from ioc_pipelines.settings import load_settings

    monkeypatch.setenv("IOC_MAX_FILE_MB", "1")
    settings = load_settings()
    big = tmp_path / "SNV__ho_gia_dinh.csv"
    rows = "".join(f"HO12{i:08d};03388;nghèo\n" for i in range(80_000))  # ≈ 2 MiB
    big.write_text("Mã hộ;Mã xã;Phân loại hộ\n" + rows, encoding="utf-8")
    [outcome] = ingest(settings, "households", [big], actor=Actor("test"))
    assert outcome.landed is None
    assert "over the limit of 1 MiB (IOC_MAX_FILE_MB)" in outcome.error.reason
    # the same file put straight into the landing zone is refused by the load, not read
    object_store(settings).put_bytes(settings.work_bucket,
                                     "landing/households/2026-11-01/SNV__ho.csv",
                                     big.read_bytes())
    assert load_pending(settings, "households") == []
    with connect(settings) as con:
        [(status, reason)] = con.execute("SELECT status, reason FROM work.ops.deliveries "
                                         "WHERE file_name = 'SNV__ho.csv'").fetchall()
    assert status == "rejected" and "IOC_MAX_FILE_MB" in reason


def test_the_size_limit_is_a_setting():
    from ioc_pipelines.settings import SettingsError, load_settings

    assert load_settings({"IOC_MAX_FILE_MB": "10"}).max_file_bytes == 10 << 20
    with pytest.raises(SettingsError, match="IOC_MAX_FILE_MB"):
        load_settings({"IOC_MAX_FILE_MB": "lots"})
