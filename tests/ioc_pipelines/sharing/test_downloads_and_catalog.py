"""Downloads (CSV with BOM, XLSX, Parquet, GeoJSON, the data dictionary) read by the agency's
own tools; the DCAT-AP catalogue parsed with rdflib and validated with pyshacl against the
mandatory properties; no shared table carries personal data."""

from __future__ import annotations

import json
import re
from pathlib import Path

import httpx
import pytest
import rdflib
from pyshacl import validate

from ioc_pipelines.core import datasets, grants
from ioc_pipelines.core.accounts import get
from ioc_pipelines.core.publishing import get_release, release_table
from ioc_pipelines.resources.lakes import connect
from tests.ioc_pipelines.sharing.conftest import HOSTILE
from tests.ioc_pipelines.web.portal_helpers import USERS

pytestmark = pytest.mark.slow
SHAPES = Path(__file__).with_name("dcat_ap_mandatory.ttl")
DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
DCT = rdflib.Namespace("http://purl.org/dc/terms/")


def _get(world, path: str, **params) -> httpx.Response:
    return httpx.get(f"{world.portal.url}{path}", params=params, timeout=120,
                     headers={"Authorization": f"Bearer {world.token}"})


def _save(world, response: httpx.Response, name: str) -> Path:
    assert response.status_code == 200, response.text[:300]
    path = world.tmp / name
    path.write_bytes(response.content)
    return path


def test_every_format_reads_back_as_the_published_rows(sharing_world):
    world, table = sharing_world, "map_points_of_interest"
    csv = _save(world, _get(world, f"/api/v1/datasets/{table}.csv"), "poi.csv")
    xlsx = _save(world, _get(world, f"/api/v1/datasets/{table}.xlsx"), "poi.xlsx")
    parquet = _save(world, _get(world, f"/api/v1/datasets/{table}.parquet"), "poi.parquet")
    geojson = _save(world, _get(world, f"/api/v1/datasets/{table}.geojson"), "poi.geojson")
    assert csv.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 Vietnamese
    got = world.agency("""
import duckdb, json, openpyxl
con = duckdb.connect()
csv = con.execute("SELECT poi_id, poi_name FROM read_csv(?, all_varchar=true) ORDER BY 1",
                  [VALUES["csv"]]).fetchall()
parquet = con.execute("SELECT poi_id, poi_name FROM read_parquet(?) ORDER BY 1",
                      [VALUES["parquet"]]).fetchall()
book = openpyxl.load_workbook(VALUES["xlsx"])
sheet = book.worksheets[0]
header = [c.value for c in sheet[1]]
rows = sorted((r[header.index("poi_id")], r[header.index("poi_name")])
              for r in sheet.iter_rows(min_row=2, values_only=True))
hostile = [c for row in sheet.iter_rows(min_row=2) for c in row
           if isinstance(c.value, str) and "HYPERLINK" in c.value]
features = json.load(open(VALUES["geojson"], encoding="utf-8"))["features"]
print(json.dumps({"csv": csv, "parquet": parquet, "xlsx": rows,
                  "sheets": book.sheetnames, "quoted": [(c.data_type, c.quotePrefix)
                                                        for c in hostile],
                  "features": len(features), "geometry": features[0]["geometry"]["type"]}))
""", csv=str(csv), xlsx=str(xlsx), parquet=str(parquet), geojson=str(geojson))
    with connect(world.settings, work=False, published=True) as con:
        lake = [list(r) for r in con.execute(
            f"SELECT poi_id, poi_name FROM {release_table(table, 2)} ORDER BY 1").fetchall()]
    assert got["parquet"] == lake and [list(r) for r in got["xlsx"]] == lake
    # the CSV carries the hostile name inert (an apostrophe first), the rest as published
    inert = [[i, "'" + n if n == HOSTILE else n] for i, n in lake]
    assert got["csv"] == inert and any(n == HOSTILE for _, n in lake)
    assert got["quoted"] == [["s", True]]  # a text cell Excel will not run
    assert got["sheets"][1] == "tu_dien_du_lieu"
    assert got["features"] == len(lake) and got["geometry"] == "Point"


