import { PosOrderline } from "@point_of_sale/app/models/pos_order_line";
import { _t } from "@web/core/l10n/translation";
import { patch } from "@web/core/utils/patch";

patch(PosOrderline.prototype, {
    can_be_merged_with(orderline) {
        if (this.club_booking_id || orderline.club_booking_id) {
            return false;
        }
        return super.can_be_merged_with(...arguments);
    },
    set_quantity(quantity, keep_price) {
        // One unit pays one booking; removing the line stays possible.
        if (this.club_booking_id && quantity !== "" && quantity !== "remove") {
            const qty = typeof quantity === "number" ? quantity : parseFloat(quantity);
            if (qty !== 1) {
                return {
                    title: _t("Booking payment"),
                    body: _t(
                        "This line pays booking %s: its quantity stays 1. Remove the line instead.",
                        this.club_booking_id.name
                    ),
                };
            }
        }
        return super.set_quantity(...arguments);
    },
    getDisplayData() {
        return {
            ...super.getDisplayData(),
            clubBooking: this.club_booking_id?.name || "",
        };
    },
});
