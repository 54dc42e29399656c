"""Write the Club Attendance dashboard (Odoo spreadsheet JSON), in the structure and
version of Odoo 18's own dashboards (spreadsheet_dashboard_sale's, _pos_hr's):

    scripts/build_attendance_dashboard.py [--check]

Community has no spreadsheet editor, so the dashboard is written here rather than
exported from one: its KPIs, charts and tables are formulas and Odoo charts on
club.attendance.report (no copied numbers). Ids are derived from names, so that
running it again gives the same file. ``--check`` only says whether the file is
up to date (exit status 1 when not).
"""

import argparse
import json
import os
import sys
import uuid

OUT = os.path.join(
    os.path.dirname(__file__),
    "..",
    "club_session_logoff",
    "data",
    "files",
    "attendance_dashboard.json",
)
MODEL = "club.attendance.report"
# The states with a decided attendance: the no-show rate's denominator.
EXPECTED = ["state", "in", ["completed", "no_show"]]
TOP = 10


def uid(name):
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"club_attendance_dashboard/{name}"))


PERIOD, OFFERING, TRAINER = (
    uid("filter/period"),
    uid("filter/offering"),
    uid("filter/trainer"),
)

GLOBAL_FILTERS = [
    {
        "id": PERIOD,
        "type": "date",
        "label": "Period",
        # Odoo 18's relative periods: last_week (7 days), last_month (30 days),
        # last_three_months (90 days)...; the previous period is as long.
        "defaultValue": "last_month",
        "rangeType": "relative",
    },
    {
        "id": OFFERING,
        "type": "relation",
        "label": "Offering",
        "modelName": "club.offering",
        "defaultValue": [],
        "defaultValueDisplayNames": [],
        "rangeType": "year",
    },
    {
        "id": TRAINER,
        "type": "relation",
        "label": "Trainer",
        "modelName": "res.users",
        "defaultValue": [],
        "defaultValueDisplayNames": [],
        "rangeType": "year",
    },
]


def field_matching(offset=0):
    return {
        PERIOD: {"chain": "date", "type": "datetime", "offset": offset},
        OFFERING: {"chain": "offering_id", "type": "many2one"},
        TRAINER: {"chain": "trainer_id", "type": "many2one"},
    }


KPI_MEASURES = [
    "booking_count",
    "completed_count",
    "no_show_count",
    "late_cancel_count",
    "cancelled_count",
    "no_show_rate",
    "penalty_amount",
]
TOP_MEASURES = ["no_show_rate", "no_show_count", "completed_count"]


def pivot(pivot_id, name, measures, rows=(), domain=(), offset=0, sorted_by=None):
    return {
        "type": "ODOO",
        "fieldMatching": field_matching(offset),
        "context": {},
        "domain": list(domain),
        "id": pivot_id,
        "measures": [{"id": m, "fieldName": m} for m in measures],
        "model": MODEL,
        "name": name,
        "sortedColumn": sorted_by
        and {"groupId": [[], []], "measure": sorted_by, "order": "desc"},
        "formulaId": pivot_id,
        "columns": [],
        "rows": [{"fieldName": row} for row in rows],
    }


PIVOTS = {
    "1": pivot("1", "KPIs - current period", KPI_MEASURES),
    "2": pivot("2", "KPIs - previous period", KPI_MEASURES, offset=-1),
    "3": pivot(
        "3",
        "No-show rate by offering",
        TOP_MEASURES,
        rows=["offering_id"],
        domain=[EXPECTED],
        sorted_by="no_show_rate",
    ),
    "4": pivot(
        "4",
        "No-show rate by trainer",
        TOP_MEASURES,
        rows=["trainer_id"],
        domain=["&", EXPECTED, ["trainer_id", "!=", False]],
        sorted_by="no_show_rate",
    ),
}


