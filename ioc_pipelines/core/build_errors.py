"""Why dbt could not build, said for the liaison team in Vietnamese: the model that did not
build, what dbt said, and the delivery and provider that caused it.

A value a layer cannot read is meant to become a row-level reason code, never a failed build
(staging only uses ``try_cast``/``try(...)``); when a build still breaks — a new model, a
defect, a value nobody foresaw — the run is blocked (the previous release keeps being served)
and this module finds whom to call. The raw tables the model reads (through every model in
between) are searched for the value the error quotes; the deliveries holding it are the cause.
When the error quotes no value, or no delivery holds it, the newest delivery of each raw table
the model reads is named as the likely cause."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from ioc_pipelines.core import state

MAX_ERRORS = 5  # models explained per build
MAX_SUSPECTS = 3  # deliveries named per model
_QUOTED = re.compile(r"""'([^'\n]{1,200})'|"([^"\n]{1,200})\"""")
_TYPE_NAMES = re.compile(r"^(U?(TINY|SMALL|BIG|HUGE)?INT(EGER)?\d*|DOUBLE|FLOAT|DECIMAL.*|"
                         r"VARCHAR|DATE|TIME(STAMP)?.*|BOOLEAN|BLOB|JSON|GEOMETRY)$", re.I)


@dataclass(frozen=True)
class Suspect:
    """A delivery that probably caused a build error."""
    source: str
    provider: str
    delivery_id: str
    file_name: str
    delivery_date: date | None
    records: int  # records of the delivery holding the value (all of them when no value)
    value: str | None  # the value the error quotes, when this delivery holds it

    def vietnamese(self) -> str:
        when = f", ngày giao {self.delivery_date:%d/%m/%Y}" if self.delivery_date else ""
        where = (f"lần giao {self.delivery_id} của đơn vị {self.provider} (nguồn {self.source}, "
                 f"tệp {self.file_name}{when})")
        if self.value is not None:
            return f"giá trị '{self.value}' có ở {self.records} bản ghi trong {where}"
        return where


@dataclass(frozen=True)
class BuildError:
    """A dbt node that errored, explained."""
    unique_id: str
    model: str
    path: str
    message: str  # dbt's error, first meaningful line
    suspects: tuple[Suspect, ...]
    by_value: bool  # the suspects hold the value the error quotes (not only the newest)

    def vietnamese(self) -> str:
        text = f"Không dựng được bảng {self.model} ({self.path}): {self.message}."
        if self.suspects and self.by_value:
            text += (" Nguyên nhân: " + "; ".join(s.vietnamese() for s in self.suspects)
                     + ". Đề nghị đơn vị giao lại tệp đã sửa (lần giao sau thay thế lần này); "
                     "nhóm kỹ thuật cần làm cho giá trị này thành mã lỗi của bản ghi.")
        elif self.suspects:
            text += (" Không tìm thấy giá trị gây lỗi trong dữ liệu đã giao; các lần giao mới "
                     "nhất bảng này đọc: " + "; ".join(s.vietnamese() for s in self.suspects)
                     + ". Nhóm kỹ thuật xem nhật ký dbt.")
        else:
            text += " Lỗi không do dữ liệu giao (bảng không đọc dữ liệu thô); nhóm kỹ thuật xem nhật ký dbt."
        return text


def explain(con, manifest: dict, results: list[dict]) -> list[BuildError]:
    """The errored nodes of a dbt ``run_results.json`` (``results``), each with the deliveries
    that caused it, read from the raw tables on ``con`` (a work-lake connection)."""
    explained = []
    for result in [r for r in results if r.get("status") == "error"][:MAX_ERRORS]:
        unique_id = result.get("unique_id", "")
        node = manifest.get("nodes", {}).get(unique_id, {})
        message = short_message(result.get("message") or "")
        tables = raw_tables(manifest, unique_id)
        suspects: list[Suspect] = []
        for value in quoted_values(message, node.get("name", "")):
            suspects += _holding(con, tables, value)
        by_value = bool(suspects)
        if not suspects:
            suspects = [s for table in tables for s in _newest(con, table)]
        explained.append(BuildError(unique_id, node.get("name") or unique_id,
                                    node.get("original_file_path", ""), message,
                                    tuple(suspects[:MAX_SUSPECTS]), by_value))
    return explained


def short_message(message: str) -> str:
    """dbt's error without the SQL it quotes: the line naming the error (``Conversion Error:
    …``), else the first non-empty line."""
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    for line in lines:
        if re.match(r"^[A-Z][A-Za-z ]*Error:", line):
            return line[:300]
    return (lines[0] if lines else "lỗi không rõ")[:300]


def quoted_values(message: str, model: str) -> list[str]:
    """The values an error quotes (``Could not convert string 'x' to INT32`` → ``x``), not type
    names nor the model's own name."""
    values = []
    for match in _QUOTED.finditer(message):
        value = match.group(1) if match.group(1) is not None else match.group(2)
        if value and value != model and not _TYPE_NAMES.match(value) and value not in values:
            values.append(value)
    return values[:3]


def raw_tables(manifest: dict, unique_id: str) -> list[str]:
    """``work.raw.<table>`` of every raw source the node reads, through the models between."""
    parents = manifest.get("parent_map") or {}
    sources = manifest.get("sources") or {}
    seen, stack, tables = set(), [unique_id], []
    while stack:
        node = stack.pop()
        for parent in parents.get(node, []):
            if parent in seen:
                continue
            seen.add(parent)
            source = sources.get(parent)
            if source is not None:
                if source.get("source_name") == "raw":
                    tables.append(source.get("identifier") or source["name"])
            else:
                stack.append(parent)
    return sorted(tables)


def _text_columns(con, table: str) -> list[str]:
    return [row[0] for row in con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE database_name = 'work' "
        "AND schema_name = 'raw' AND table_name = ? AND data_type = 'VARCHAR' "
        "AND NOT starts_with(column_name, '_')", [table]).fetchall()]


def _suspects(rows, table: str, value: str | None) -> list[Suspect]:
    return [Suspect(table.split("__")[0], provider or "?", delivery or "?", file_name or "?",
                    delivered, records, value)
            for provider, delivery, file_name, delivered, records in rows]


def _holding(con, table_names: list[str], value: str) -> list[Suspect]:
    """The deliveries whose records hold ``value`` in a text column, newest first."""
    found = []
    for table in table_names:
        columns = _text_columns(con, table)
        if not columns:
            continue
        match = " OR ".join(f'trim("{c}") = $value' for c in columns)
        rows = con.execute(
            f'SELECT _provider, _delivery_id, _file, _delivery_date, count(*) '
            f'FROM work.raw."{table}" WHERE {match} GROUP BY ALL '
            f'ORDER BY max(_loaded_at) DESC LIMIT {MAX_SUSPECTS}', {"value": value.strip()}
        ).fetchall()
        found += _suspects(rows, table, value)
    return found


def _newest(con, table: str) -> list[Suspect]:
    """The newest delivery loaded into ``table``."""
    if not state.work_table_exists(con, "raw", table):
        return []
    rows = con.execute(
        f'SELECT _provider, _delivery_id, _file, _delivery_date, count(*) '
        f'FROM work.raw."{table}" GROUP BY ALL ORDER BY max(_loaded_at) DESC LIMIT 1').fetchall()
    return _suspects(rows, table, None)
