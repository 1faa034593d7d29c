-- The province's communes as simplified GeoJSON (the maps' base layer).
SELECT
    commune_code, commune_name,
    ST_AsGeoJSON(ST_SimplifyPreserveTopology(geom, 0.002)) AS geojson
FROM {m:dim_admin_units}
WHERE geom IS NOT NULL
ORDER BY commune_code
