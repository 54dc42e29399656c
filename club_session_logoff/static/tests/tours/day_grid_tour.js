/** @odoo-module */

import { registry } from "@web/core/registry";

// Bookings > Grid View: the day grid shows today's sessions; a click opens the
// session's roster. (Ends on the open roster.)
registry.category("web_tour.tours").add("club_day_grid_tour", {
    steps: () => [
        {
            content: "Open the Bookings menu",
            trigger: ".o_menu_sections button[data-menu-xmlid='club_session_logoff.menu_club_bookings']",
            run: "click",
        },
        {
            content: "Open Grid View",
            trigger: ".o-dropdown-item[data-menu-xmlid='club_session_logoff.menu_club_grid_view']",
            run: "click",
        },
        {
            content: "Today, with its trainers as columns",
            trigger: ".o_club_day_grid_column .o_club_day_grid_colhead:contains('Tour Trainer')",
        },
        {
            content: "Today's session, with its seats",
            trigger: ".o_club_day_grid_session:contains('Tour Grid Spinning'):contains('1/12')",
        },
        {
            content: "A one-to-one booking has its own tile",
            trigger: ".o_club_day_grid_booking:contains('Tour Grid Training'):contains('Tour Grid Client')",
        },
        {
            content: "Open the session",
            trigger: ".o_club_day_grid_session:contains('Tour Grid Spinning')",
            run: "click",
        },
        {
            content: "Its roster opens",
            trigger: ".o_form_view .o_notebook .o_field_widget[name=roster_booking_ids] .o_data_row:contains('Tour Grid Member')",
        },
        {
            content: "Log Roster",
            trigger: ".o_form_statusbar button[name=action_log_roster]",
            run: "click",
        },
        {
            content: "The member did not check in: one no-show",
            trigger: ".modal .o_field_widget[name=no_show_count]:contains('1')",
        },
        {
            content: "Confirm",
            trigger: ".modal footer button[name=action_log]",
            run: "click",
        },
        {
            content: "The roster shows the outcome",
            trigger: ".o_field_widget[name=roster_booking_ids] .o_data_row:contains('Tour Grid Member') .o_field_widget[name=state]:contains('No-Show')",
        },
    ],
});

// Around the day grid: the next day, a filter, a one-to-one booking's Log Off
// tab, and the week's calendar of sessions.
registry.category("web_tour.tours").add("club_day_grid_navigation_tour", {
    steps: () => [
        {
            trigger: ".o_club_day_grid_session:contains('Tour Grid Spinning')",
        },
        {
            content: "Next day",
            trigger: ".o_club_day_grid_next",
            run: "click",
        },
        {
            trigger: ".o_club_day_grid_session:contains('Tour Grid Yoga')",
        },
        {
            trigger: ".o_club_day_grid:not(:has(.o_club_day_grid_session:contains('Tour Grid Spinning')))",
        },
        {
            content: "Filter by trainer",
            trigger: ".o_club_day_grid_trainer_filter",
            run: "click",
        },
        {
            trigger: ".o-dropdown-item:contains('Tour Other Trainer')",
            run: "click",
        },
        {
            trigger: ".o_club_day_grid:not(:has(.o_club_day_grid_session:contains('Tour Grid Yoga')))",
        },
        {
            trigger: ".o_club_day_grid_session:contains('Tour Grid HIIT')",
        },
        {
            content: "Back to today",
            trigger: ".o_club_day_grid_today",
            run: "click",
        },
        {
            content: "The filter stays: today, that trainer's column is empty",
            trigger: ".o_club_day_grid_column:contains('Tour Other Trainer'):not(:has(.o_club_day_grid_tile))",
        },
        {
            trigger: ".o_club_day_grid:not(:has(.o_club_day_grid_session:contains('Tour Grid Spinning')))",
        },
        {
            trigger: ".o_club_day_grid_trainer_filter",
            run: "click",
        },
        {
            trigger: ".o-dropdown-item:contains('All trainers')",
            run: "click",
        },
        {
            content: "Open the one-to-one booking",
            trigger: ".o_club_day_grid_booking:contains('Tour Grid Client')",
            run: "click",
        },
        {
            content: "The booking opens on its Log Off tab",
            trigger: ".o_form_view .o_notebook .nav-link.active:contains('Log Off')",
        },
        {
            content: "Back to the grid",
            trigger: ".o_breadcrumb .o_back_button a, .o_breadcrumb .breadcrumb-item a:contains('Grid View')",
            run: "click",
        },
        {
            content: "Week and month: the calendar of sessions",
            trigger: ".o_club_day_grid_calendar",
            run: "click",
        },
        {
            trigger: ".o_calendar_view .fc-event:contains('Tour Grid Spinning')",
        },
    ],
});
