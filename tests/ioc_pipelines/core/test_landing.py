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