def view_link(label, view_type, group_by, measures, domain=()):
    """A section title opening the attendance analysis, like Odoo's dashboards."""
    context = {"group_by": group_by}
    if view_type == "pivot":
        context |= {
            "pivot_measures": measures,
            "pivot_column_groupby": [],
            "pivot_row_groupby": group_by,
        }
    else:
        context |= {
            "graph_measure": measures[0],
            "graph_mode": "bar",
            "graph_groupbys": group_by,
        }
    action = {
        "viewType": view_type,
        "action": {
            "domain": list(domain),
            "context": context,
            "modelName": MODEL,
            "views": [
                [False, "pivot"],
                [False, "graph"],
                [False, "list"],
                [False, "search"],
            ],
        },
        "threshold": 0,
        "name": "Attendance",
    }
    return f"[{label}](odoo://view/{json.dumps(action, separators=(',', ':'))})"


def t(text):
    return f'=_t("{text}")'


# --- Dashboard sheet -------------------------------------------------------------

# Two halves of four columns each (name, rate, two counts), a narrow gap between.
COL_SIZES = [240, 110, 100, 100, 20, 240, 110, 100, 100]
WIDTH = sum(COL_SIZES)
DEFAULT_ROW = 23
NOTE_ROW, CHART_TITLE_ROW, CHART_FIRST, CHART_ROWS = 6, 8, 9, 14
TOP_TITLE_ROW = CHART_FIRST + CHART_ROWS + 1
TOP_HEADER_ROW, TOP_FIRST = TOP_TITLE_ROW + 1, TOP_TITLE_ROW + 2
TOP_LAST = TOP_FIRST + TOP - 1
ROW_SIZES = {
    NOTE_ROW: 44,
    CHART_TITLE_ROW: 40,
    TOP_TITLE_ROW: 40,
    TOP_HEADER_ROW: 29,
    **{row: 29 for row in range(TOP_FIRST, TOP_LAST + 1)},
}


def y_of(row):
    """The top of spreadsheet row ``row`` (1-based), in pixels."""
    return sum(ROW_SIZES.get(r, DEFAULT_ROW) for r in range(1, row))


def x_of(col):
    return sum(COL_SIZES[:col])


GOOD, BAD, NEUTRAL = "#00A04A", "#DC6965", "#6C757D"
# (title, Data sheet row, baseline mode, arrow colour when up, when down). Bookings
# change by percents; rates by percentage points, late cancels and penalties by
# their number and amount ("difference").
SCORECARDS = [
    ("Bookings", 2, "percentage", GOOD, BAD),
    ("Completion Rate", 8, "difference", GOOD, BAD),
    ("No-Show Rate", 9, "difference", BAD, GOOD),
    ("Late Cancels", 5, "difference", BAD, GOOD),
    # More penalties is more money, but from more no-shows: neither good nor bad.
    ("Penalties Invoiced", 10, "difference", NEUTRAL, NEUTRAL),
]


def scorecards():
    # Wide enough for "13.3 pts since last period" (the scorecards' fonts have
    # fixed sizes).
    gap = 8
    width = (WIDTH - gap * (len(SCORECARDS) - 1)) // len(SCORECARDS)
    figures = []
    for index, (title, row, mode, up, down) in enumerate(SCORECARDS):
        figures.append(
            {
                "id": uid(f"scorecard/{title}"),
                "x": index * (width + gap),
                "y": 10,
                "width": width,
                "height": 105,
                "tag": "chart",
                "data": {
                    "baselineColorDown": down,
                    "baselineColorUp": up,
                    "baselineMode": mode,
                    "title": {"text": title, "bold": True, "color": "#434343"},
                    "type": "scorecard",
                    "background": "#EFF6FF" if index < 3 else "#FFF7ED",
                    "baseline": f"Data!E{row}",
                    "baselineDescr": "since last period",
                    "keyValue": f"Data!D{row}",
                    "humanize": False,
                },
            }
        )
    return figures


