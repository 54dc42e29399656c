"""The README screenshot of Dashboards > Club > Club Attendance, from a running
`make run` (with scripts/screenshots.py's browser):

    scripts/screenshots_dashboard.py [--url URL] [--out docs/screenshots]

Opens the dashboard as admin on its default period (the last 30 days), waits
until its figures are in, and saves the whole dashboard (a taller window than the
other screenshots). It changes nothing in the database.
"""

import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from screenshots import admin_session  # noqa: E402

# The scorecards' texts, read from the dashboard's spreadsheet model (a
# spreadsheet draws on a canvas): "Loading..." until the data is in.
SCORECARDS_JS = """
(() => {
    const find = (node) => {
        if (node.component?.constructor.name === "SpreadsheetDashboardAction") {
            return node.component;
        }
        for (const child of Object.values(node.children || {})) {
            const found = find(child);
            if (found) {
                return found;
            }
        }
    };
    const model = find(odoo.__WOWL_DEBUG__.root.__owl__)?.state.activeDashboard?.model;
    if (!model) {
        return null;
    }
    const sheetId = model.getters.getSheetIds()[0];
    return model.getters
        .getFigures(sheetId)
        .filter((figure) => model.getters.getChartType(figure.id) === "scorecard")
        .map((figure) => model.getters.getChartRuntime(figure.id).keyValue);
})()
"""


def main():
    with admin_session(__doc__) as (args, browser, call):
        # Tall enough for the tables under the charts.
        browser.call(
            "Emulation.setDeviceMetricsOverride",
            width=1440,
            height=960,
            deviceScaleFactor=1,
            mobile=False,
        )
        browser.goto(f"{args.url}/odoo/dashboards")
        item = ".o_search_panel_category_value[data-name='Club Attendance']"
        if not browser.wait_for(item):
            sys.exit("Dashboards does not list Club Attendance")
        browser.evaluate(f"document.querySelector({json.dumps(item)}).click()")
        deadline = time.time() + 60
        values = None
        while time.time() < deadline:
            values = browser.evaluate(SCORECARDS_JS)
            if values and all(v and "Loading" not in v for v in values[:3]):
                break
            time.sleep(0.5)
        else:
            sys.exit(f"the dashboard did not load its figures: {values}")
        time.sleep(3)  # the charts' animation
        target = os.path.join(args.out, "attendance_dashboard.png")
        browser.shot(target)
        print(f"saved {target}: {values}")


if __name__ == "__main__":
    main()
