/** @odoo-module */

import { Component, onWillStart, useState } from "@odoo/owl";
import { DateTimeInput } from "@web/core/datetime/datetime_input";
import { CheckboxItem } from "@web/core/dropdown/checkbox_item";
import { Dropdown } from "@web/core/dropdown/dropdown";
import { DropdownItem } from "@web/core/dropdown/dropdown_item";
import { _t } from "@web/core/l10n/translation";
import { serializeDateTime } from "@web/core/l10n/dates";
import { registry } from "@web/core/registry";
import { user } from "@web/core/user";
import { useService } from "@web/core/utils/hooks";
import { useSetupAction } from "@web/search/action_hook";
import { Layout } from "@web/search/layout";
import { standardActionServiceProps } from "@web/webclient/actions/action_service";

const { DateTime } = luxon;

// Height of an hour in the grid, in pixels.
const HOUR_HEIGHT = 48;
// Hours shown at least: a club's usual day (the grid grows for earlier or later
// sessions).
const FIRST_HOUR = 7;
const LAST_HOUR = 20;
const NO_TRAINER = "none";

/**
 * Bookings > Grid View: one day of the club, trainers as columns, time as rows,
 * a tile per session (and per booking without a session). Everything shown
 * comes from one server call per day: club.session.get_grid_data.
 */
export class ClubSessionDayGrid extends Component {
    static template = "club_session_logoff.DayGrid";
    static components = { Layout, Dropdown, DropdownItem, CheckboxItem, DateTimeInput };
    static props = { ...standardActionServiceProps };

    setup() {
        this.orm = useService("orm");
        this.actionService = useService("action");
        const saved = this.props.state || {};
        this.state = useState({
            day: saved.day ? DateTime.fromISO(saved.day) : this.today(),
            offeringIds: saved.offeringIds || [],
            trainerIds: saved.trainerIds || [],
            data: null,
        });
        this.requestId = 0;
        // Coming back from a roster (breadcrumbs): the same day and filters.
        useSetupAction({
            getLocalState: () => ({
                day: this.state.day.toISODate(),
                offeringIds: this.state.offeringIds,
                trainerIds: this.state.trainerIds,
            }),
        });
        onWillStart(async () => {
            await this.load();
            // Opened on today: the club's today, which the answer tells.
            const today = this.state.data?.today;
            if (!saved.day && today && today !== this.state.day.toISODate()) {
                await this.setDay(DateTime.fromISO(today));
            }
        });
    }

    /**
     * Today in the club's time zone, as the server reads the day (its answer
     * names the zone; before the first answer, the user's).
     */
    today() {
        const now = DateTime.now();
        const zone = this.state?.data?.tz || user.tz;
        const inZone = zone ? now.setZone(zone) : now;
        const today = (inZone.isValid ? inZone : now).toISODate();
        return DateTime.fromISO(today);
    }

    async load() {
        const requestId = ++this.requestId;
        const data = await this.orm.call(
            "club.session",
            "get_grid_data",
            [this.state.day.toISODate()],
            {
                offering_ids: this.state.offeringIds,
                trainer_ids: this.state.trainerIds,
            }
        );
        // A later day asked for meanwhile wins.
        if (requestId === this.requestId) {
            this.state.data = data;
        }
    }

    // ------------------------------------------------------------------
    // Navigation and filters
    // ------------------------------------------------------------------
    async setDay(day) {
        this.state.day = day.startOf("day");
        await this.load();
    }

    onPrevious() {
        return this.setDay(this.state.day.minus({ days: 1 }));
    }

    onNext() {
        return this.setDay(this.state.day.plus({ days: 1 }));
    }

    onToday() {
        return this.setDay(this.today());
    }

    onPickDay(value) {
        if (value) {
            return this.setDay(DateTime.fromISO(value.toISODate()));
        }
    }

    async toggleFilter(key, id) {
        const ids = this.state[key];
        this.state[key] = ids.includes(id) ? ids.filter((i) => i !== id) : [...ids, id];
        await this.load();
    }

    async clearFilter(key) {
        this.state[key] = [];
        await this.load();
    }

    get offeringFilterLabel() {
        return this.filterLabel("offeringIds", "offering_choices", _t("All offerings"));
    }

    get trainerFilterLabel() {
        return this.filterLabel("trainerIds", "trainer_choices", _t("All trainers"));
    }

    filterLabel(key, choicesKey, allLabel) {
        const ids = this.state[key];
        if (!ids.length) {
            return allLabel;
        }
        if (ids.length === 1) {
            const choices = this.state.data?.[choicesKey] || [];
            const choice = choices.find((c) => c.id === ids[0]);
            return choice ? choice.name : allLabel;
        }
        return _t("%(count)s selected", { count: ids.length });
    }

    // ------------------------------------------------------------------
    // Opening records
    // ------------------------------------------------------------------
    openSession(session) {
        // The session form is its roster.
        return this.actionService.doAction({
            type: "ir.actions.act_window",
            res_model: "club.session",
            res_id: session.id,
            views: [[false, "form"]],
            target: "current",
        });
    }

    openBooking(booking) {
        // The booking form opens on its Log Off tab (its first page).
        return this.actionService.doAction({
            type: "ir.actions.act_window",
            res_model: "club.booking",
            res_id: booking.id,
            views: [[false, "form"]],
            target: "current",
        });
    }

