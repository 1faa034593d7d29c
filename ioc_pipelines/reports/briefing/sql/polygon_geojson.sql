-- The drawn polygon of the area as GeoJSON (its outline on the map).
SELECT ST_AsGeoJSON({filter:polygon}) AS geojson
