"""SQL functions the dbt models call that SQL alone should not hold, registered on dbt-duckdb's
connection as a plugin (``plugins:`` in the generated profile).

``ioc_pseudonym(text)``: a keyed pseudonym (HMAC-SHA256 under the deployment's pseudonym key,
64 bits written as 16 consonants) for identifiers that marts may carry but must not reveal — a house or a
household on the map. The key comes from the profile (mode 0600 in ``$IOC_HOME``), never from
SQL or ``--vars``, so it is not in compiled models or dbt's logs. The same key gives the same
pseudonym in every release; without it the pseudonym cannot be reversed or recomputed.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

import duckdb
import pyarrow as pa
from dbt.adapters.duckdb.plugins import BasePlugin

PSEUDONYM_LENGTH = 16
# hex digits written as consonants: a pseudonym never contains a digit, so it can never be
# mistaken for (or scanned as) a citizen ID or a phone number
PSEUDONYM_ALPHABET = str.maketrans("0123456789abcdef", "bcdfghjklmnpqrst")


def pseudonym(key: bytes, value: str | None) -> str | None:
    if value is None:
        return None
    digest = hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()
    return digest[:PSEUDONYM_LENGTH].translate(PSEUDONYM_ALPHABET)


class Plugin(BasePlugin):
    def initialize(self, plugin_config: dict[str, Any]) -> None:
        key = str(plugin_config.get("pseudonym_key") or "")
        if len(key) < 16:
            raise ValueError("the ioc dbt plugin needs a pseudonym_key of at least 16 characters")
        self._key = key.encode("utf-8")

    def _register(self, conn: duckdb.DuckDBPyConnection) -> None:
        key = self._key

        def ioc_pseudonym(values: pa.Array) -> pa.Array:
            return pa.array([pseudonym(key, v) for v in values.to_pylist()], type=pa.string())

        try:
            conn.create_function("ioc_pseudonym", ioc_pseudonym, [duckdb.sqltype("VARCHAR")],
                                 duckdb.sqltype("VARCHAR"), type="arrow",
                                 null_handling="special", side_effects=False)
        except duckdb.CatalogException:
            pass  # already registered on this connection

    def configure_connection(self, conn: duckdb.DuckDBPyConnection) -> None:
        self._register(conn)

    def configure_cursor(self, cursor: duckdb.DuckDBPyConnection) -> None:
        self._register(cursor)
