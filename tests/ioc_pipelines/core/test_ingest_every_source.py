"""`ioc ingest SOURCE FILE…` takes every fixture of every source (each format and encoding),
and the real IoT samples, through the real command."""

import pytest

from connectors import SOURCES
from ioc_pipelines.resources.lakes import connect
from ioc_pipelines.settings import load_settings
from tests.conftest import clean_env, run_ioc
from tests.connectors.helpers import REPO, SAMPLES


@pytest.mark.parametrize("source", list(SOURCES))
def test_ingest_every_fixture(source, ioc_home):
    files = sorted(str(p) for p in (REPO / "connectors" / source / "fixtures").iterdir())
    assert files
    proc = run_ioc(clean_env(ioc_home), "ingest", source, *files, "--provider", "SYT")
    assert proc.stdout.count("landed:") == len(files), proc.stdout
    with connect(load_settings()) as con:
        landed = con.execute("SELECT count(*) FROM work.ops.deliveries WHERE source = ? "
                             "AND status = 'landed' AND provider = 'SYT'", [source]).fetchone()
    assert landed[0] == len(files)


def test_ingest_real_iot_samples(ioc_home):
    files = sorted(str(p) for p in SAMPLES.rglob("example*"))
    refused = {"location", "featureofinterest", "historicallocations",
               "createobservations-dataarray-response"}
    files += [str(p) for p in sorted((SAMPLES / "sensorthings").glob("*.json"))
              if not any(word in p.name for word in refused)]
    proc = run_ioc(clean_env(ioc_home), "ingest", "iot", *files, "--provider", "IOC_NGSI",
                   check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count("landed:") + proc.stdout.count("duplicate:") == len(files)
