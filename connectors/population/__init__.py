"""Population registry extract (công dân): CSV (UTF-8, BOM, ';') and JSON Lines."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from connectors.base import Connector, Contract, decode_text, read_delimited, read_json_lines

CONTRACT_PATH = Path(__file__).with_name("contract.yml")


class PopulationConnector(Connector):
    source = "population"
    raw_table = "population__citizens"

    def __init__(self) -> None:
        self.contract = Contract.load(CONTRACT_PATH)

    def parse(self, file: str, suffix: str, data: bytes) -> tuple[pl.DataFrame, str]:
        text, encoding = decode_text(file, data)
        if suffix == "csv":
            return read_delimited(file, text), encoding
        return read_json_lines(file, text), encoding
