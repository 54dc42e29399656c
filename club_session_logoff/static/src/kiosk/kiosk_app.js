import { App, Component, onWillUnmount, useExternalListener, useState, whenReady } from "@odoo/owl";
import { BarcodeVideoScanner, isBarcodeScannerSupported } from "@web/core/barcode/barcode_video_scanner";
import { _t } from "@web/core/l10n/translation";
import { MainComponentsContainer } from "@web/core/main_components_container";
import { rpc } from "@web/core/network/rpc";
import { getTemplate } from "@web/core/templates";
import { useBus, useService } from "@web/core/utils/hooks";
import { makeEnv, startServices } from "@web/env";
import { KioskSignaturePad } from "./signature_pad";

// Seconds before a screen goes back to the welcome screen when nobody touches
// the kiosk; the member's screens use the server's delay (idleSeconds).
const SHORT_SCREENS = { refused: 5, front_desk: 10, done: 4 };
// Screens on which a scanned card identifies a (new) member.
const SCAN_SCREENS = ["welcome", "member", "refused", "front_desk", "done"];

export class ClubKioskApp extends Component {
    static template = "club_session_logoff.KioskApp";
    static components = { BarcodeVideoScanner, KioskSignaturePad, MainComponentsContainer };
    static props = {
        token: String,
        companyId: Number,
        companyName: String,
        idleSeconds: Number,
        // How many digits a PIN has (the server's rule: tools/kiosk_pin.py).
        pinDigits: { type: Object, shape: { min: Number, max: Number } },
    };

    setup() {
        this.barcode = useService("barcode");
        this.state = useState({ ...this.emptyState(), camera: isBarcodeScannerSupported() });
        this.busy = false;
        this.idleTimer = null;
        useBus(this.barcode.bus, "barcode_scanned", (ev) => this.onScan(ev.detail.barcode));
        // Any touch or key keeps the current screen; silence brings the kiosk back
        // to its welcome screen.
        useExternalListener(window, "pointerdown", () => this.armIdleTimer(), { capture: true });
        useExternalListener(window, "keydown", () => this.armIdleTimer(), { capture: true });
        onWillUnmount(() => clearTimeout(this.idleTimer));
    }

    /** Everything the kiosk knows about a visit: a reset forgets all of it. */
    emptyState() {
        return {
            screen: "welcome",
            firstName: "",
            frontDesk: false,
            confirmMode: "none",
            bookings: [],
            ticket: false,
            memberCode: "",
            pin: "",
            signing: false,
            signature: false,
            pending: false,
            notice: "",
        };
    }

    get companyLogoUrl() {
        return `/web/binary/company_logo?company=${this.props.companyId}`;
    }

    get route() {
        return `/club/kiosk/${encodeURIComponent(this.props.token)}`;
    }

    get pinDots() {
        return "●".repeat(this.state.pin.length);
    }

    get canSubmitManual() {
        return (
            this.state.memberCode.trim().length > 0 &&
            this.state.pin.length >= this.props.pinDigits.min &&
            !this.state.pending
        );
    }

    get allDone() {
        return this.state.bookings.every((booking) => !booking.can_confirm);
    }

    // ------------------------------------------------------------------
    // Screens and idle timer
    // ------------------------------------------------------------------
    show(screen) {
        this.state.screen = screen;
        this.armIdleTimer();
    }

    reset() {
        clearTimeout(this.idleTimer);
        this.idleTimer = null;
        Object.assign(this.state, this.emptyState());
    }

    showCamera() {
        this.state.notice = "";
        this.show("camera");
    }

    armIdleTimer() {
        clearTimeout(this.idleTimer);
        const screen = this.state.screen;
        if (screen === "welcome" || screen === "invalid") {
            return;
        }
        const seconds = SHORT_SCREENS[screen] || this.props.idleSeconds;
        this.idleTimer = setTimeout(() => this.reset(), seconds * 1000);
    }

    // ------------------------------------------------------------------
    // Server
    // ------------------------------------------------------------------
    async call(path, params) {
        this.state.pending = true;
        try {
            return await rpc(`${this.route}/${path}`, params);
        } catch (error) {
            if (error.code === 404) {
                // The kiosk's address was regenerated: this page is dead.
                this.reset();
                this.state.screen = "invalid";
                return false;
            }
            return { status: "refused" };
        } finally {
            this.state.pending = false;
        }
    }

