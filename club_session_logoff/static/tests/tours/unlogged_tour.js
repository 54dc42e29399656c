/** @odoo-module */

import { registry } from "@web/core/registry";

// Main > Log Sessions: what the scheduled action will log tonight, so that staff
// can log it by hand first.
registry.category("web_tour.tours").add("club_will_be_auto_logged_tour", {
    steps: () => [
        {
            trigger: ".o_list_view .o_data_row:contains('Tour Fresh Member')",
        },
        {
            content: "Open the filters",
            trigger: ".o_searchview_dropdown_toggler",
            run: "click",
        },
        {
            content: "Filter: Will Be Auto-Logged",
            trigger: ".o_filter_menu .dropdown-item:contains('Will Be Auto-Logged')",
            run: "click",
        },
        {
            content: "Only the booking left unlogged for days remains, highlighted",
            trigger:
                ".o_list_view:not(:has(.o_data_row:contains('Tour Fresh Member'))) " +
                ".o_data_row.text-warning:contains('Tour Due Member')",
        },
        {
            content: "Open it",
            trigger: ".o_data_row:contains('Tour Due Member') td.o_data_cell",
            run: "click",
        },
        {
            content: "The Log Off tab says when the scheduled action handles it",
            trigger: ".o_notebook .alert-warning:contains('Unless someone logs it first')",
        },
    ],
});

// Club > Configuration > Settings (club managers): switch the credit clean-up on
// and run the scheduled action now.
registry.category("web_tour.tours").add("club_run_unlogged_now_tour", {
    steps: () => [
        {
            content: "Switch the session-credit clean-up on",
            trigger: ".o_field_widget[name=club_credit_cleanup] input",
            run: "click",
        },
        {
            content: "Its stronger option appears",
            trigger: ".o_field_widget[name=club_credit_cleanup_future]",
        },
        {
            // Saving a company reloads the web client (Odoo's company service).
            trigger: ".o_form_button_save",
            run: "click",
            expectUnloadPage: true,
        },
        {
            trigger: ".o_form_saved .o_field_widget[name=club_credit_cleanup] input:checked",
        },
        {
            content: "Run Now",
            trigger: "button[name=action_club_run_unlogged]",
            run: "click",
        },
        {
            content: "A summary of what it did",
            trigger: ".o_notification:contains('Completed:'):contains('credits assigned:')",
        },
        {
            content: "The last run is shown",
            trigger: ".o_field_widget[name=club_unlogged_last_summary]:contains('Completed:')",
        },
    ],
});
