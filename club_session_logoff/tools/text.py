"""Free text that must say something (a reason, a note that is required)."""


def meaningful_text(value):
    """``value`` stripped, when it is text with at least one letter or digit
    (a reason of spaces, zero-width spaces or punctuation says nothing); else
    an empty string."""
    if not isinstance(value, str):
        return ""
    value = value.strip()
    if not any(char.isalnum() for char in value):
        return ""
    return value