    openCalendar() {
        // Week and month: Odoo's calendar of sessions, at the day shown, with
        // the grid's filter when it names one offering or one trainer.
        const context = {
            initial_date: serializeDateTime(this.state.day.startOf("day")),
        };
        if (this.state.offeringIds.length === 1) {
            context.search_default_offering_id = this.state.offeringIds[0];
        }
        if (this.state.trainerIds.length === 1) {
            context.search_default_trainer_id = this.state.trainerIds[0];
        }
        return this.actionService.doAction(
            "club_session_logoff.club_session_action_calendar",
            { additionalContext: context }
        );
    }

    // ------------------------------------------------------------------
    // Layout
    // ------------------------------------------------------------------
    get dayLabel() {
        return this.state.day.toLocaleString({
            weekday: "long",
            day: "numeric",
            month: "long",
            year: "numeric",
        });
    }

    get isToday() {
        return this.state.day.hasSame(this.today(), "day");
    }

    get items() {
        const data = this.state.data;
        if (!data) {
            return [];
        }
        return [
            ...data.sessions.map((s) => ({ ...s, kind: "session", key: `s${s.id}` })),
            ...data.bookings.map((b) => ({ ...b, kind: "booking", key: `b${b.id}` })),
        ];
    }

    get hours() {
        let first = FIRST_HOUR;
        let last = LAST_HOUR;
        for (const item of this.items) {
            first = Math.min(first, Math.floor(item.start_minutes / 60));
            last = Math.max(last, Math.ceil(item.stop_minutes / 60));
        }
        const hours = [];
        for (let hour = first; hour < Math.min(last, 24); hour++) {
            hours.push({ hour, label: `${String(hour).padStart(2, "0")}:00` });
        }
        return hours;
    }

    /** The columns: the trainers of the day, then one for what has no trainer. */
    get columns() {
        const data = this.state.data;
        if (!data) {
            return [];
        }
        const items = this.items;
        const columns = data.trainers.map((trainer) => ({
            key: String(trainer.id),
            trainerId: trainer.id,
            name: trainer.name,
            items: this.layoutColumn(items.filter((i) => i.trainer_id === trainer.id)),
        }));
        const unassigned = items.filter((i) => !i.trainer_id);
        if (unassigned.length) {
            columns.push({
                key: NO_TRAINER,
                trainerId: false,
                name: _t("No trainer"),
                items: this.layoutColumn(unassigned),
            });
        }
        return columns;
    }

    /** Side by side, in lanes, the tiles of a column that overlap. */
    layoutColumn(items) {
        const sorted = [...items].sort(
            (a, b) => a.start_minutes - b.start_minutes || a.stop_minutes - b.stop_minutes
        );
        const placed = [];
        let cluster = [];
        let clusterEnd = -1;
        const closeCluster = () => {
            const lanes = Math.max(0, ...cluster.map((p) => p.lane)) + 1;
            for (const p of cluster) {
                p.lanes = lanes;
            }
            cluster = [];
        };
        for (const item of sorted) {
            if (cluster.length && item.start_minutes >= clusterEnd) {
                closeCluster();
            }
            const used = new Set(
                cluster.filter((p) => p.item.stop_minutes > item.start_minutes).map((p) => p.lane)
            );
            let lane = 0;
            while (used.has(lane)) {
                lane++;
            }
            const entry = { item, lane, lanes: 1 };
            cluster.push(entry);
            placed.push(entry);
            clusterEnd = Math.max(clusterEnd, item.stop_minutes);
        }
        if (cluster.length) {
            closeCluster();
        }
        return placed;
    }

    get firstHour() {
        const hours = this.hours;
        return hours.length ? hours[0].hour : FIRST_HOUR;
    }

    get hourStyle() {
        return `height: ${HOUR_HEIGHT}px;`;
    }

    get gridHeight() {
        return this.hours.length * HOUR_HEIGHT;
    }

    tileStyle(entry) {
        const { item, lane, lanes } = entry;
        const top = ((item.start_minutes - this.firstHour * 60) * HOUR_HEIGHT) / 60;
        const height = Math.max(
            ((item.stop_minutes - item.start_minutes) * HOUR_HEIGHT) / 60,
            24
        );
        const width = 100 / lanes;
        return `top: ${top}px; height: ${height}px; left: calc(${lane * width}% + 2px); width: calc(${width}% - 4px);`;
    }

    get nowStyle() {
        const minutes = this.state.data?.now_minutes;
        if (minutes === false || minutes === undefined) {
            return false;
        }
        const top = ((minutes - this.firstHour * 60) * HOUR_HEIGHT) / 60;
        if (top < 0 || top > this.gridHeight) {
            return false;
        }
        return `top: ${top}px;`;
    }

    seatsLabel(session) {
        return session.capacity
            ? `${session.seats_taken}/${session.capacity}`
            : `${session.seats_taken}`;
    }

    tileTitle(item) {
        if (item.kind === "session") {
            const parts = [item.name, `${this.seatsLabel(item)} · ${item.status_label}`];
            if (item.waitlist_count) {
                parts.push(_t("Waitlist: %(count)s", { count: item.waitlist_count }));
            }
            return parts.join("\n");
        }
        return `${item.name} · ${item.member}\n${item.offering} · ${item.status_label}`;
    }

    onTileClick(item) {
        return item.kind === "session" ? this.openSession(item) : this.openBooking(item);
    }
}

registry.category("actions").add("club_session_day_grid", ClubSessionDayGrid);