def odoo_chart(name, chart_type, group_by, measure, domain, col, legend, y_title=""):
    mode = chart_type.removeprefix("odoo_")
    data = {
        "title": {"text": ""},
        "background": "#FFFFFF",
        "legendPosition": legend,
        "metaData": {
            "groupBy": group_by,
            "measure": measure,
            "order": None,
            "resModel": MODEL,
            "mode": mode,
        },
        "searchParams": {
            "comparison": None,
            "context": {},
            "domain": domain,
            "groupBy": group_by,
            "orderBy": [],
        },
        "type": chart_type,
        "verticalAxisPosition": "left",
        # Bookings by week and status: one bar a week, its statuses stacked.
        "stacked": len(group_by) > 1,
        "fieldMatching": field_matching(),
    }
    if y_title:
        data["axesDesign"] = {"y": {"title": {"text": y_title}}}
    if chart_type == "odoo_line":
        data["fillArea"] = True
    first, last = col, col + 4
    return {
        "id": uid(f"chart/{name}"),
        "x": x_of(first),
        "y": y_of(CHART_FIRST),
        "width": x_of(last) - x_of(first),
        "height": y_of(CHART_FIRST + CHART_ROWS) - y_of(CHART_FIRST),
        "tag": "chart",
        "data": data,
    }


CHARTS = [
    # Every booking of each week, by status: how many were kept, missed,
    # cancelled, or are still open.
    odoo_chart(
        "bookings_by_week",
        "odoo_bar",
        ["date:week", "state"],
        "booking_count",
        [],
        0,
        "top",
    ),
    # Bars rather than a line: their axis starts at 0 %, a line's at its lowest
    # week (6 % would look like none).
    odoo_chart(
        "no_show_rate_by_week",
        "odoo_bar",
        ["date:week"],
        "no_show_rate",
        [EXPECTED],
        5,
        "none",
        y_title="%",
    ),
]


def col_name(col):
    return "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[col]


def dashboard_sheet():
    cells, styles, formats, borders = {}, {}, {}, {}
    note = (
        "Bookings: every booking of the period, open ones included. Completion rate: "
        "completed ÷ bookings with an outcome (completed, no-show, late cancel, "
        "cancelled). No-show rate: no-shows ÷ (completed + no-shows). Penalties: the "
        "amounts invoiced for the period's bookings. Arrows: change since the "
        "previous period of the same length (rates in percentage points)."
    )
    # A formula, like every text of the dashboard: Odoo's .pot export takes the
    # _t() terms of the dashboards' files, and the spreadsheet shows them in the
    # user's language.
    cells[f"A{NOTE_ROW}"] = {"content": t(note)}
    styles[f"A{NOTE_ROW}"] = "note"
    cells[f"A{CHART_TITLE_ROW}"] = {
        "content": view_link(
            "Bookings by Week", "graph", ["date:week", "state"], ["booking_count"]
        )
    }
    cells[f"F{CHART_TITLE_ROW}"] = {
        "content": view_link(
            "No-Show Rate by Week", "graph", ["date:week"], ["no_show_rate"], [EXPECTED]
        )
    }
    for first in ("A", "F"):
        styles[f"{first}{CHART_TITLE_ROW}"] = "title"
        last = "D" if first == "A" else "I"
        borders[f"{first}{CHART_TITLE_ROW}:{last}{CHART_TITLE_ROW}"] = "bottom"

    conditional_formats = []
    for pivot_id, first, field, title, header in (
        ("3", 0, "offering_id", "Top Offerings by No-Show Rate", "Offering"),
        ("4", 5, "trainer_id", "Top Trainers by No-Show Rate", "Trainer"),
    ):
        letters = [col_name(first + i) for i in range(4)]
        name_col, rate_col, count_cols = letters[0], letters[1], letters[2:]
        domain = (
            [EXPECTED]
            if field == "offering_id"
            else ["&", EXPECTED, [field, "!=", False]]
        )
        cells[f"{name_col}{TOP_TITLE_ROW}"] = {
            "content": view_link(title, "pivot", [field], TOP_MEASURES, domain)
        }
        styles[f"{name_col}{TOP_TITLE_ROW}"] = "title"
        borders[f"{name_col}{TOP_TITLE_ROW}:{letters[-1]}{TOP_TITLE_ROW}"] = "bottom"
        for letter, label in zip(
            letters, (header, "No-Show Rate", "No-Shows", "Completed"), strict=True
        ):
            cells[f"{letter}{TOP_HEADER_ROW}"] = {"content": t(label)}
        styles[f"{name_col}{TOP_HEADER_ROW}"] = "header"
        styles[f"{rate_col}{TOP_HEADER_ROW}:{letters[-1]}{TOP_HEADER_ROW}"] = (
            "header_right"
        )
        for position in range(1, TOP + 1):
            row = TOP_FIRST + position - 1
            cells[f"{name_col}{row}"] = {
                "content": f'=PIVOT.HEADER({pivot_id},"#{field}",{position})'
            }
            for letter, measure in zip(
                [rate_col, *count_cols], TOP_MEASURES, strict=True
            ):
                cells[f"{letter}{row}"] = {
                    "content": f'=PIVOT.VALUE({pivot_id},"{measure}","#{field}",'
                    f"{position})"
                }
        body = f"{TOP_FIRST}:{{}}{TOP_LAST}"
        styles[f"{name_col}{body.format(name_col)}"] = "body"
        styles[f"{rate_col}{body.format(letters[-1])}"] = "body"
        formats[f"{rate_col}{body.format(rate_col)}"] = "rate"
        borders[f"{name_col}{TOP_HEADER_ROW}:{letters[-1]}{TOP_HEADER_ROW}"] = "bottom"
        conditional_formats.append(
            {
                "rule": {
                    "type": "DataBarRule",
                    "color": 16768462 if field == "offering_id" else 15726335,
                    "rangeValues": f"{rate_col}{body.format(rate_col)}",
                },
                "id": uid(f"databar/{field}"),
                "ranges": [f"{name_col}{body.format(name_col)}"],
            }
        )
    return {
        "id": "sheet1",
        "name": "Dashboard",
        "colNumber": len(COL_SIZES),
        "rowNumber": TOP_LAST + 3,
        "rows": {str(row - 1): {"size": size} for row, size in ROW_SIZES.items()},
        "cols": {str(i): {"size": size} for i, size in enumerate(COL_SIZES)},
        "merges": [f"A{NOTE_ROW}:I{NOTE_ROW}"],
        "cells": cells,
        "styles": styles,
        "formats": formats,
        "borders": borders,
        "conditionalFormats": conditional_formats,
        "figures": scorecards() + CHARTS,
        "tables": [],
        "areGridLinesVisible": True,
        "isVisible": True,
        "headerGroups": {"ROW": [], "COL": []},
        "dataValidationRules": [],
        "comments": {},
    }


