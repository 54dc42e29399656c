/** @odoo-module */

import { registry } from "@web/core/registry";

// A member in the member portal: pages through the timetable (a few days a
// page), books a session, joins the waitlist of a full one, then cancels the
// first one late after reading what it will cost.
registry.category("web_tour.tours").add("club_portal_member_tour", {
    steps: () => [
        {
            content: "The first page holds the coming days, not the class ten days ahead",
            trigger: ".o_club_session:contains('Tour Spin')",
        },
        {
            trigger: "body:not(:has(.o_club_session:contains('Tour Pilates')))",
        },
        {
            content: "The next days",
            trigger: ".o_portal_pager a.page-link:has(.fa-chevron-right)",
            run: "click",
        },
        {
            content: "The class ten days ahead, and no longer this afternoon's",
            trigger: ".o_club_session:contains('Tour Pilates') button.o_club_book:contains('Book')",
        },
        {
            trigger: "body:not(:has(.o_club_session:contains('Tour Spin')))",
        },
        {
            content: "Back to the first page",
            trigger: ".o_portal_pager a.page-link:has(.fa-chevron-left)",
            run: "click",
        },
        {
            content: "Book the session of this afternoon",
            trigger: ".o_club_session:contains('Tour Spin') button.o_club_book:contains('Book')",
            run: "click",
        },
        {
            content: "Booked: the booking's page says so",
            trigger: ".o_club_flash:contains('You are booked.')",
        },
        {
            trigger: ".o_club_booking .badge:contains('Booked')",
        },
        {
            content: "Back to the timetable",
            trigger: ".o_club_booking a:contains('Club Timetable')",
            run: "click",
        },
        {
            content: "The session is booked; the full one shows its waitlist",
            trigger: ".o_club_session:contains('Tour Spin') .badge:contains('Booked')",
        },
        {
            trigger: ".o_club_session:contains('Tour Yoga') .o_club_seats:contains('Full · waitlist 0')",
        },
        {
            content: "Join the waitlist of the full session",
            trigger: ".o_club_session:contains('Tour Yoga') button.o_club_book:contains('Join waitlist')",
            run: "click",
        },
        {
            content: "On the waitlist, first in line",
            trigger: ".o_club_flash:contains('position 1')",
        },
        {
            trigger: ".o_club_booking .badge:contains('Waitlisted · position 1')",
        },
        {
            content: "My Bookings",
            trigger: ".o_portal_submenu a[href='/my/club/bookings']",
            run: "click",
        },
        {
            content: "Open the booking of this afternoon",
            trigger: ".o_club_booking_row:contains('Tour Spin') a",
            run: "click",
        },
        {
            content: "Cancel it",
            trigger: ".o_club_booking a.o_club_cancel_link",
            run: "click",
        },
        {
            content: "The consequence, before committing",
            trigger: ".o_club_consequence:contains('This is a late cancel: the credit is lost and a fee of'):contains('will be invoiced')",
        },
        {
            content: "Cancel anyway",
            trigger: ".o_club_cancel button.o_club_confirm_cancel",
            run: "click",
        },
        {
            content: "A late cancel, with its fee pending",
            trigger: ".o_club_booking .badge:contains('Late cancel')",
        },
        {
            trigger: ".o_club_penalties:contains('Pending')",
        },
    ],
});

// The member pays the late-cancel fee's invoice online (Odoo's /my/invoices,
// the demo payment provider in test mode).
registry.category("web_tour.tours").add("club_portal_pay_fee_tour", {
    steps: () => [
        {
            content: "The fee's invoice is to pay",
            trigger: "a[title='Pay Now']",
            run: "click",
        },
        {
            content: "Pay with the demo provider",
            trigger: "#pay_with input[name=o_payment_radio][data-provider-code=demo]",
            run: "click",
        },
        {
            trigger: "#pay_with #customer_input",
            run: "edit 4242424242424242",
        },
        {
            trigger: "#pay_with button[name=o_payment_submit_button]:enabled",
            run: "click",
        },
        {
            content: "The payment went through",
            trigger: "body:contains('Your payment has been successfully processed.')",
        },
        {
            content: "Processed: the status page takes the member back to the invoice",
            trigger: ".o_portal_sidebar_timeago, .o_portal_sidebar",
        },
        {
            content: "Back to the invoices",
            trigger: "body",
            run: "goToUrl /my/invoices",
        },
        {
            content: "The fee's invoice is paid",
            trigger: "td[name=invoice_status] .badge i[title='Paid']",
        },
        {
            trigger: "body:not(:has(a[title='Pay Now']))",
        },
    ],
});
