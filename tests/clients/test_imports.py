import io
from datetime import timedelta

import openpyxl
import pytest
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from kam.clients import services
from kam.clients.models import Client, ImportBatch, Stakeholder
from kam.core.errors import DomainError
from kam.core.models import AuditEvent
from tests.clients.factories import ClientFactory

HEADERS = ["Tên pháp lý", "Mã số thuế", "Hạng", "Status", "Owner KAM (username)"]


def xlsx(rows: list[list], headers=HEADERS) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active.append(headers)
    for row in rows:
        workbook.active.append(row)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def tax_code(number: int) -> str:
    """The `number`-th valid tax code (right check digit)."""
    digits = [int(char) for char in f"{number:09d}"]
    weights = (31, 29, 23, 19, 17, 13, 7, 5, 3)
    check = 10 - sum(w * d for w, d in zip(weights, digits, strict=True)) % 11
    return f"{number:09d}{check}" if check < 10 else tax_code(number + 1_000_000)


def stage(user, content: bytes, kind="clients", **options) -> ImportBatch:
    return services.stage_import(by=user, kind=kind, file_name="f.xlsx", content=content, **options)


class TestStaging:
    def test_a_file_without_the_legal_name_column_is_refused_at_once(self, lan):
        with pytest.raises(DomainError) as refused:
            stage(lan, b"Name,Code\nA,1\n")
        assert refused.value.field == "file"
        assert not ImportBatch.objects.exists()

    def test_departments_and_sales_do_not_import_clients(self, creative):
        with pytest.raises(Http404):
            stage(creative, xlsx([["A", "", "", "", ""]]))


class TestPreviewAndApply:
    def test_the_preview_shows_each_rows_errors_and_writes_nothing(self, lan):
        batch = stage(
            lan,
            xlsx(
                [
                    ["Sữa Việt", "0312345673", "trọng yếu", "active", ""],
                    ["Bản sao", "0312345673", "key", "active", ""],  # duplicate within the file
                    ["Sai mã", "12345", "key", "", ""],
                    ["Hạng lạ", "", "kim cương", "", ""],
                    ["Chủ lạ", "", "", "", "nobody"],
                    ["", "", "", "", "lan"],
                ]
            ),
        )
        results = services.preview_import(by=lan, batch=batch)
        errors = {result.line: result.errors for result in results}
        assert errors[2] == []
        assert all(errors[line] for line in (3, 4, 5, 6, 7)), errors
        assert "Mã số thuế" in errors[3][0] and "Hạng" in errors[5][0]
        assert not Client.objects.exists() and not AuditEvent.objects.exists()

    def test_one_bad_row_and_nothing_is_imported(self, lan):
        batch = stage(lan, xlsx([["A", "", "", "", ""], ["B", "12345", "", "", ""]]))
        with pytest.raises(DomainError):
            services.apply_import(by=lan, batch=batch)
        assert not Client.objects.exists()
        assert ImportBatch.objects.filter(pk=batch.pk).exists()  # kept for a corrected retry

    def test_a_thousand_clients_import_at_once_and_each_is_audited(self, lan, director):
        rows = [[f"Công ty {n}", tax_code(n + 1), "key", "active", "lan"] for n in range(1000)]
        batch = stage(director, xlsx(rows))
        assert services.apply_import(by=director, batch=batch) == 1000
        assert Client.objects.filter(owner=lan, tier="key").count() == 1000
        assert AuditEvent.objects.filter(verb="client.created").count() == 1000
        assert not ImportBatch.objects.exists()

    def test_a_wrong_check_digit_imports_only_when_accepted(self, lan):
        content = xlsx([["Cũ", "0312345674", "", "", ""]])
        assert services.preview_import(by=lan, batch=stage(lan, content))[0].errors
        accepted = stage(lan, content, accept_unusual_tax_codes=True)
        assert services.apply_import(by=lan, batch=accepted) == 1

    def test_stakeholders_find_their_client_by_tax_code_or_name(self, lan, minh):
        ClientFactory(owner=lan, legal_name="Công ty Cổ phần Sữa Việt", tax_code="0312345673")
        ClientFactory(owner=minh, legal_name="Hoa Sen", tax_code="")
        content = xlsx(
            [
                ["0312345673", "", "Trần Thu Hà", "decision maker", "5", "0912 345 678"],
                ["", "cong ty co phan sua viet", "Lê Văn Nam", "người ảnh hưởng", "3", ""],
                ["", "Hoa Sen", "Người ngoài", "", "", ""],  # another team's client
                ["", "Không có", "Ai đó", "", "", ""],
                ["0312345673", "", "Sai số", "", "9", "123"],
            ],
            headers=[
                "Client tax code",
                "Khách hàng",
                "Họ và tên",
                "Vai trò trong quyết định",
                "Mức ảnh hưởng (1-5)",
                "Điện thoại",
            ],
        )
        batch = stage(lan, content, kind="stakeholders")
        errors = [result.errors for result in services.preview_import(by=lan, batch=batch)]
        assert errors[0] == [] and errors[1] == []
        assert all(errors[2:]) and len(errors[4]) == 1
        with pytest.raises(DomainError):
            services.apply_import(by=lan, batch=batch)
        assert not Stakeholder.objects.exists()

    def test_only_the_uploader_sees_applies_or_cancels_an_upload(self, lan, hoa, login):
        batch = stage(lan, xlsx([["A", "", "", "", ""]]))
        with pytest.raises(Http404):
            services.apply_import(by=hoa, batch=batch)
        assert login(hoa).get(reverse("clients:import_preview", args=[batch.pk])).status_code == 404
        services.cancel_import(by=lan, batch=batch)
        assert not ImportBatch.objects.exists() and not Client.objects.exists()

    def test_uploads_left_for_a_day_are_dropped(self, lan):
        old = stage(lan, xlsx([["A", "", "", "", ""]]))
        ImportBatch.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=2))
        fresh = stage(lan, xlsx([["B", "", "", "", ""]]))
        assert services.forget_stale_imports() == 1
        assert list(ImportBatch.objects.all()) == [fresh]


