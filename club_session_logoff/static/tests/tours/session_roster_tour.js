/** @odoo-module */

import { registry } from "@web/core/registry";

// The session form is the roster: log one row, then the rest with Log Roster.
registry.category("web_tour.tours").add("club_session_roster_tour", {
    steps: () => [
        {
            content: "The roster shows who checked in",
            trigger: ".o_field_widget[name=roster_booking_ids] .o_data_row:contains('Roster Arrived') td[name=checked_in] input:checked",
        },
        {
            content: "Log one row as a no-show",
            trigger: ".o_field_widget[name=roster_booking_ids] .o_data_row:contains('Roster Excused') button[name=action_log_no_show]",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=roster_booking_ids] .o_data_row:contains('Roster Excused') .o_field_widget[name=state]:contains('No-Show')",
        },
        {
            content: "The logged row has no log buttons left",
            trigger: ".o_field_widget[name=roster_booking_ids] .o_data_row:contains('Roster Excused'):not(:has(button[name=action_log_completed]))",
        },
        {
            content: "Log Roster",
            trigger: ".o_form_statusbar button[name=action_log_roster]",
            run: "click",
        },
        {
            content: "The confirmation says how many of each",
            trigger: ".modal .o_field_widget[name=completed_count]:contains('1')",
        },
        {
            trigger: ".modal .o_field_widget[name=no_show_count]:contains('1')",
        },
        {
            trigger: ".modal .o_field_widget[name=no_show_names]:contains('Roster Absent')",
        },
        {
            trigger: ".modal footer button[name=action_log]",
            run: "click",
        },
        {
            content: "Every row is logged",
            trigger: ".o_field_widget[name=roster_booking_ids] .o_data_row:contains('Roster Arrived') .o_field_widget[name=state]:contains('Completed')",
        },
        {
            trigger: ".o_field_widget[name=roster_booking_ids] .o_data_row:contains('Roster Absent') .o_field_widget[name=state]:contains('No-Show')",
        },
        {
            content: "Nothing left to log",
            trigger: ".o_form_statusbar:not(:has(button[name=action_log_roster]))",
        },
    ],
});

// The member's account: the Booking # is the link that opens the booking.
registry.category("web_tour.tours").add("club_member_account_link_tour", {
    steps: () => [
        {
            content: "Open the member's account",
            trigger: ".o_form_view button[name=action_club_account]",
            run: "click",
        },
        {
            content: "The Open Bookings tab",
            trigger: ".o_notebook .nav-link:contains('Open Bookings')",
            run: "click",
        },
        {
            content: "Click the booking number",
            trigger: ".o_field_widget[name=club_open_booking_ids] .o_data_row a.o_form_uri:contains('BK-LINK-1')",
            run: "click",
        },
        {
            content: "The booking's own form, its Log Off tab",
            trigger: ".o_form_view .o_field_widget[name=name]:contains('BK-LINK-1')",
        },
        {
            trigger: ".o_notebook .o_field_widget[name=day_checkin_summary]:contains('within the window')",
        },
        {
            trigger: ".o_breadcrumb:contains('BK-LINK-1')",
        },
    ],
});
