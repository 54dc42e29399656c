import { registry } from "@web/core/registry";

// Mia's card code, as tests/kiosk_common.py (MIA_CARD) gives it to her.
const MIA_CARD = "MZ7K2P9QWX4D";

/** A keyboard-wedge scanner "types" the card's code fast, then Enter. */
function scanCard(code) {
    for (const key of [...code, "Enter"]) {
        document.body.dispatchEvent(new KeyboardEvent("keydown", { key, bubbles: true }));
    }
}

/** A finger drawing a stroke on the signature pad. */
function drawSignature() {
    const canvas = document.querySelector(".o_club_kiosk_signature_canvas");
    const rect = canvas.getBoundingClientRect();
    const pointer = (type, x, y) =>
        canvas.dispatchEvent(
            new PointerEvent(type, {
                bubbles: true,
                pointerId: 1,
                pointerType: "touch",
                clientX: rect.left + x,
                clientY: rect.top + y,
            })
        );
    pointer("pointerdown", 30, 60);
    for (let x = 30; x <= 300; x += 15) {
        pointer("pointermove", x, 60 + ((x / 15) % 4) * 10);
    }
    pointer("pointerup", 300, 70);
}

registry.category("web_tour.tours").add("club_kiosk_scan_confirm", {
    steps: () => [
        {
            content: "The kiosk waits for a member card: its code alone identifies",
            trigger: ".o_club_kiosk_welcome",
            run: () => scanCard(MIA_CARD),
        },
        {
            content: "The member is greeted by first name and sees the booking",
            trigger: ".o_club_kiosk_member .o_club_kiosk_first_name:contains(Mia)",
        },
        {
            content: "Confirm the booking",
            trigger: ".o_club_kiosk_booking:contains(Spinning) .o_club_kiosk_confirm",
            run: "click",
        },
        {
            content: "The booking is logged",
            trigger: ".o_club_kiosk_booking[data-state=logged]:contains(Logged)",
        },
        {
            trigger: ".o_club_kiosk_done",
            run: "click",
        },
        {
            content: "The kiosk wishes a good session",
            trigger: ".o_club_kiosk_done_screen",
        },
    ],
});

registry.category("web_tour.tours").add("club_kiosk_scan_sign", {
    steps: () => [
        {
            trigger: ".o_club_kiosk_welcome",
            run: () => scanCard(MIA_CARD),
        },
        {
            content: "Sign for the booking",
            trigger: ".o_club_kiosk_booking:contains(Spinning) .o_club_kiosk_confirm:contains(Sign)",
            run: "click",
        },
        {
            content: "Nothing drawn yet: nothing to confirm",
            trigger: ".o_club_kiosk_sign .o_club_kiosk_sign_confirm:disabled",
        },
        {
            content: "Sign on the pad",
            trigger: ".o_club_kiosk_signature_canvas",
            run: drawSignature,
        },
        {
            content: "Confirm the signature",
            trigger: ".o_club_kiosk_sign .o_club_kiosk_sign_confirm:enabled",
            run: "click",
        },
        {
            content: "The booking is logged",
            trigger: ".o_club_kiosk_booking[data-state=logged]:contains(Logged)",
        },
    ],
});

registry.category("web_tour.tours").add("club_kiosk_pin_then_idle", {
    steps: () => [
        {
            trigger: ".o_club_kiosk_welcome .o_club_kiosk_use_number",
            run: "click",
        },
        {
            trigger: ".o_club_kiosk_manual .o_club_kiosk_member_code",
            run: "edit M-0001",
        },
        ...["2", "4", "6", "8"].map((digit) => ({
            trigger: `.o_club_kiosk_keypad .o_club_kiosk_key[data-key='${digit}']`,
            run: "click",
        })),
        {
            trigger: ".o_club_kiosk_pin:contains(●●●●)",
        },
        {
            trigger: ".o_club_kiosk_submit:enabled",
            run: "click",
        },
        {
            content: "Typed by hand, the member number is sent with the PIN",
            trigger: ".o_club_kiosk_member .o_club_kiosk_first_name:contains(Mia)",
        },
        {
            content: "Nobody touches the kiosk: back to the welcome screen",
            trigger: ".o_club_kiosk_welcome",
            run() {
                const text = document.body.innerText;
                if (text.includes("Mia") || text.includes("Spinning")) {
                    throw new Error("The previous member's details stayed on the kiosk.");
                }
            },
        },
    ],
});

registry.category("web_tour.tours").add("club_kiosk_camera", {
    steps: () => [
        {
            content: "Scan with the tablet's camera",
            trigger: ".o_club_kiosk_welcome .o_club_kiosk_use_camera",
            run: "click",
        },
        {
            content: "The camera screen, or word that there is no camera",
            trigger: ".o_club_kiosk_camera, .o_club_kiosk_welcome .o_club_kiosk_notice",
            run() {
                document.querySelector(".o_club_kiosk_camera .o_club_kiosk_back")?.click();
            },
        },
        {
            content: "Back on the welcome screen, scanning a card still works",
            trigger: ".o_club_kiosk_welcome",
            run: () => scanCard(MIA_CARD),
        },
        {
            trigger: ".o_club_kiosk_member .o_club_kiosk_first_name:contains(Mia)",
        },
    ],
});
