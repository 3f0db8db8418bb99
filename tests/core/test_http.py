from django.test import RequestFactory, override_settings

from kam.core.http import client_ip


def request_from(remote: str, forwarded: str = ""):
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **headers)


def test_without_a_proxy_the_peer_is_the_client_and_forwarded_headers_are_ignored():
    assert client_ip(request_from("203.0.113.7", forwarded="1.2.3.4")) == "203.0.113.7"


@override_settings(KAM_PROXY_COUNT=1)
def test_behind_one_proxy_the_address_it_saw_is_the_client():
    assert client_ip(request_from("10.0.0.5", forwarded="6.6.6.6, 203.0.113.7")) == "203.0.113.7"


@override_settings(KAM_PROXY_COUNT=1)
def test_a_missing_or_garbled_forwarded_header_falls_back_safely():
    assert client_ip(request_from("10.0.0.5")) == "10.0.0.5"
    assert client_ip(request_from("10.0.0.5", forwarded="not-an-ip")) is None
