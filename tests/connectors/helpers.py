from datetime import date
from pathlib import Path

from connectors import Delivery, get_connector

REPO = Path(__file__).resolve().parents[2]
# the real third-party payloads (byte-for-byte copies; provenance and licences in SOURCES.md)
SAMPLES = REPO / "connectors" / "iot" / "samples"


def fixture(source: str, name: str) -> Path:
    return REPO / "connectors" / source / "fixtures" / name


def read(source: str, path: Path, provider: str = "TEST", name: str | None = None) -> dict:
    """{raw table: list of row dicts} as the connector reads ``path``."""
    delivery = Delivery(source, provider, date(2026, 11, 20), name or path.name, "ab" * 32)
    return {t: a.to_pylist() for t, a in get_connector(source).read(path, delivery).items()}
