import {
    App,
    Component,
    markup,
    onMounted,
    onWillUnmount,
    useExternalListener,
    useState,
    whenReady,
} from "@odoo/owl";
import { BarcodeVideoScanner, isBarcodeScannerSupported } from "@web/core/barcode/barcode_video_scanner";
import { browser } from "@web/core/browser/browser";
import { _t, translatedTerms } from "@web/core/l10n/translation";
import { MainComponentsContainer } from "@web/core/main_components_container";
import { rpc } from "@web/core/network/rpc";
import { getTemplate } from "@web/core/templates";
import { useBus, useService } from "@web/core/utils/hooks";
import { escape } from "@web/core/utils/strings";
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
        // The language the app speaks now (the club's, or the identified
        // member's) and the club's own.
        lang: String,
        clubLang: String,
        // Speak another language: remounts the app in it, with this state
        // (resolves to false when its texts could not be loaded).
        switchLanguage: Function,
        // The visit carried over from the app in the previous language.
        initialState: { type: Object, optional: true },
    };

    setup() {
        this.barcode = useService("barcode");
        this.state = useState({
            ...this.emptyState(),
            camera: isBarcodeScannerSupported(),
            ...(this.props.initialState || {}),
        });
        this.busy = false;
        this.idleTimer = null;
        useBus(this.barcode.bus, "barcode_scanned", (ev) => this.onScan(ev.detail.barcode));
        // Any touch or key keeps the current screen; silence brings the kiosk back
        // to its welcome screen.
        useExternalListener(window, "pointerdown", () => this.armIdleTimer(), { capture: true });
        useExternalListener(window, "keydown", () => this.armIdleTimer(), { capture: true });
        onMounted(() => this.armIdleTimer());
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

    // Whole sentences for translators, the member's first name inside.
    get firstNameMarkup() {
        return markup(`<span class="o_club_kiosk_first_name">${escape(this.state.firstName)}</span>`);
    }

    get greeting() {
        return _t("Hello %(name)s!", { name: this.firstNameMarkup });
    }

    get thanks() {
        return _t("Thank you, %(name)s.", { name: this.firstNameMarkup });
    }

    get signTitle() {
        const booking = this.state.signing;
        return _t("Sign for %(booking)s, %(start)s – %(stop)s", {
            booking: booking.name,
            start: booking.start,
            stop: booking.stop,
        });
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
        // The member left: the kiosk speaks the club's language again.
        if (this.props.lang !== this.props.clubLang) {
            this.props.switchLanguage(this.props.clubLang, { camera: this.state.camera });
        }
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
            const visit = {
                ...this.emptyState(),
                camera: this.state.camera,
                firstName: result.first_name,
                frontDesk: result.front_desk,
                confirmMode: result.confirm_mode,
                bookings: result.bookings,
                ticket: result.ticket,
                screen: result.front_desk && !result.bookings.length ? "front_desk" : "member",
            };
            if (result.lang && result.lang !== this.props.lang) {
                // The member's language: the app starts again in it, on the
                // member's screen.
                if (await this.props.switchLanguage(result.lang, visit)) {
                    return;
                }
            }
            Object.assign(this.state, visit);
            this.armIdleTimer();
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

/**
 * The app's texts in ``lang`` (Odoo's localization service loaded the page's
 * language, the club's, at start): fetched from the kiosk's translations route,
 * which browsers cache by the texts' hash.
 */
const termsByLang = {};
async function loadTerms(info, lang) {
    if (!termsByLang[lang]) {
        const { url, hashes } = info.translations;
        const hash = hashes[lang] || Date.now().toString();
        const response = await browser.fetch(`${url}/${hash}?lang=${encodeURIComponent(lang)}`);
        if (!response.ok) {
            throw new Error("Error while fetching translations");
        }
        const { modules } = await response.json();
        const terms = {};
        for (const addon of Object.values(modules)) {
            for (const message of addon.messages) {
                terms[message.id] = message.string;
            }
        }
        termsByLang[lang] = terms;
    }
    return termsByLang[lang];
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
    // What the localization service loaded: the club's language.
    termsByLang[info.club_lang] = Object.assign({}, translatedTerms);
    let app = null;
    let lang = info.club_lang;

    /** Mount the app in ``lang``; OWL translates templates when it compiles
     * them, so another language is another App. */
    function mount(initialState) {
        app = new App(ClubKioskApp, {
            env,
            getTemplate,
            props: {
                token: info.token,
                companyId: info.company_id,
                companyName: info.company_name,
                idleSeconds: info.idle_seconds,
                pinDigits: info.pin_digits,
                lang,
                clubLang: info.club_lang,
                switchLanguage,
                initialState,
            },
            dev: env.debug,
            translateFn: _t,
            translatableAttributes: ["data-tooltip"],
        });
        return app.mount(document.body);
    }

    async function switchLanguage(newLang, initialState) {
        let terms;
        try {
            terms = await loadTerms(info, newLang);
        } catch {
            // Offline for a moment: stay in the current language.
            return false;
        }
        for (const term of Object.keys(translatedTerms)) {
            delete translatedTerms[term];
        }
        Object.assign(translatedTerms, terms);
        lang = newLang;
        document.documentElement.setAttribute("lang", newLang.replace("_", "-"));
        app.destroy();
        await mount(initialState);
        return true;
    }

    return mount(undefined);
}

startClubKiosk();
