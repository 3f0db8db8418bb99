from datetime import timedelta

from django.core import mail
from django.utils import timezone

from kam.core.digest import compose_digest, send_digest
from kam.core.jobs import send_daily_digests_job
from kam.people import services
from kam.people.models import ApiToken


def test_a_person_with_nothing_new_gets_no_digest(lan):
    assert compose_digest(lan, since=timezone.now() - timedelta(days=1)) == []
    assert send_digest(lan, since=timezone.now() - timedelta(days=1)) is False
    assert mail.outbox == []


def test_a_new_token_on_ones_login_is_in_the_digest_in_ones_language(lan, hoa):
    services.create_api_token(by=lan, name="Google Sheets")
    services.update_profile(by=lan, language="en")
    send_daily_digests_job()  # immediate mode in tests: the per-person jobs run at once
    assert [message.to for message in mail.outbox] == [["lan@example.com"]]
    assert "Google Sheets" in mail.outbox[0].body
    assert mail.outbox[0].subject == "kam: your daily digest"


def test_yesterdays_tokens_are_not_news(lan):
    services.create_api_token(by=lan, name="Old")
    ApiToken.objects.update(created_at=timezone.now() - timedelta(days=2))
    send_daily_digests_job()
    assert mail.outbox == []
