"""Search that finds "Nguyen" in "Nguyễn": text is folded the same way when stored and when
searched, so SQLite and PostgreSQL give the same answers without database extensions."""

import unicodedata

from django.db import models


def fold(text: str) -> str:
    """Lower-case without Vietnamese marks: "Nguyễn ĐỨC" → "nguyen duc"."""
    text = text.replace("đ", "d").replace("Đ", "D")  # đ is a letter of its own, not d + a mark
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


def terms(query: str) -> list[str]:
    """The folded words of a search box; every one of them must match."""
    return fold(query).split()[:10]


class Searchable(models.Model):
    """A model with a `search_text` field holding its `search_fields` folded, so a search is a
    plain `contains` on one column. It is derived from the row alone, and kept in step here so
    that every way of saving the record keeps it findable."""

    search_fields: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        limit = self._meta.get_field("search_text").max_length
        text = " ".join(str(getattr(self, name) or "") for name in self.search_fields)
        self.search_text = fold(text)[:limit]
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and set(self.search_fields) & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)
