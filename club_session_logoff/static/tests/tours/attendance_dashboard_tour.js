/** @odoo-module */

import { registry } from "@web/core/registry";

// Dashboards > Club > Club Attendance, on tests/test_attendance_dashboard.py's club.
// A spreadsheet draws its cells and charts on a canvas: the steps read what it
// draws from the dashboard's spreadsheet model (the scorecards' texts, the
// tables' cells), once its data has come in.

function findComponent(node, name) {
    if (node.component?.constructor.name === name) {
        return node.component;
    }
    for (const child of Object.values(node.children || {})) {
        const found = findComponent(child, name);
        if (found) {
            return found;
        }
    }
    return undefined;
}

function dashboardModel() {
    const action = findComponent(odoo.__WOWL_DEBUG__.root.__owl__, "SpreadsheetDashboardAction");
    return action?.state.activeDashboard?.model;
}

// What the scorecards show: {title: "key value | change"}.
function scorecards(model) {
    const sheetId = model.getters.getSheetIds()[0];
    const shown = {};
    for (const figure of model.getters.getFigures(sheetId)) {
        if (model.getters.getChartType(figure.id) === "scorecard") {
            const runtime = model.getters.getChartRuntime(figure.id);
            shown[runtime.title.text] = `${runtime.keyValue} | ${runtime.baselineDisplay}`;
        }
    }
    return shown;
}

// The formatted value of a cell of the dashboard sheet ("A26": one letter).
function cell(model, xc) {
    const sheetId = model.getters.getSheetIds()[0];
    const position = { sheetId, col: xc.charCodeAt(0) - 65, row: Number(xc.slice(1)) - 1 };
    return model.getters.getEvaluatedCell(position).formattedValue;
}

function matches(value, expected) {
    return expected instanceof RegExp ? expected.test(value) : value === expected;
}

// Wait until the dashboard shows what is expected (its data loads after the
// page), then fail with what it shows if it never does. ``expected``: scorecard
// titles and cells ("A26") to their texts.
async function expectShown(expected) {
    let shown;
    for (let i = 0; i < 120; i++) {
        const model = dashboardModel();
        if (model) {
            shown = scorecards(model);
            for (const xc of Object.keys(expected).filter((key) => /^[A-Z]\d+$/.test(key))) {
                shown[xc] = cell(model, xc);
            }
            if (Object.entries(expected).every(([key, value]) => matches(shown[key], value))) {
                return;
            }
        }
        await new Promise((resolve) => setTimeout(resolve, 150));
    }
    throw new Error(
        `The dashboard shows ${JSON.stringify(shown)}, expected ${String(
            Object.entries(expected).map(([key, value]) => `${key}: ${value}`)
        )}`
    );
}

registry.category("web_tour.tours").add("club_attendance_dashboard_tour", {
    steps: () => [
        {
            content: "Dashboards lists Club Attendance in its own Club section",
            trigger:
                ".o_search_panel_section:has(header:contains('Club')) li:contains('Club Attendance')",
            run: "click",
        },
        {
            content: "The period filter: the last 30 days",
            trigger:
                ".o_control_panel .o-filter-value[title='Period'] select.date_filter_values:has(option[value=last_month]:selected)",
        },
        {
            trigger: ".o_control_panel .o-filter-value[title='Offering']",
        },
        {
            trigger: ".o_control_panel .o-filter-value[title='Trainer']",
        },
        {
            content: "The KPIs of the last 30 days, beside the 30 days before",
            trigger: ".o_spreadsheet_dashboard_action .o-grid",
            timeout: 30000,
            run: () =>
                expectShown({
                    // 10 bookings against 5.
                    Bookings: "10 | 100.0%",
                    // 6 completed out of 9 decided, against 4 out of 5 (80 %).
                    "Completion Rate": "66.7% | 13.3 pts",
                    // 2 no-shows out of 8 expected, against 1 out of 5 (20 %).
                    "No-Show Rate": "25.0% | 5.0 pts",
                    // One more than the period before.
                    "Late Cancels": "1 | 1",
                    // Invoiced for the first no-show (in the company currency),
                    // none the period before.
                    "Penalties Invoiced": /^\D*15\D* \| \D*15\D*$/,
                    A26: "Dash Spinning",
                    B26: "40.0%",
                    C26: "2",
                    D26: "3",
                    A27: "Dash Yoga",
                    B27: "0.0%",
                    F26: "Dash Tara",
                    G26: "40.0%",
                }),
        },
        {
            content: "Only the last 7 days",
            trigger: ".o_control_panel .o-filter-value[title='Period'] select.date_filter_values",
            run: "select last_week",
        },
        {
            trigger: ".o_spreadsheet_dashboard_action .o-grid",
            timeout: 30000,
            run: () =>
                expectShown({
                    // 2, 2 and 3 days ago for Spinning, 3 days ago for Yoga;
                    // against 3 of the 7 days before (10, 11, 12 days ago).
                    Bookings: "4 | 33.3%",
                    // 2 out of 4, against none out of 2.
                    "No-Show Rate": "50.0% | 50.0 pts",
                    A26: "Dash Spinning",
                    B26: "66.7%",
                }),
        },
    ],
});
