import { PosStore } from "@point_of_sale/app/store/pos_store";
import { AlertDialog } from "@web/core/confirmation_dialog/confirmation_dialog";
import { SelectionPopup } from "@point_of_sale/app/utils/input_popups/selection_popup";
import { makeAwaitable } from "@point_of_sale/app/store/make_awaitable_dialog";
import { deserializeDateTime, formatDateTime } from "@web/core/l10n/dates";
import { _t } from "@web/core/l10n/translation";
import { patch } from "@web/core/utils/patch";

const BOOKING_URL_PARAM = "club_booking_id";

patch(PosStore.prototype, {
    async afterProcessServerData() {
        const result = await super.afterProcessServerData(...arguments);
        await this.clubTakeBookingFromUrl();
        return result;
    },

    /** Take Payment at POS (back office) opens the POS with ?club_booking_id=. */
    async clubTakeBookingFromUrl() {
        const url = new URL(window.location.href);
        const bookingId = parseInt(url.searchParams.get(BOOKING_URL_PARAM));
        if (!url.searchParams.has(BOOKING_URL_PARAM)) {
            return;
        }
        // A reload must not add the booking again.
        url.searchParams.delete(BOOKING_URL_PARAM);
        window.history.replaceState({}, "", url);
        if (!bookingId) {
            return;
        }
        const bookings = await this.clubFetchBookings("club_pos_booking_to_pay", [bookingId]);
        if (bookings?.length) {
            await this.clubAddBookingLine(bookings[0]);
        }
    },

    /** Call a narrow club.booking method and load what it returns, for this
     * device only (other devices would read the bookings back as the cashier). */
    async clubFetchBookings(method, args) {
        try {
            const data = await this.data.call("club.booking", method, [...args, this.config.id]);
            const bookings = this.models.loadData(data, [], true)["club.booking"] || [];
            // Members and credit products the POS did not load at start-up.
            await this.clubLoadMissing("res.partner", bookings.map((b) => b.raw.partner_id));
            await this.clubLoadMissing("product.product", bookings.map((b) => b._product_id));
            return bookings;
        } catch (error) {
            this.dialog.add(AlertDialog, {
                title: _t("Booking payment"),
                body: error.data?.message || error.message || String(error),
            });
            return null;
        }
    },

    async clubLoadMissing(model, ids) {
        const missing = [...new Set(ids)].filter((id) => id && !this.models[model].get(id));
        if (missing.length) {
            await this.data.read(model, missing);
        }
    },

    clubBookingLabel(booking) {
        const parts = [booking.name, booking._offering_name];
        if (booking.start) {
            parts.push(
                formatDateTime(deserializeDateTime(booking.start), { showSeconds: false })
            );
        }
        parts.push(booking._state_label);
        return parts.filter(Boolean).join(" · ");
    },

    /** The "Unpaid bookings" button: pick one of the customer's unpaid bookings. */
    async clubPickUnpaidBooking() {
        const order = this.get_order();
        if (!order) {
            return;
        }
        if (!order.get_partner()) {
            this.notification.add(_t("Select the customer first."), { type: "info" });
            await this.selectPartner();
        }
        const partner = order.get_partner();
        if (!partner) {
            return;
        }
        const bookings = await this.clubFetchBookings("club_pos_unpaid_bookings", [partner.id]);
        if (!bookings) {
            return;
        }
        const inOrder = new Set(order.lines.map((line) => line.club_booking_id?.id));
        const choices = bookings.filter((booking) => !inOrder.has(booking.id));
        if (!choices.length) {
            this.notification.add(_t("%s has no unpaid bookings.", partner.name), {
                type: "info",
            });
            return;
        }
        const booking = await makeAwaitable(this.dialog, SelectionPopup, {
            title: _t("Unpaid bookings of %s", partner.name),
            list: choices.map((booking) => ({
                id: booking.id,
                label: this.clubBookingLabel(booking),
                item: booking,
            })),
        });
        if (booking) {
            await this.clubAddBookingLine(booking);
        }
    },

    /** Add one line of the booking's credit product, tied to the booking. */
    async clubAddBookingLine(booking) {
        const partner = this.models["res.partner"].get(booking.raw.partner_id);
        let order = this.get_order();
        if (
            !order ||
            order.finalized ||
            (order.lines.length && partner && order.get_partner()?.id !== partner.id)
        ) {
            order = this.add_new_order();
        }
        if (order.lines.some((line) => line.club_booking_id?.id === booking.id)) {
            this.notification.add(_t("Booking %s is in the order already.", booking.name), {
                type: "warning",
            });
            return;
        }
        if (partner && !order.get_partner()) {
            order.set_partner(partner);
        }
        const product = this.models["product.product"].get(booking._product_id);
        if (!product) {
            this.dialog.add(AlertDialog, {
                title: _t("Booking payment"),
                body: _t("The credit product of booking %s is not available here.", booking.name),
            });
            return;
        }
        await this._loadMissingPricelistItems([product]);
        await this.addLineToCurrentOrder(
            { product_id: product, qty: 1, club_booking_id: booking },
            {},
            false
        );
    },
});
