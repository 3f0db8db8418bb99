"""The app shell in a real browser: sign-in, navigation, language, phone menu, keyboard, CSP
and the htmx search of the people directory."""

import re

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

from tests.browser.conftest import PHONE
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

NAV_PATHS = ["/", "/clients/", "/briefs/", "/projects/", "/tasks/"]
# The organisation's settings sit in one menu of the bar, opened on demand.
ORGANISATION_PATHS = ["/teams/", "/people/", "/departments/", "/services/"]


def organisation_menu(page: Page):
    """The bar's menu holding the organisation's settings (the teams among them)."""
    teams = page.locator('a[href="/teams/"]')
    return page.locator("#nav-items details.nav-group").filter(has=teams).locator("summary")


def nav_link(page: Page, path: str):
    return page.locator(f'#nav-items a[href="{path}"]')


def sign_out_button(page: Page):
    return page.locator('form[action="/logout/"] button[type=submit]')


def test_a_kam_signs_in_and_sees_the_shell_with_her_name_and_the_navigation(
    page: Page, sign_in, lan, shots_dir
):
    sign_in(lan)

    expect(page.locator("h1")).to_contain_text("Lan")
    expect(page.get_by_test_id("profile-link")).to_have_text("Nguyễn Thị Lan")
    expect(page.get_by_test_id("profile-link")).to_have_attribute("href", "/me/")
    for path in NAV_PATHS:
        expect(nav_link(page, path)).to_be_visible()
    expect(nav_link(page, "/")).to_have_attribute("aria-current", "page")
    expect(nav_link(page, "/teams/")).to_be_hidden()
    organisation_menu(page).click()
    for path in ORGANISATION_PATHS:
        expect(nav_link(page, path)).to_be_visible()
    expect(sign_out_button(page)).to_be_visible()
    # On a desktop the menu is laid out open and its toggle is not shown.
    expect(page.locator(".menu-toggle")).to_be_hidden()
    if shots_dir:
        page.screenshot(path=shots_dir / "home-desktop.png", full_page=True)


def test_the_shell_speaks_vietnamese_by_default(page: Page, sign_in, lan):
    sign_in(lan)

    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.get_by_test_id("language-en")).to_be_visible()
    expect(sign_out_button(page)).to_have_text("Đăng xuất")
    expect(page.locator("h1")).to_contain_text("Xin chào")


