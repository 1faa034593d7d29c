"""Why a file was refused, in the provider's language: each reason a connector (or the landing
step) gives, matched by its fixed wording and said again in Vietnamese with the same figures.
The English reason stays for the operator's log and the CLI; the portal and the API show this.
A reason no pattern knows is still shown, after a Vietnamese lead, never dropped."""

from __future__ import annotations

import re

# (pattern of the English reason, Vietnamese with the pattern's groups)
REASONS: tuple[tuple[str, str], ...] = (
    (r"the file is empty", "tệp rỗng, không có nội dung"),
    (r"format \.(\S*) is not accepted for (\w+) \(accepted: (.*)\)",
     r"định dạng .\1 không được nhận cho nguồn \2 (nhận: \3)"),
    (r"no records \(only a header line\)", "tệp chỉ có dòng tiêu đề, không có bản ghi"),
    (r"no records", "tệp không có bản ghi nào"),
    (r"no reader for \.(\S*)", r"không đọc được định dạng .\1"),
    (r"no sheet has a table with the expected columns \((.*)\)",
     r"không trang tính nào có bảng với các cột cần có (\1)"),
    (r"required column\(s\) missing: (.*) \(columns found: (.*)\)",
     r"thiếu cột bắt buộc: \1 (các cột có trong tệp: \2)"),
    (r"feature (\d+) has no usable geometry \((.*)\)",
     r"đối tượng thứ \1 không có hình học dùng được (\2)"),
    (r"neither NGSI .*", "không phải dữ liệu NGSI (v2 / LD) hay SensorThings"),
    (r"no sensors and no readings in the payload.*",
     "không có trạm đo hay số đo nào; hãy giao Things, Datastreams hoặc Observations"),
    (r"entity (\d+) has no id", r"thực thể thứ \1 không có mã (id)"),
    (r"not a valid \.xlsx workbook \(the ZIP container is truncated or corrupt\)",
     "tệp Excel .xlsx bị cắt cụt hoặc hỏng"),
    (r"refused: the workbook inflates to ([\d,]+) bytes from ([\d,]+) \(zip bomb\?\)",
     r"từ chối: tệp Excel giải nén ra \1 byte từ \2 byte (nghi là bom nén)"),
    (r"a ZIP file but not an \.xlsx workbook", "là tệp ZIP nhưng không phải tệp Excel .xlsx"),
    (r"not a valid \.xlsx workbook \(part (.*) is corrupt\)",
     r"tệp Excel .xlsx bị hỏng (phần \1)"),
    (r"not an \.xlsx workbook \(no ZIP signature\).*",
     "không phải tệp Excel .xlsx (có thể là tệp .xls cũ hoặc tệp văn bản đổi đuôi); hãy lưu "
     "lại dạng .xlsx"),
    (r"not a readable \.xlsx workbook \((.*)\)", r"không đọc được tệp Excel .xlsx (\1)"),
    (r"sheet (.*) has more than ([\d,]+) rows", r"trang tính \1 có hơn \2 dòng"),
    (r"the workbook has no data", "tệp Excel không có dữ liệu"),
    (r"the table has a header but no data rows", "bảng chỉ có dòng tiêu đề, không có dữ liệu"),
    (r"the content is a ZIP/\.xlsx workbook, not text.*",
     "nội dung là tệp Excel, không phải văn bản; hãy giao với đuôi .xlsx"),
    (r"the content is binary, not text", "nội dung là tệp nhị phân, không phải văn bản"),
    (r"UTF-16 is not accepted.*", "không nhận mã UTF-16; hãy lưu lại tệp dạng UTF-8"),
    (r"not valid UTF-8.*", "không phải UTF-8 và không nhận ra là TCVN3 hay VNI; hãy lưu lại "
     "tệp dạng UTF-8"),
    (r"line (\d+) is longer than (\d+) KiB.*",
     r"dòng \1 dài quá \2 KiB; đây không phải tệp bản ghi"),
    (r"malformed CSV: (.*)", r"tệp CSV sai cấu trúc: \1"),
    (r"line (\d+) is not valid JSON \((.*)\)", r"dòng \1 không phải JSON hợp lệ (\2)"),
    (r"line (\d+) is not a JSON object", r"dòng \1 không phải một đối tượng JSON"),
    (r"not valid JSON \(line (\d+), column (\d+): (.*)\)",
     r"không phải JSON hợp lệ (dòng \1, cột \2: \3)"),
    (r"JSON nested too deeply", "JSON lồng nhau quá sâu"),
    (r"expected a JSON array of objects \(or one under (.*)\)",
     r"cần một mảng JSON gồm các đối tượng (hoặc nằm dưới \1)"),
    (r"not a GeoJSON FeatureCollection", "không phải GeoJSON FeatureCollection"),
    (r"feature (\d+) is not a GeoJSON Feature", r"đối tượng thứ \1 không phải GeoJSON Feature"),
    (r"feature (\d+) has properties that are not an object",
     r"thuộc tính của đối tượng thứ \1 không phải một đối tượng"),
    (r"feature (\d+) has an invalid geometry", r"đối tượng thứ \1 có hình học không hợp lệ"),
    (r"the FeatureCollection has no features", "FeatureCollection không có đối tượng nào"),
    (r"file name is empty or has no extension", "tên tệp trống hoặc không có đuôi (.csv, .xlsx …)"),
    (r"file name has no usable extension", "tên tệp không có đuôi dùng được"),
    (r"no such file", "không có tệp này"),
    (r"the file is ([\d,.]+) MiB, over the limit of (\d+) MiB.*",
     r"tệp \1 MiB, vượt giới hạn \2 MiB; hãy tách tệp hoặc liên hệ Trung tâm IOC"),
    (r"the file is over the limit of (\d+) MiB.*",
     r"tệp vượt giới hạn \1 MiB; hãy tách tệp hoặc liên hệ Trung tâm IOC"),
    (r"unknown provider code '(.*)'; did you mean (.*)\?",
     r"mã đơn vị '\1' không có; có phải \2?"),
    (r"unknown provider code '(.*)'.*",
     r"mã đơn vị '\1' không có; dùng mã sở (SYT, STC …) hoặc XA_<mã xã>"),
)
_COMPILED = tuple((re.compile(rf"^{pattern}$", re.S), vi) for pattern, vi in REASONS)


def reason_vi(reason: str) -> str:
    """``reason`` in Vietnamese (a known wording), else the reason after a Vietnamese lead."""
    for pattern, vi in _COMPILED:
        if pattern.match(reason):
            return pattern.sub(vi, reason)
    return f"tệp không đọc được ({reason})"


_NOTICES = (
    (re.compile(r"columns not used \(no field of the contract matches them\): "),
     "cột không được đọc (không khớp trường nào của thỏa thuận dữ liệu): "),
    (re.compile(r"(\d+) heading rows not read as records: "),
     r"\1 dòng tiêu đề nhóm không được đọc thành bản ghi: "),
    (re.compile(r" and (\d+) more$"), r" và \1 dòng khác"),
)


def notice_vi(notice: str) -> str:
    """A loaded delivery's notice (``Reading.notice``: columns not used, heading rows left
    out) in Vietnamese; the names it lists stay as delivered."""
    for pattern, vi in _NOTICES:
        notice = pattern.sub(vi, notice)
    return notice
