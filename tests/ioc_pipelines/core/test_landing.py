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