class TestPages:
    def test_upload_preview_and_import_through_the_pages(self, login, lan):
        browser = login(lan)
        upload = io.BytesIO(xlsx([["Sữa Việt", "0312345673", "key", "active", ""]]))
        upload.name = "clients.csv"  # the name says CSV; the content decides
        response = browser.post(
            reverse("clients:client_import"), {"kind": "clients", "file": upload}
        )
        batch = ImportBatch.objects.get()
        assert response["Location"] == reverse("clients:import_preview", args=[batch.pk])
        preview = browser.get(response["Location"])
        assert preview.status_code == 200 and preview.context["refused_count"] == 0
        done = browser.post(reverse("clients:import_apply", args=[batch.pk]))
        assert done["Location"] == reverse("clients:client_list")
        assert Client.objects.get().legal_name == "Sữa Việt"

    def test_an_unreadable_upload_is_refused_beside_the_field(self, login, lan):
        upload = io.BytesIO(b"\x00\x01binary")
        upload.name = "clients.xlsx"
        response = login(lan).post(
            reverse("clients:client_import"), {"kind": "clients", "file": upload}
        )
        assert response.status_code == 422 and response.context["form"].errors["file"]

    def test_applying_a_file_with_errors_shows_the_preview_again(self, login, lan):
        batch = stage(lan, xlsx([["A", "12345", "", "", ""]]))
        response = login(lan).post(reverse("clients:import_apply", args=[batch.pk]))
        assert response.status_code == 422 and response.context["refused_count"] == 1


class TestExport:
    def test_the_filtered_list_exports_and_imports_back(self, login, lan, minh):
        ClientFactory(owner=lan, legal_name='=HYPERLINK("http://x")', tax_code="0312345673")
        ClientFactory(owner=lan, legal_name="Thường", tier="standard")
        ClientFactory(owner=minh, legal_name="Của đội khác")
        browser = login(lan)
        response = browser.get(reverse("clients:client_export"), {"tier": "key"})
        assert response["Content-Disposition"].endswith('.xlsx"')
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        rows = list(sheet.values)
        assert len(rows) == 2 and rows[1][0] == '\'=HYPERLINK("http://x")'
        Client.objects.all().delete()
        batch = stage(lan, response.content)
        assert services.apply_import(by=lan, batch=batch) == 1
        assert Client.objects.get().legal_name == '=HYPERLINK("http://x")'

    def test_csv_exports_of_clients_and_stakeholders(
        self, login, lan, django_assert_max_num_queries
    ):
        for _n in range(20):
            client = ClientFactory(owner=lan)
            client.stakeholders.create(full_name="Hà", phone="+6591234567")
        browser = login(lan)
        with django_assert_max_num_queries(5):
            clients = browser.get(reverse("clients:client_export"), {"format": "csv"})
        with django_assert_max_num_queries(5):
            stakeholders = browser.get(reverse("clients:stakeholder_export"), {"format": "csv"})
        assert clients["Content-Type"].startswith("text/csv")
        assert len(clients.content.decode("utf-8-sig").splitlines()) == 21
        assert "'+6591234567" in stakeholders.content.decode("utf-8-sig")
