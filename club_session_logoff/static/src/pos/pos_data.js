import { PosData } from "@point_of_sale/app/models/data_service";
import { patch } from "@web/core/utils/patch";

// The server takes at most 1000 ids of each kind per call.
const CHUNK = 500;

patch(PosData.prototype, {
    async setup(env, { bus_service }) {
        // Whether the bus lost its connection since the POS subscribed its
        // channels (see reconnectWebSocket). Listened to before anything else.
        this.clubBusDisconnected = false;
        bus_service.addEventListener("disconnect", () => {
            this.clubBusDisconnected = true;
        });
        return await super.setup(...arguments);
    },

    /**
     * The POS subscribes its channels (CLOSING_SESSION, SYNCHRONISATION...)
     * while it loads, and again on each "connect" of the bus. But the bus's
     * first connection is a "connect" too: on a busy machine the websocket
     * opens only after the POS has loaded, and the POS then took it for a
     * reconnection, subscribed every channel a second time (each notification
     * handled twice) and warned "Reconnecting to channel ...". Only a
     * connection that follows a disconnection is a reconnection.
     */
    reconnectWebSocket() {
        if (!this.clubBusDisconnected) {
            return;
        }
        this.clubBusDisconnected = false;
        return super.reconnectWebSocket(...arguments);
    },

    async missingRecursive(recordMap, idsMap, acc) {
        const result = await super.missingRecursive(...arguments);
        // Orders read from the server (ticket screen, sync) or kept in the
        // browser name bookings the POS may not know yet; only the outermost
        // call fetches them. The server returns a booking of a line of this
        // POS's orders, or of the customer of the order holding it: each
        // booking is sent with that customer.
        if (idsMap === undefined && this.models["club.booking"]) {
            const partnerOfOrder = new Map(
                (result["pos.order"] || []).map((order) => [order.id, order.partner_id])
            );
            const known = new Set((result["club.booking"] || []).map((booking) => booking.id));
            const missing = new Map();
            for (const line of result["pos.order.line"] || []) {
                const id = line.club_booking_id;
                if (
                    typeof id !== "number" ||
                    known.has(id) ||
                    this.models["club.booking"].get(id)
                ) {
                    continue;
                }
                let partner = partnerOfOrder.get(line.order_id);
                if (partner === undefined) {
                    partner = this.models["pos.order"].get(line.order_id)?.partner_id;
                }
                partner = partner?.id ?? partner;
                if (!missing.has(id) || typeof partner === "number") {
                    missing.set(id, typeof partner === "number" ? partner : false);
                }
            }
            const pairs = [...missing.entries()];
            const bookings = [];
            for (let start = 0; start < pairs.length; start += CHUNK) {
                const chunk = pairs.slice(start, start + CHUNK);
                const partners = [...new Set(chunk.map(([, partner]) => partner))].filter(
                    (partner) => typeof partner === "number"
                );
                bookings.push(
                    ...(await this.orm.call("club.booking", "club_pos_read_bookings", [
                        chunk.map(([id]) => id),
                        odoo.pos_config_id,
                        partners,
                    ]))
                );
            }
            if (bookings.length) {
                result["club.booking"] = [...(result["club.booking"] || []), ...bookings];
            }
        }
        return result;
    },
});