# --- Data sheet: the KPIs of the period and of the previous one ----------------------


def data_sheet():
    large = "=FORMAT.LARGE.NUMBER({c}{r})"
    # A rate of a period without decided bookings is empty: no comparison.
    rate = '=IF({c}{r}="","—",{c}{r})'
    rows = [
        # (label; formula, {p} the KPI pivot, {c} the column; what the scorecard
        # shows of the current period and of the previous one, {r} the row).
        (
            "Bookings",
            '=PIVOT.VALUE({p},"booking_count")',
            large,
            # A change in percents: none from nothing (rather than ∞ %).
            '=IF(C{r},FORMAT.LARGE.NUMBER(C{r}),"—")',
        ),
        ("Completed", '=PIVOT.VALUE({p},"completed_count")', None, None),
        ("No-shows", '=PIVOT.VALUE({p},"no_show_count")', None, None),
        # A few a month: the change in late cancels, not in percents.
        ("Late cancels", '=PIVOT.VALUE({p},"late_cancel_count")', large, large),
        ("Cancellations", '=PIVOT.VALUE({p},"cancelled_count")', None, None),
        ("Bookings with an outcome", "={c}3+{c}4+{c}5+{c}6", None, None),
        ("Completion rate (%)", '=IF({c}7,{c}3/{c}7*100,"")', "={c}{r}", rate),
        # The report's own measure: the average of a per-row 0/100, i.e. no-shows
        # ÷ (completed + no-shows) of the period.
        (
            "No-show rate (%)",
            '=IF({c}3+{c}4,PIVOT.VALUE({p},"no_show_rate"),"")',
            "={c}{r}",
            rate,
        ),
        ("Penalties invoiced", '=PIVOT.VALUE({p},"penalty_amount")', large, large),
    ]
    cells = {
        "A1": {"content": t("KPI")},
        "B1": {"content": t("Current")},
        "C1": {"content": t("Previous")},
        "D1": {"content": t("Current")},
        "E1": {"content": t("Previous")},
    }
    formats = {}
    for index, (label, formula, key, baseline) in enumerate(rows):
        row = index + 2
        cells[f"A{row}"] = {"content": t(label)}
        cells[f"B{row}"] = {"content": formula.format(p=1, c="B")}
        cells[f"C{row}"] = {"content": formula.format(p=2, c="C")}
        if key:
            cells[f"D{row}"] = {"content": key.format(c="B", r=row)}
            cells[f"E{row}"] = {"content": baseline.format(c="C", r=row)}
        if "rate" in label:
            # Rates in percents; their change in percentage points.
            formats[f"B{row}:D{row}"] = "rate"
            formats[f"E{row}"] = "points"
    return {
        "id": uid("sheet/data"),
        "name": "Data",
        "colNumber": 26,
        "rowNumber": 100,
        "rows": {},
        "cols": {"0": {"size": 190}},
        "merges": [],
        "cells": cells,
        "styles": {"A1:E1": "header_fill", f"A2:E{len(rows) + 1}": "fill"},
        "formats": formats,
        "borders": {},
        "conditionalFormats": [],
        "figures": [],
        "tables": [],
        "areGridLinesVisible": True,
        "isVisible": True,
        "headerGroups": {"ROW": [], "COL": []},
        "dataValidationRules": [],
        "comments": {},
    }