    refuse() {
        const screen = this.state.screen;
        if (screen !== "invalid") {
            Object.assign(this.state, this.emptyState());
            this.show("refused");
        }
    }

    async identify(code, pin = undefined) {
        if (this.busy) {
            return;
        }
        this.busy = true;
        try {
            const params = pin === undefined ? { code } : { code, pin };
            const result = await this.call("identify", params);
            if (!result) {
                return;
            }
            if (result.status !== "ok") {
                return this.refuse();
            }
            Object.assign(this.state, this.emptyState(), {
                firstName: result.first_name,
                frontDesk: result.front_desk,
                confirmMode: result.confirm_mode,
                bookings: result.bookings,
                ticket: result.ticket,
            });
            this.show(this.state.frontDesk && !this.state.bookings.length ? "front_desk" : "member");
        } finally {
            this.busy = false;
        }
    }

    async confirm(booking, signature = undefined) {
        if (this.busy) {
            return;
        }
        this.busy = true;
        try {
            const params = { ticket: this.state.ticket, booking_id: booking.id };
            if (signature) {
                params.signature = signature;
            }
            const result = await this.call("confirm", params);
            if (!result) {
                return;
            }
            if (result.status !== "ok") {
                return this.refuse();
            }
            const index = this.state.bookings.findIndex((b) => b.id === result.booking.id);
            if (index >= 0) {
                this.state.bookings[index] = result.booking;
            }
            this.state.signing = false;
            this.state.signature = false;
            this.show("member");
        } finally {
            this.busy = false;
        }
    }

    // ------------------------------------------------------------------
    // Handlers
    // ------------------------------------------------------------------
    // A scanned card sends its code alone; a number typed by hand goes with the
    // PIN (the server identifies nobody by a member number without it).
    onScan(barcode) {
        if (SCAN_SCREENS.includes(this.state.screen)) {
            this.identify(barcode);
        }
    }

    onCameraResult(barcode) {
        this.identify(barcode);
    }

    onCameraError() {
        // No camera, or no permission: say so, and offer the other ways only.
        this.reset();
        this.state.camera = false;
        this.state.notice = _t("The camera is not available: scan your card or type your number.");
    }

    onManualInput(ev) {
        this.state.memberCode = ev.target.value.slice(0, 64);
    }

    onKey(key) {
        if (key === "back") {
            this.state.pin = this.state.pin.slice(0, -1);
        } else if (this.state.pin.length < this.props.pinDigits.max) {
            this.state.pin += key;
        }
    }

    onSubmitManual() {
        if (this.canSubmitManual) {
            this.identify(this.state.memberCode.trim(), this.state.pin);
        }
    }

    onConfirm(booking) {
        if (this.state.confirmMode === "signature") {
            this.state.signing = booking;
            this.state.signature = false;
            this.show("sign");
        } else {
            this.confirm(booking);
        }
    }

    onSignatureChange(dataUrl) {
        this.state.signature = dataUrl;
    }

    onSign() {
        if (this.state.signing && this.state.signature) {
            this.confirm(this.state.signing, this.state.signature);
        }
    }

    onDone() {
        if (this.state.frontDesk) {
            this.show("front_desk");
        } else {
            this.show("done");
        }
    }

    bookingStateLabel(booking) {
        if (booking.state === "logged") {
            return _t("Logged");
        }
        if (booking.state === "confirmed") {
            return _t("Confirmed");
        }
        return this.state.confirmMode === "none" ? _t("Checked in") : "";
    }
}

export async function startClubKiosk() {
    await whenReady();
    const infoEl = document.getElementById("o_club_kiosk_info");
    if (!infoEl) {
        return;
    }
    const info = JSON.parse(infoEl.dataset.kiosk);
    const env = makeEnv();
    await startServices(env);
    const app = new App(ClubKioskApp, {
        env,
        getTemplate,
        props: {
            token: info.token,
            companyId: info.company_id,
            companyName: info.company_name,
            idleSeconds: info.idle_seconds,
            pinDigits: info.pin_digits,
        },
        dev: env.debug,
        translateFn: _t,
        translatableAttributes: ["data-tooltip"],
    });
    return app.mount(document.body);
}

startClubKiosk();
