"""The reconciled report as CSV: one line per row and one for the total, the
nested figures flattened (`received_online`, `rates_on_time`), in UTF-8 with a
byte order mark so that a spreadsheet opens the Vietnamese text intact. A text
cell that a spreadsheet would read as a formula (`=`, `+`, `-`, `@`) is quoted
with a leading apostrophe."""
import csv
import io


def render(report: dict) -> str:
    lines = [{"key": _text(row["key"]), "name": _text(row["name"]), **_flat(row)}
             for row in report["rows"]]
    lines.append({"key": "TOTAL", "name": "", **_flat(report["total"])})
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.DictWriter(out, fieldnames=["group_by", *lines[0]], lineterminator="\r\n")
    writer.writeheader()
    for line in lines:
        writer.writerow({"group_by": report["group_by"], **line})
    return out.getvalue()


def _flat(figures: dict, prefix="") -> dict:
    flat = {}
    for name, value in figures.items():
        if name in ("key", "name"):
            continue
        if isinstance(value, dict):
            flat.update(_flat(value, f"{prefix}{name}_"))
        else:
            flat[prefix + name] = "" if value is None else value
    return flat


def _text(value) -> str:
    value = "" if value is None else str(value)
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value
