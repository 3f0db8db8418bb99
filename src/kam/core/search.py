"""Search that finds "Nguyen" in "Nguyễn": text is folded the same way when stored and when
searched, so SQLite and PostgreSQL give the same answers without database extensions."""

import unicodedata


def fold(text: str) -> str:
    """Lower-case without Vietnamese marks: "Nguyễn ĐỨC" → "nguyen duc"."""
    text = text.replace("đ", "d").replace("Đ", "D")  # đ is a letter of its own, not d + a mark
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


def terms(query: str) -> list[str]:
    """The folded words of a search box; every one of them must match."""
    return fold(query).split()[:10]
