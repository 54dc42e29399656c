"""Check that each translation of the given .po files keeps its English text's
placeholders and markup exactly: %(name)s, %s, %r, {{ expressions }}, HTML/QWeb tags
(with their attributes). Odoo's export marks no python-format, so msgfmt -c does not.

    scripts/check_po.py club_session_logoff/i18n/fr.po club_session_logoff/i18n/es.po
"""

import re
import sys
from collections import Counter

from babel.messages.pofile import read_po

PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sdr]|%[sdr]|\{\{.*?\}\}|<[^>]+>", re.S)


def main(paths):
    failures = 0
    for path in paths:
        with open(path, "rb") as file:
            catalog = read_po(file)
        for message in catalog:
            if not message.id or not message.string:
                continue
            source = Counter(PLACEHOLDER.findall(message.id))
            translation = Counter(PLACEHOLDER.findall(message.string))
            if source != translation:
                failures += 1
                print(
                    f"{path}: {message.id[:60]!r}: placeholders differ: "
                    f"missing {sorted((source - translation).elements())}, "
                    f"extra {sorted((translation - source).elements())}",
                    file=sys.stderr,
                )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
