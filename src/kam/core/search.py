"""Search that finds "Nguyen" in "Nguyễn": text is folded the same way when stored and when
searched, and a record matches when its folded text holds every folded word of the query.

That "holds" is a substring test, which no ordinary index serves; read row by row it costs about
40 ms per 200,000 interactions. So each searchable table gets a trigram index, the database's own
(PostgreSQL: pg_trgm's GIN index, which serves LIKE '%word%' as it is; SQLite: an FTS5 table with
the trigram tokenizer, kept in step by triggers), made after every `migrate` rather than in
migrations, because SQLite's way of altering a table (copy, drop, rename) drops its triggers.
Words shorter than a trigram are matched row by row on both databases."""

import unicodedata

from django.apps import apps
from django.db import connections, models
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

TRIGRAM = 3
SQLITE_TRIGGER_EVENTS = ("insert", "delete", "update")


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
        self.fill_search_text()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and set(self.search_fields) & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)

    def fill_search_text(self) -> None:
        """Derive `search_text`; `save` calls it, and bulk inserts (which skip `save`) must."""
        limit = self._meta.get_field("search_text").max_length
        text = " ".join(str(getattr(self, name) or "") for name in self.search_fields)
        self.search_text = fold(text)[:limit]


def matching(records: QuerySet, words: list[str], *, through_index: bool = True) -> QuerySet:
    """The records (of a Searchable model) whose folded text holds every one of `words`.

    `through_index=False` when the records are already narrowed to one person's share (a KAM's
    clients): on SQLite, reading those few rows beats reading every match of a common word from
    the index. PostgreSQL weighs the two itself."""
    indexed = [word for word in words if len(word) >= TRIGRAM]
    if indexed and through_index and connections[records.db].vendor == "sqlite":
        table = _index_table(records.model)
        phrases = " ".join('"' + word.replace('"', '""') + '"' for word in indexed)
        records = records.filter(
            pk__in=RawSQL(f'SELECT rowid FROM "{table}" WHERE "{table}" MATCH %s', (phrases,))
        )
        words = [word for word in words if len(word) < TRIGRAM]
    for word in words:
        records = records.filter(search_text__contains=word)
    return records


def _index_table(model: type[models.Model]) -> str:
    return f"{model._meta.db_table}_search"


def ensure_search_indexes(using: str = "default", **_signal) -> None:
    """Create what is missing of every searchable table's trigram index (after `migrate`)."""
    connection = connections[using]
    tables = set(connection.introspection.table_names())
    searchable = [
        model
        for model in apps.get_models()
        if issubclass(model, Searchable) and model._meta.db_table in tables
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and searchable:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for model in searchable:
            for statement in _index_statements(connection.vendor, cursor, model):
                cursor.execute(statement)


def _index_statements(vendor: str, cursor, model: type[models.Model]) -> list[str]:
    table, index = model._meta.db_table, _index_table(model)
    if vendor == "postgresql":
        return [
            f'CREATE INDEX IF NOT EXISTS "{index}" ON "{table}" '
            "USING gin (search_text gin_trgm_ops)"
        ]
    if vendor != "sqlite":
        return []
    parts = [index, *(f"{index}_{event}" for event in SQLITE_TRIGGER_EVENTS)]
    cursor.execute(
        f"SELECT count(*) FROM sqlite_master WHERE name IN ({', '.join(['%s'] * len(parts))})",
        parts,
    )
    if cursor.fetchone()[0] == len(parts):
        return []
    # Built anew from the table whenever a part is missing: rows written without a trigger are
    # not in the index.
    return [
        f'DROP TABLE IF EXISTS "{index}"',
        f'CREATE VIRTUAL TABLE "{index}" USING fts5(search_text, content="{table}", '
        "content_rowid=id, tokenize=trigram)",
        f'INSERT INTO "{index}"("{index}") VALUES (\'rebuild\')',
        *_sqlite_triggers(table, index),
    ]


def _sqlite_triggers(table: str, index: str) -> list[str]:
    add = f'INSERT INTO "{index}"(rowid, search_text) VALUES (new.id, new.search_text);'
    remove = (
        f'INSERT INTO "{index}"("{index}", rowid, search_text) '
        "VALUES ('delete', old.id, old.search_text);"
    )
    return [
        *(f'DROP TRIGGER IF EXISTS "{index}_{event}"' for event in SQLITE_TRIGGER_EVENTS),
        f'CREATE TRIGGER "{index}_insert" AFTER INSERT ON "{table}" BEGIN {add} END',
        f'CREATE TRIGGER "{index}_delete" AFTER DELETE ON "{table}" BEGIN {remove} END',
        f'CREATE TRIGGER "{index}_update" AFTER UPDATE OF search_text ON "{table}" '
        f"BEGIN {remove} {add} END",
    ]