def test_a_wrong_password_shows_an_error_and_stays_on_the_sign_in_page(page: Page, url, lan):
    page.goto(url("/login/"))
    page.fill("#id_username", "lan")
    page.fill("#id_password", "wrong horse battery")
    page.locator("form:has(#id_password) button[type=submit]").click()

    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.locator("#sign-in-error")).not_to_be_empty()
    expect(page).to_have_url(re.compile(r"/login/"))
    expect(page.locator("#id_username")).to_have_value("lan")
    expect(page.locator("#id_username")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_password")).to_have_value("")
    expect(page.get_by_test_id("profile-link")).to_have_count(0)


def test_switching_the_language_to_english_and_back_changes_the_interface_and_is_kept_on_the_user(
    page: Page, sign_in, lan, browser, url
):
    sign_in(lan)
    page.get_by_test_id("language-en").click()

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(url("/"))
    expect(sign_out_button(page)).to_have_text("Sign out")
    expect(page.locator("h1")).to_have_text("Hello, Lan")
    expect(nav_link(page, "/people/")).to_have_text("People")
    lan.refresh_from_db()
    assert lan.language == "en"

    # A new page load, then a fresh browser with no language cookie: still English, because
    # the choice is stored on the person, not only in the cookie.
    page.goto(url("/teams/"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    fresh = browser.new_context()
    try:
        other_page = sign_in(lan, on=fresh.new_page())
        expect(other_page.locator("html")).to_have_attribute("lang", "en")
        expect(sign_out_button(other_page)).to_have_text("Sign out")
    finally:
        fresh.close()

    page.get_by_test_id("language-vi").click()
    expect(page).to_have_url(url("/teams/"))
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    lan.refresh_from_db()
    assert lan.language == "vi"
    expect(page.get_by_test_id("language-en")).to_be_visible()
    expect(sign_out_button(page)).to_have_text("Đăng xuất")


def test_on_a_phone_the_menu_stays_closed_until_the_menu_button_is_pressed(
    page: Page, sign_in, lan, shots_dir
):
    page.set_viewport_size(PHONE)
    sign_in(lan)
    toggle = page.locator(".menu-toggle")

    expect(toggle).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(page.locator("#nav-items")).to_be_hidden()
    if shots_dir:
        page.screenshot(path=shots_dir / "home-phone.png", full_page=True)

    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    for path in NAV_PATHS:
        expect(nav_link(page, path)).to_be_visible()
    expect(page.get_by_test_id("profile-link")).to_be_visible()
    expect(sign_out_button(page)).to_be_visible()
    if shots_dir:
        page.screenshot(path=shots_dir / "home-phone-menu-open.png", full_page=True)

    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(page.locator("#nav-items")).to_be_hidden()


def test_the_sign_in_form_is_usable_with_the_keyboard_alone(page: Page, url, lan):
    page.goto(url("/login/"))
    # The username field takes the focus on load; Tab from the control before it comes back.
    expect(page.locator("#id_username")).to_be_focused()
    page.keyboard.press("Shift+Tab")
    expect(page.locator("#id_username")).not_to_be_focused()
    page.keyboard.press("Tab")
    expect(page.locator("#id_username")).to_be_focused()
    page.keyboard.type("lan")
    page.keyboard.press("Tab")
    expect(page.locator("#id_password")).to_be_focused()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")

    expect(page).to_have_url(url("/"))
    expect(page.get_by_test_id("profile-link")).to_have_text("Nguyễn Thị Lan")


def test_signing_out_returns_to_the_sign_in_page(page: Page, sign_in, lan, url):
    sign_in(lan)
    sign_out_button(page).click()

    expect(page).to_have_url(url("/login/"))
    expect(page.locator("#id_username")).to_be_visible()
    expect(page.get_by_test_id("profile-link")).to_have_count(0)
    # The session is gone: the home page asks to sign in again.
    page.goto(url("/"))
    expect(page).to_have_url(re.compile(r"/login/\?next=/$"))


def test_the_pages_of_the_shell_load_without_console_errors_or_csp_violations(
    page: Page, sign_in, admin, url
):
    problems: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        # The browser asks for /favicon.ico by itself and the app has none (reported); that 404
        # is no error of the page's own scripts, styles or policy.
        if message.location.get("url", "").endswith("/favicon.ico"):
            return
        if message.type in {"error", "warning"}:
            problems.append(f"console {message.type} on {page.url}: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"page error on {page.url}: {error}"))
    page.on(
        "response",
        lambda response: (
            problems.append(f"{response.status} for {response.url}")
            if response.status >= 400
            else None
        ),
    )
    # Chromium also reports each CSP violation as a DOM event; keep them for the assertion.
    page.add_init_script(
        "window.__csp = [];"
        "document.addEventListener('securitypolicyviolation', e =>"
        " window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"
    )

    sign_in(admin)
    for path in [*NAV_PATHS, *ORGANISATION_PATHS, "/me/"]:
        page.goto(url(path), wait_until="networkidle")
        expect(page.locator("#nav-items")).to_be_visible()
        # htmx came from /static/ and ran; the policy blocked nothing; Pico styles the page.
        assert page.evaluate("typeof window.htmx") == "object", path
        assert page.evaluate("window.__csp") == [], path
        stylesheets = page.evaluate("[...document.styleSheets].map(s => s.href)")
        assert any(href and "pico.min.css" in href for href in stylesheets), path

    assert problems == []


def test_the_people_search_narrows_the_table_without_a_full_page_load(
    page: Page, sign_in, everyone, url
):
    sign_in(everyone["admin"])
    page.goto(url("/people/"))
    rows = page.locator("tbody#user-rows tr")
    expect(rows).to_have_count(len(everyone))
    page.evaluate("window.__samePage = true")

    with page.expect_response(lambda response: "q=" in response.url) as answer:
        page.locator("#people-search").press_sequentially("Thị Lan")
    assert answer.value.request.headers.get("hx-request") == "true"

    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Nguyễn Thị Lan")
    expect(page).to_have_url(re.compile(r"/people/\?q=Th"))
    assert page.evaluate("window.__samePage") is True
    # Only the rows were swapped: the shell and the search field are still there, once.
    expect(page.locator("#nav-items")).to_have_count(1)
    expect(page.locator("#people-search")).to_have_value("Thị Lan")

    page.locator("#people-search").fill("nobody-has-this-name")
    expect(rows).to_have_count(1)
    expect(rows.first.locator("td.muted")).to_be_visible()
    assert page.evaluate("window.__samePage") is True


def test_going_back_to_a_search_shows_the_whole_people_page(page: Page, sign_in, everyone, url):
    sign_in(everyone["admin"])
    page.goto(url("/people/"))
    with page.expect_response(lambda response: "q=" in response.url):
        page.locator("#people-search").press_sequentially("Thị Lan")
    expect(page.locator("tbody#user-rows tr")).to_have_count(1)
    organisation_menu(page).click()
    nav_link(page, "/teams/").click()
    expect(page).to_have_url(url("/teams/"))

    page.go_back()

    expect(page).to_have_url(re.compile(r"/people/\?q=Th"))
    expect(page.locator("#nav-items")).to_have_count(1, timeout=2000)
    expect(page.locator("tbody#user-rows tr")).to_have_count(1)