def test_a_pinned_release_and_the_dictionary(sharing_world):
    world = sharing_world
    first = _get(world, "/api/v1/datasets/population_by_commune.parquet", release=1)
    current = _get(world, "/api/v1/datasets/population_by_commune.parquet")
    assert first.status_code == current.status_code == 200 and first.content != current.content
    assert "ban-phat-hanh-1" in first.headers["content-disposition"]
    found = _get(world, "/api/v1/datasets/population_by_commune/dictionary.json").json()
    assert found["release"] == 2 and found["title"].startswith("Dân số")
    columns = {c["name"]: c for c in found["columns"]}
    assert columns["population"]["type"] == "BIGINT" and columns["population"]["description"]
    as_csv = _get(world, "/api/v1/datasets/population_by_commune/dictionary.csv")
    assert as_csv.content.startswith(b"\xef\xbb\xbf") and b"population" in as_csv.content
    assert _get(world, "/api/v1/datasets/housing_support_map.csv").status_code == 403
    assert _get(world, "/api/v1/datasets/population_by_commune.geojson").status_code == 400
    assert _get(world, "/api/v1/datasets/population_by_commune.exe").status_code == 400
    offer = _get(world, "/api/v1/datasets").json()
    agency = get(world.settings, USERS["agency"])
    assert [d["name"] for d in offer["datasets"]] == list(grants.grants(world.settings, agency))


def test_the_catalogue_is_valid_dcat_ap(sharing_world):
    response = httpx.get(f"{sharing_world.portal.url}/catalog.jsonld", timeout=120)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/ld+json")
    graph = rdflib.Graph().parse(data=response.text, format="json-ld")
    shapes = rdflib.Graph().parse(SHAPES)
    conforms, _, report = validate(graph, shacl_graph=shapes, inference="none")
    assert conforms, report
    release = get_release(sharing_world.settings, 2)
    found = {str(graph.value(d, DCT.identifier)): d
             for d in graph.subjects(rdflib.RDF.type, DCAT.Dataset)}
    assert set(found) == set(release.tables) == set(datasets.all_datasets())
    units = found["dim_admin_units"]
    assert graph.value(units, DCT.title).language == "vi"
    assert str(graph.value(units, DCAT.version)) == "2"
    formats = {str(graph.value(d, DCT["format"])).rsplit("/", 1)[-1]
               for d in graph.objects(units, DCAT.distribution)}
    assert {"CSV", "XLSX", "PARQUET", "GEOJSON"} <= formats
    rights = {str(graph.value(found[n], DCT.accessRights)).rsplit("/", 1)[-1]
              for n in ("housing_support_map", "population_by_commune")}
    assert rights == {"RESTRICTED", "PUBLIC"}
    # the shapes do fail a catalogue that lacks a mandatory property
    graph.remove((units, DCT.title, None))
    assert not validate(graph, shacl_graph=shapes, inference="none")[0]


CCCD = re.compile(r"^\d{12}$")


def test_no_shared_table_carries_personal_data(sharing_world):
    settings = sharing_world.settings
    release = get_release(settings, 2)
    shared = datasets.all_datasets()
    with connect(settings, work=True, published=True) as con:
        con.execute("LOAD spatial")
        for name, ds in shared.items():
            cols = datasets.columns(settings, ds, release)
            assert datasets.personal_columns(name, [c.name for c in cols]) == [], name
            for c in cols:
                if c.type != "VARCHAR":
                    continue
                values = [v for (v,) in con.execute(
                    f'SELECT DISTINCT "{c.name}" FROM {release_table(name, 2)} '
                    f'WHERE "{c.name}" IS NOT NULL').fetchall()]
                assert not any(CCCD.match(v) for v in values), (name, c.name)
        # the housing map's points are grid-cell centres, never a house's own position
        exact = con.execute(
            "SELECT count(*) FROM work.staging.stg_housing__houses AS h JOIN "
            f"(SELECT * FROM {release_table('housing_support_map', 2)}) AS m ON "
            "round(ST_X(h.geom), 6) = m.cell_lon AND round(ST_Y(h.geom), 6) = m.cell_lat"
        ).fetchone()[0]
        assert exact == 0
    assert datasets.personal_columns("any_mart", ["commune_code", "citizen_id", "full_name",
                                                  "lon", "lat"]) == [
        "citizen_id", "full_name", "lon", "lat"]
    assert json.dumps(sorted(shared)) == json.dumps(sorted(release.tables))
