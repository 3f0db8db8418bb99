import pytest
from django.db import connection

from kam.clients.models import Client
from kam.core.search import ensure_search_indexes, fold, matching, terms
from tests.clients.factories import ClientFactory


@pytest.mark.parametrize(
    "text,folded",
    [
        ("Nguyễn Thị Lan", "nguyen thi lan"),
        ("ĐẶNG Văn Minh", "dang van minh"),
        ("Hồ Chí Minh", "ho chi minh"),
    ],
)
def test_folding_drops_vietnamese_marks_and_case(text, folded):
    assert fold(text) == folded


def test_a_search_box_gives_folded_words():
    assert terms("  Thị   LAN ") == ["thi", "lan"]


# --- The trigram index behind `matching` ----------------------------------------------------
def found(words: str, through_index: bool = True) -> set[str]:
    records = matching(Client.objects.all(), terms(words), through_index=through_index)
    return set(records.values_list("legal_name", flat=True))


@pytest.fixture
def named_clients(db):
    ClientFactory(legal_name="Công ty Cổ phần Sữa Việt")
    ClientFactory(legal_name="Công ty TNHH Bình Minh Thực phẩm")
    ClientFactory(legal_name="Ngân hàng MB Phương Đông")


@pytest.mark.parametrize("through_index", [True, False])
def test_matching_holds_every_word_anywhere_with_or_without_the_index(named_clients, through_index):
    assert found("sua viet", through_index) == {"Công ty Cổ phần Sữa Việt"}
    assert found("viet sua", through_index) == {"Công ty Cổ phần Sữa Việt"}  # any order
    assert found("inh min", through_index) == {"Công ty TNHH Bình Minh Thực phẩm"}  # inside words
    assert found("cong ty", through_index) == {
        "Công ty Cổ phần Sữa Việt", "Công ty TNHH Bình Minh Thực phẩm",
    }  # fmt: skip
    assert found('"sua', through_index) == set()  # a quote is a character, not FTS syntax
    assert found("sua khong", through_index) == set()


def test_words_shorter_than_a_trigram_are_matched_too(named_clients):
    assert found("mb") == {"Ngân hàng MB Phương Đông"}
    assert found("mb dong") == {"Ngân hàng MB Phương Đông"}


def test_the_index_follows_inserts_bulk_inserts_updates_and_deletes(db):
    client = ClientFactory(legal_name="Công ty Hoa Sen")
    bulk = Client(legal_name="Công ty Mê Kông", owner=client.owner)
    bulk.fill_search_text()
    Client.objects.bulk_create([bulk])
    assert found("hoa sen") == {"Công ty Hoa Sen"}
    assert found("me kong") == {"Công ty Mê Kông"}
    client.legal_name = "Công ty Sen Vàng"
    client.save()
    assert found("hoa sen") == set()
    assert found("sen vang") == {"Công ty Sen Vàng"}
    client.delete()
    assert found("sen vang") == set()
    assert indexed_rows("sen vang") == 0


def indexed_rows(words: str) -> int:
    """How many rows the index itself holds for `words` (on SQLite, where it is a table)."""
    if connection.vendor != "sqlite":
        return 0
    phrases = " ".join(f'"{word}"' for word in terms(words))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM clients_client_search WHERE clients_client_search MATCH %s",
            [phrases],
        )
        return cursor.fetchone()[0]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's triggers")
def test_after_a_table_is_remade_the_index_is_rebuilt_by_migrate(db):
    """SQLite alters a table by copying it, which drops its triggers: rows written before the
    next `migrate` are missing from the index until it rebuilds it."""
    with connection.cursor() as cursor:
        for trigger in ("insert", "delete", "update"):
            cursor.execute(f'DROP TRIGGER "clients_client_search_{trigger}"')
    ClientFactory(legal_name="Công ty Đại Dương")
    assert found("dai duong") == set()
    ensure_search_indexes()
    assert found("dai duong") == {"Công ty Đại Dương"}


def test_every_searchable_table_has_its_trigram_index(db):
    tables = ["clients_client", "clients_stakeholder", "clients_interaction", "people_user"]
    with connection.cursor() as cursor:
        for table in tables:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT indexdef FROM pg_indexes WHERE indexname = %s", [f"{table}_search"]
                )
                assert "gin_trgm_ops" in cursor.fetchone()[0]
            else:
                cursor.execute("SELECT sql FROM sqlite_master WHERE name = %s", [f"{table}_search"])
                assert "tokenize=trigram" in cursor.fetchone()[0]
