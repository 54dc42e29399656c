/** @odoo-module */

import { registry } from "@web/core/registry";

// The reminder's Cancel link, opened without logging in: the page says what
// cancelling now does; the button cancels (a POST), the page says it is done.
registry.category("web_tour.tours").add("club_one_tap_cancel_tour", {
    steps: () => [
        {
            content: "The booking and what cancelling now would do",
            trigger: ".o_club_booking_cancel .o_club_cancel_consequence:contains('credit comes back')",
        },
        {
            content: "Cancel my booking",
            trigger: ".o_club_cancel_button",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Done: the booking is cancelled",
            trigger: ".o_club_cancel_done:contains('Your booking is cancelled')",
        },
    ],
});
