"""``docs/sources/<source>.md`` from the source's contract, so the docs never drift from it.

The generated part ends at ``END``; anything a person writes below it (rules, history) is
kept when the page is regenerated (``ioc docs``). A test fails when a page is out of date.
"""

from __future__ import annotations

from connectors import DEFAULT_MIN_FILL_RATE, DEFAULT_MIN_RECORDS, get_connector

END = "<!-- end of the part generated from contract.yml; write notes below -->"

FORMAT_NOTES = {
    "csv": "CSV: `,` `;` or tab (sniffed from the header line); UTF-8 with or without BOM, "
           "or TCVN3 / VNI bytes (detected, converted to Unicode NFC, recorded in `_encoding`); "
           "numbers in Vietnamese (`1.234,5`) or English (`1,234.5`) form.",
    "jsonl": "JSON Lines: one object per line; a bad line is named by its number.",
    "json": "JSON: an array of objects, or one under `data` / `items` / `records` / "
            "`results` / `value`; nested objects are flattened (`nguoiPhanAnh.hoTen` → "
            "`nguoiPhanAnh_hoTen`).",
    "jsonld": "JSON-LD: NGSI-LD entities (normalized or concise).",
    "xlsx": "Excel .xlsx: every visible sheet; the table is found by its header (title rows, "
            "two-row merged headers, a `(1) (2) …` row, group headings and `Ghi chú` notes are "
            "understood); text typed in TCVN3 (.VnTime) or VNI fonts is converted. Refused: "
            ".xls, corrupt or truncated files, workbooks inflating past 512 MB (zip bombs).",
    "geojson": "GeoJSON FeatureCollection (RFC 7946, WGS84 unless a legacy `crs` member says "
               "otherwise); geometry kept as GeoJSON text.",
}


def render(source: str) -> str:
    connector = get_connector(source)
    c = connector.contract
    raw = c.raw
    delivery = raw.get("delivery", {})
    lines = [f"# Source: {source} — {raw.get('title', c.owner)}", "",
             f"- **Owner**: {c.owner}", f"- **Default provider code**: `{c.provider}` "
             "(a file named `<PROVIDER>__name.ext` is recorded under that provider)",
             f"- **Contract**: `connectors/{source}/contract.yml`",
             f"- **Delivery**: {delivery.get('channel', '')}; cadence "
             f"{delivery.get('cadence', '?')}"
             + (f", due {delivery['deadline']}" if delivery.get("deadline") else "")]
    if delivery.get("providers"):
        lines.append(f"- **Providers**: {', '.join(f'`{p}`' for p in delivery['providers'])}")
    fresh = raw.get("freshness", {})
    if fresh:
        sla = ", ".join(f"{k.removeprefix('sla_')} {v}" for k, v in fresh.items()
                        if k.startswith("sla_"))
        by_data = (f"; also by the newest `{fresh['data_column']}`" if fresh.get("data_column")
                   else "")
        lines.append(f"- **Freshness SLA** (sống, {fresh.get('severity', 'warn')}): "
                     f"{sla}{by_data}")
    expect = raw.get("expect")
    if expect:
        who = (", ".join(f"`{p}`" for p in expect["providers"]) if expect.get("providers")
               else f"the providers of `{expect.get('providers_from')}`")
        lines.append(f"- **Completeness** (đủ, {expect.get('severity', 'warn')}): one delivery "
                     f"every {expect['every']} from {who}, due {expect['due_days']} day(s) "
                     f"after the period; the period is read from `{expect['period_column']}`")
    volume = raw.get("volume")
    if volume:
        lines.append(f"- **Volume** (đủ, {volume.get('severity', 'warn')}): a full extract; the "
                     f"newest may be at most {float(volume['max_drop']):.0%} smaller than the "
                     "one before")
    gate = c.gate
    lines.append(f"- **Required fields** (đủ, warn): each filled in at least "
                 f"{float(gate.get('min_fill_rate', DEFAULT_MIN_FILL_RATE)):.0%} of a "
                 "delivery's records")
    lines.append(f"- **Gate**: at most {gate.get('max_rejected_share', 0.2):.0%} of a delivery "
                 f"rejected (judged from {gate.get('min_records', DEFAULT_MIN_RECORDS)} records up); sign-off "
                 f"required: {'yes' if raw.get('sign_off_required') else 'no'}")
    lines += ["", " ".join(str(raw.get("description", "")).split()), "", "## Formats", ""]
    lines += [f"- `.{fmt}` — {FORMAT_NOTES.get(fmt, '')}" for fmt in c.formats]
    for note in raw.get("notes", []):
        lines.append(f"- {note}")
    lines += ["", "Landing layout: `landing/" + source + "/<YYYY-MM-DD>/<file>` in the work "
              "bucket (`ioc ingest " + source + " FILE… [--provider CODE] [--date YYYY-MM-DD]`). "
              "The same content delivered twice is recorded once; a file that cannot be read "
              "is refused with its reason and nothing of it is written.", ""]
    for name, entity in c.entities.items():
        lines += [f"## `raw.{c.raw_table(name)}` — {entity.description}", ""]
        if entity.match:
            lines += [f"Files named like {', '.join(f'`{m}`' for m in entity.match)} always "
                      "hold this entity; otherwise the columns decide.", ""]
        lines += ["| field | type | required | headers accepted (besides the field name) | "
                  "meaning |", "|---|---|---|---|---|"]
        for f in entity.fields:
            aliases = ", ".join(f"`{a}`" for a in f.aliases[:5])
            lines.append(f"| {f.name} | {f.type} | {'yes' if f.required else ''} | {aliases} | "
                         f"{f.description} |")
        lines.append("")
    lines += ["Headers are compared without case, accents or punctuation (`Mã xã` = `ma_xa`); "
              "unknown columns are dropped, never passed to SQL. Every row also carries "
              "lineage: `_source, _provider, _delivery_id, _delivery_date, _file, "
              "_file_sha256, _record_number, _encoding, _invalid` (delivered text of values "
              "that did not parse as their type), `_loaded_at`.", "", END, ""]
    return "\n".join(lines)


def merged(source: str, existing: str | None) -> str:
    """The regenerated page with the hand-written part of ``existing`` kept."""
    tail = existing.split(END, 1)[1].lstrip("\n") if existing and END in existing else ""
    return render(source) + ("\n" + tail if tail else "")