STYLES = {
    "title": {"textColor": "#01666b", "fontSize": 16, "bold": True},
    "header": {"bold": True, "textColor": "#434343", "fontSize": 11},
    "header_right": {
        "bold": True,
        "textColor": "#434343",
        "fontSize": 11,
        "align": "right",
    },
    "body": {"textColor": "#434343", "verticalAlign": "middle"},
    "note": {
        "textColor": "#6C757D",
        "italic": True,
        "fontSize": 9,
        "wrapping": "wrap",
        "verticalAlign": "middle",
    },
    "header_fill": {"bold": True, "fillColor": "#f2f2f2"},
    "fill": {"fillColor": "#f2f2f2"},
}
FORMATS = {"rate": '0.0"%"', "points": '0.0" pts"'}
BORDERS = {"bottom": {"bottom": {"style": "thin", "color": "#CCCCCC"}}}


def number(sheet, key, table):
    """Odoo's files refer to styles, formats and borders by number."""
    ids = {name: str(i) for i, name in enumerate(table, start=1)}
    sheet[key] = {zone: int(ids[name]) for zone, name in sheet[key].items()}
    return ids


def build():
    sheets = [dashboard_sheet(), data_sheet()]
    for sheet in sheets:
        number(sheet, "styles", STYLES)
        number(sheet, "formats", FORMATS)
        number(sheet, "borders", BORDERS)
    return {
        "version": 21,
        "sheets": sheets,
        "styles": {str(i): s for i, s in enumerate(STYLES.values(), start=1)},
        "formats": {str(i): f for i, f in enumerate(FORMATS.values(), start=1)},
        "borders": {str(i): b for i, b in enumerate(BORDERS.values(), start=1)},
        "revisionId": "START_REVISION",
        "uniqueFigureIds": True,
        "settings": {
            "locale": {
                "name": "English (US)",
                "code": "en_US",
                "thousandsSeparator": ",",
                "decimalSeparator": ".",
                "dateFormat": "mm/dd/yyyy",
                "timeFormat": "hh:mm:ss",
                "formulaArgSeparator": ",",
                "weekStart": 7,
            }
        },
        "pivots": PIVOTS,
        "pivotNextId": len(PIVOTS) + 1,
        "customTableStyles": {},
        "odooVersion": 12,
        "globalFilters": GLOBAL_FILTERS,
        "lists": {},
        "listNextId": 1,
        # No menu behind the figures: a click on a bar or a point opens its
        # bookings (Odoo charts do that by themselves), and the file refers to
        # nothing that views/menus.xml, loaded after it, defines.
        "chartOdooMenusReferences": {},
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    text = json.dumps(build(), indent=4, ensure_ascii=False) + "\n"
    path = os.path.normpath(OUT)
    if args.check:
        with open(path, encoding="utf-8") as file:
            if file.read() != text:
                sys.exit(f"{path} is not up to date: run {sys.argv[0]}")
        return
    with open(path, "w", encoding="utf-8") as file:
        file.write(text)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
