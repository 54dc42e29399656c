// Run by tests/test_i18n_kiosk.py in the kiosk's page (browser_js): a visit
// through the kiosk's screens. The test fills in ENGLISH ({lang: the English
// texts of the app translated in that language}), EXPECTED ({screen: a text
// it must show}), CLUB and MEMBER (the languages), CARD.
(async () => {
    const english = __ENGLISH__;
    const expected = __EXPECTED__;
    const club = __CLUB__;
    const member = __MEMBER__;
    const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
    async function waitFor(selector, timeout = 20000) {
        const end = Date.now() + timeout;
        while (Date.now() < end) {
            const el = document.querySelector(selector);
            if (el) {
                await sleep(100);
                return el;
            }
            await sleep(50);
        }
        throw new Error(`Timeout waiting for ${selector}`);
    }
    function texts() {
        const root = document.querySelector(".o_club_kiosk");
        const found = [];
        const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
        while (walker.nextNode()) {
            const text = walker.currentNode.textContent.replace(/\s+/g, " ").trim();
            if (text) {
                found.push(text);
            }
        }
        for (const el of root.querySelectorAll("*")) {
            for (const attr of ["placeholder", "aria-label", "title", "alt"]) {
                if (el.getAttribute(attr)) {
                    found.push(el.getAttribute(attr).trim());
                }
            }
        }
        return found;
    }
    // A text with placeholders ("Hello %(name)s!") is English when an element's
    // whole text reads like it ("Hello Mia!").
    const patterns = {};
    for (const [lang, terms] of Object.entries(english)) {
        patterns[lang] = terms
            .filter((term) => /%\(\w+\)s|%s/.test(term))
            .map((term) => {
                const parts = term.split(/%\(\w+\)s|%s/);
                const escaped = parts.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
                return new RegExp(`^${escaped.join(".+?")}$`);
            });
    }
    function sentences() {
        const root = document.querySelector(".o_club_kiosk");
        return [...root.querySelectorAll("*")].map((el) =>
            el.textContent.replace(/\s+/g, " ").trim()
        );
    }
    function check(screen, lang) {
        const shown = texts();
        const left = shown.filter((text) => english[lang].includes(text));
        for (const sentence of sentences()) {
            if (patterns[lang].some((pattern) => pattern.test(sentence))) {
                left.push(sentence);
            }
        }
        if (left.length) {
            throw new Error(`${screen} (${lang}): English left: ${JSON.stringify(left)}`);
        }
        if (!shown.includes(expected[screen])) {
            throw new Error(
                `${screen} (${lang}): "${expected[screen]}" not in ${JSON.stringify(shown)}`
            );
        }
        const htmlLang = document.documentElement.getAttribute("lang");
        if (htmlLang !== lang.replace("_", "-")) {
            throw new Error(`${screen}: the page says lang=${htmlLang}, not ${lang}`);
        }
    }
    function scan(code) {
        for (const key of [...code, "Enter"]) {
            document.body.dispatchEvent(new KeyboardEvent("keydown", { key, bubbles: true }));
        }
    }
    try {
        await waitFor(".o_club_kiosk_welcome");
        check("welcome", club);
        document.querySelector(".o_club_kiosk_use_number").click();
        await waitFor(".o_club_kiosk_manual");
        check("manual", club);
        document.querySelector(".o_club_kiosk_back").click();
        await waitFor(".o_club_kiosk_welcome");
        scan("NOT-A-CARD-0000");
        await waitFor(".o_club_kiosk_refused");
        check("refused", club);
        scan(__CARD__);
        await waitFor(".o_club_kiosk_member .o_club_kiosk_confirm");
        check("member", member);
        document.querySelector(".o_club_kiosk_confirm").click();
        await waitFor(".o_club_kiosk_sign");
        check("sign", member);
        document.querySelector(".o_club_kiosk_sign .o_club_kiosk_back").click();
        await waitFor(".o_club_kiosk_member");
        document.querySelector(".o_club_kiosk_done").click();
        await waitFor(".o_club_kiosk_done_screen");
        check("done", member);
        // The visit ends: the kiosk speaks the club's language again.
        await waitFor(".o_club_kiosk_welcome");
        check("welcome", club);
        console.log("test successful");
    } catch (error) {
        console.error(error.message);
    }
})();
