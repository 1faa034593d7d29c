"""OGC API – Features read with OWSLib (in the agency's own Python) from a real ``ioc serve``:
the granted map layers and nothing else, bbox, paging, datetime, one feature, the same
features as the published lake; malformed queries refused; audited."""

from __future__ import annotations

import httpx
import pytest

from ioc_pipelines.core import audit
from ioc_pipelines.core.publishing import release_table
from ioc_pipelines.resources.lakes import connect
from tests.ioc_pipelines.web.portal_helpers import USERS

pytestmark = pytest.mark.slow

CLIENT = """
import json
from owslib.ogcapi.features import Features
token = json.load(open(PROFILE))["bearerToken"]
api = Features(VALUES["url"] + "/ogc", headers={"Authorization": "Bearer " + token})
"""


def _lake(settings, sql: str):
    with connect(settings, work=False, published=True) as con:
        con.execute("LOAD spatial")
        return con.execute(sql).fetchall()


def test_collections_are_the_granted_layers(sharing_world):
    got = sharing_world.agency(CLIENT + """
collections = api.collections()["collections"]
print(json.dumps({"conformance": api.conformance()["conformsTo"],
                  "ids": sorted(c["id"] for c in collections),
                  "units": api.collection("dim_admin_units")}))
""", url=sharing_world.portal.url)
    assert any(c.endswith("/conf/core") for c in got["conformance"])
    assert any(c.endswith("/conf/geojson") for c in got["conformance"])
    assert got["ids"] == ["dim_admin_units", "dim_sensors", "map_infrastructure_lines",
                          "map_points_of_interest", "planning_areas"]
    assert "housing_support_map" not in got["ids"]  # a layer on request only
    units = got["units"]
    assert units["title"].startswith("Đơn vị hành chính")
    [box] = units["extent"]["spatial"]["bbox"]
    assert 102 < box[0] < box[2] < 104 and 21 < box[1] < box[3] < 23  # Lai Châu


def test_items_page_through_the_layer_as_in_the_lake(sharing_world):
    settings = sharing_world.settings
    got = sharing_world.agency(CLIENT + """
pages, page = [], api.collection_items("map_points_of_interest", limit=25)
pages.append(page)
while any(l["rel"] == "next" for l in page["links"]):
    offset = len(pages) * 25
    page = api.collection_items("map_points_of_interest", limit=25, offset=offset)
    pages.append(page)
ids = [f["id"] for p in pages for f in p["features"]]
first = pages[0]["features"][0]
print(json.dumps({"ids": ids, "matched": pages[0]["numberMatched"], "pages": len(pages),
                  "returned": [p["numberReturned"] for p in pages], "first": first}))
""", url=sharing_world.portal.url)
    lake = _lake(settings, "SELECT poi_id, lon, lat FROM "
                 f"{release_table('map_points_of_interest', 2)} ORDER BY poi_id")
    assert got["ids"] == [row[0] for row in lake]
    assert got["matched"] == len(lake) and got["pages"] == -(-len(lake) // 25)
    assert all(n == 25 for n in got["returned"][:-1])
    first = got["first"]
    assert first["geometry"]["type"] == "Point"
    assert first["geometry"]["coordinates"] == [lake[0][1], lake[0][2]]
    assert first["properties"]["poi_id"] == lake[0][0] and "geom" not in first["properties"]


def test_bbox_datetime_and_one_feature(sharing_world):
    settings = sharing_world.settings
    [(lon, lat, code)] = _lake(settings, "SELECT centroid_lon, centroid_lat, commune_code FROM "
                               f"{release_table('dim_admin_units', 2)} ORDER BY commune_code "
                               "LIMIT 1")
    box = [lon - 0.01, lat - 0.01, lon + 0.01, lat + 0.01]
    got = sharing_world.agency(CLIENT + """
inside = api.collection_items("dim_admin_units", bbox=VALUES["box"], limit=100)
nowhere = api.collection_items("dim_admin_units", bbox=[0, 0, 1, 1])
one = api.collection_item("dim_admin_units", VALUES["code"])
later = api.collection_items("planning_areas", datetime_="2100-01-01T00:00:00Z/..")
every = api.collection_items("planning_areas", datetime_="1900-01-01T00:00:00Z/..")
print(json.dumps({"inside": [f["id"] for f in inside["features"]],
                  "nowhere": nowhere["numberMatched"], "one": one,
                  "later": later["numberMatched"], "every": every["numberMatched"]}))
""", url=sharing_world.portal.url, box=box, code=code)
    assert code in got["inside"] and len(got["inside"]) <= 4
    assert got["nowhere"] == 0
    assert got["one"]["id"] == code and got["one"]["geometry"]["type"] in {"Polygon",
                                                                            "MultiPolygon"}
    plans = _lake(settings, f"SELECT count(*) FROM {release_table('planning_areas', 2)}")
    assert got["every"] == plans[0][0] > 0 and got["later"] == 0


def test_malformed_queries_and_other_layers_are_refused(sharing_world):
    headers = {"Authorization": f"Bearer {sharing_world.token}"}
    base = f"{sharing_world.portal.url}/ogc/collections"
    for query, code in [("bbox=1,2,3", 400), ("bbox=a,b,c,d", 400), ("limit=-1", 400),
                        ("datetime=yesterday", 400), ("colour=red", 400)]:
        response = httpx.get(f"{base}/dim_admin_units/items?{query}", headers=headers,
                             timeout=60)
        assert response.status_code == code, (query, response.text)
        assert response.json()["description"]
    assert httpx.get(f"{base}/housing_support_map/items", headers=headers,
                     timeout=60).status_code == 403
    assert httpx.get(f"{base}/population_by_commune/items", headers=headers,
                     timeout=60).status_code == 404  # not a map layer
    assert httpx.get(f"{base}/dim_admin_units/items", timeout=60).status_code == 401
    entries = list(audit.entries(sharing_world.settings, actor=USERS["agency"],
                                 action="share.ogc."))
    assert {e["outcome"] for e in entries} >= {"ok", "refused"}
