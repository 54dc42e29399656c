import * as Chrome from "@point_of_sale/../tests/tours/utils/chrome_util";
import * as Dialog from "@point_of_sale/../tests/tours/utils/dialog_util";
import * as PaymentScreen from "@point_of_sale/../tests/tours/utils/payment_screen_util";
import * as ProductScreen from "@point_of_sale/../tests/tours/utils/product_screen_util";
import * as ReceiptScreen from "@point_of_sale/../tests/tours/utils/receipt_screen_util";
import * as TicketScreen from "@point_of_sale/../tests/tours/utils/ticket_screen_util";
import { inLeftSide, refresh } from "@point_of_sale/../tests/tours/utils/common";
import { registry } from "@web/core/registry";

// The test names the booking BK-TOUR-1 and its member Abby Member.
const BOOKING = "BK-TOUR-1";

function bookingLineIsInTheOrder() {
    return [
        ...ProductScreen.selectedOrderlineHas("Class Session", "1", "15.00"),
        ...inLeftSide({
            content: "the line shows the booking number",
            trigger: `.order-container .orderline .club-booking:contains("${BOOKING}")`,
        }),
    ];
}

function payCashAndSeeTheBookingOnTheReceipt() {
    return [
        ProductScreen.clickPayButton(),
        PaymentScreen.clickPaymentMethod("Cash"),
        PaymentScreen.clickValidate(),
        ReceiptScreen.receiptIsThere(),
        {
            content: "the receipt shows the booking number",
            trigger: `.pos-receipt .club-booking:contains("${BOOKING}")`,
        },
    ].flat();
}

registry.category("web_tour.tours").add("club_pos_pay_unpaid_booking", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            ProductScreen.clickPartnerButton(),
            ProductScreen.clickCustomer("Abby Member"),
            ProductScreen.clickControlButton("Unpaid bookings"),
            {
                content: "pick the unpaid booking",
                trigger: `.selection-item:contains("${BOOKING}"):contains("Spinning")`,
                run: "click",
            },
            bookingLineIsInTheOrder(),
            payCashAndSeeTheBookingOnTheReceipt(),
        ].flat(),
});

registry.category("web_tour.tours").add("club_pos_take_payment_from_back_office", {
    steps: () =>
        [
            bookingLineIsInTheOrder(),
            ProductScreen.customerIsSelected("Abby Member"),
            payCashAndSeeTheBookingOnTheReceipt(),
        ].flat(),
});

// A paid order read back from the server: the POS reads its booking through
// club_pos_read_bookings, naming the order's customer.
registry.category("web_tour.tours").add("club_pos_ticket_screen_booking", {
    steps: () =>
        [
            Chrome.clickMenuOption("Orders"),
            TicketScreen.selectFilter("Paid"),
            TicketScreen.selectOrder("Abby Member"),
            {
                content: "the paid order's line shows the booking number",
                trigger: `.ticket-screen .orderline .club-booking:contains("${BOOKING}")`,
            },
        ].flat(),
});

// The order kept in the browser across a reload keeps its booking: the POS
// reads it back through club_pos_read_bookings, naming the order's customer.
registry.category("web_tour.tours").add("club_pos_booking_line_survives_a_reload", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            ProductScreen.clickPartnerButton(),
            ProductScreen.clickCustomer("Abby Member"),
            ProductScreen.clickControlButton("Unpaid bookings"),
            {
                content: "pick the unpaid booking",
                trigger: `.selection-item:contains("${BOOKING}")`,
                run: "click",
            },
            bookingLineIsInTheOrder(),
            refresh(),
            inLeftSide({
                content: "after the reload, the line still shows the booking number",
                trigger: `.order-container .orderline .club-booking:contains("${BOOKING}")`,
            }),
            ProductScreen.customerIsSelected("Abby Member"),
            payCashAndSeeTheBookingOnTheReceipt(),
        ].flat(),
});

// The bus's websocket may open only after the POS has loaded (a busy machine):
// that first connection is not a reconnection, and the POS must neither
// subscribe its channels again nor warn "Reconnecting to channel ...". The
// step gives the POS that late first connection, deterministically.
registry.category("web_tour.tours").add("club_pos_late_first_bus_connection", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            {
                content: "the bus connects for the first time, after the POS loaded",
                trigger: ".pos .product-screen",
                run() {
                    const data = window.posmodel.data;
                    const channels = data.channels.map((c) => c.channel).join(",");
                    data.bus.trigger("connect");
                    const after = data.channels.map((c) => c.channel).join(",");
                    if (after !== channels) {
                        throw new Error(`Channels subscribed again: ${after}`);
                    }
                },
            },
            ProductScreen.clickPartnerButton(),
            ProductScreen.clickCustomer("Abby Member"),
            ProductScreen.customerIsSelected("Abby Member"),
        ].flat(),
});
