import { PosData } from "@point_of_sale/app/models/data_service";
import { patch } from "@web/core/utils/patch";

patch(PosData.prototype, {
    async missingRecursive(recordMap, idsMap, acc) {
        const result = await super.missingRecursive(...arguments);
        // Orders read from the server (ticket screen, sync) name bookings the
        // POS may not know yet; only the outermost call fetches them.
        if (idsMap === undefined && this.models["club.booking"]) {
            const missing = new Set();
            for (const line of result["pos.order.line"] || []) {
                const id = line.club_booking_id;
                if (typeof id === "number" && !this.models["club.booking"].get(id)) {
                    missing.add(id);
                }
            }
            for (const booking of result["club.booking"] || []) {
                missing.delete(booking.id);
            }
            if (missing.size) {
                const bookings = await this.orm.call("club.booking", "club_pos_read_bookings", [
                    [...missing],
                    odoo.pos_config_id,
                ]);
                result["club.booking"] = [...(result["club.booking"] || []), ...bookings];
            }
        }
        return result;
    },
});
