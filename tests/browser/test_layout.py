"""Signing in and out in a real browser, the language switch, the header."""
import re

from playwright.sync_api import expect

from .conftest import shoot, sign_in


def test_sign_in_lands_by_role_and_sign_out_ends_the_session(open_as):
    page = open_as(None)
    page.goto("/login?lang=vi")
    shoot(page, "login-vi")
    sign_in(page, "officer")
    expect(page).to_have_url(re.compile(r"/inbox$"))
    header = page.get_by_role("banner")
    expect(header).to_contain_text("officer")
    expect(header).to_contain_text("Công chức Kinh tế phường Phú Hội")
    shoot(page, "landing-vi")
    page.get_by_role("button", name="Đăng xuất").click()
    page.goto("/inbox")
    expect(page).to_have_url(re.compile(r"/login\?next=/inbox"))


def test_wrong_password_is_refused_and_english_is_remembered(open_as):
    page = open_as(None, lang="en")
    page.goto("/login?lang=en")
    page.get_by_label("Username").fill("officer")
    page.get_by_label("Password", exact=True).fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("Wrong username or password")
    page.goto("/login")  # no ?lang: the cookie remembers English
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    shoot(page, "login-en")


def test_a_page_not_for_the_role_is_not_found(open_as, platform):
    page = open_as("officer")
    response = page.goto("/admin")
    assert response.status == 404
