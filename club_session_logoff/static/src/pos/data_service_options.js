import { DataServiceOptions } from "@point_of_sale/app/models/data_service_options";
import { patch } from "@web/core/utils/patch";

patch(DataServiceOptions.prototype, {
    // Cashiers cannot read bookings: the POS gets them from the narrow
    // club.booking methods, never by reading the model.
    get pohibitedAutoLoadedModels() {
        return [...super.pohibitedAutoLoadedModels, "club.booking"];
    },
});
