/** @odoo-module */

import { registry } from "@web/core/registry";

// Main > Log Sessions > a booking > Log Off tab: staff log a session.
registry.category("web_tour.tours").add("club_log_off_tab_tour", {
    steps: () => [
        {
            content: "Open the booking from Log Sessions",
            trigger: ".o_list_view .o_data_row td.o_data_cell:contains('Tour Member')",
            run: "click",
        },
        {
            content: "The Log Off tab shows the member's previous bookings",
            trigger: ".o_notebook .o_field_widget[name=previous_booking_ids] .o_data_row:contains('Completed')",
        },
        {
            content: "Select the status",
            trigger: ".o_field_widget[name=log_status] input[data-value=no_show]",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=log_note] textarea",
            run: "edit Called in sick too late",
        },
        {
            content: "Log The Booking",
            trigger: "button[name=action_log_booking]",
            run: "click",
        },
        {
            content: "The booking is logged as a no-show",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('No-Show')",
        },
        {
            trigger: ".o_field_widget[name=log_source]:contains('Staff')",
        },
    ],
});

// Main > Log Sessions: select rows and log them at once.
registry.category("web_tour.tours").add("club_log_sessions_bulk_tour", {
    steps: () => [
        {
            trigger: ".o_list_view .o_data_row:contains('Tour Member') .o_list_record_selector input",
            run: "click",
        },
        {
            trigger: ".o_list_view .o_data_row:contains('Tour Buddy') .o_list_record_selector input",
            run: "click",
        },
        {
            trigger: ".o_list_selection_box:contains(2)",
        },
        {
            content: "Log Completed",
            trigger: ".o_control_panel button[name=action_log_completed]",
            run: "click",
        },
        {
            content: "Logged bookings leave the list",
            trigger: ".o_list_view:not(:has(.o_data_row:contains('Tour Member')))",
        },
    ],
});
