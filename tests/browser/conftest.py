"""A real platform for browser tests: gunicorn (2 workers) and a scheduler
process on SQLite in a temporary folder, the demo loaded, the acceptance clock
on; Playwright drives Debian's Chromium (`/usr/bin/chromium`, installed by
`make test`) at a desk's 1366x768.

Every page the browser opens may reach the platform's own origin only: any
other request is refused and fails the test, and so does a Content-Security-
Policy violation or a script error. `shoot(page, name)` saves a screenshot
under build/screenshots/ (the test artefacts).
"""
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from ..processes import Gunicorn, Scheduler, call, flask, platform_env

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "build" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
PASSWORD = "{}-demo"
ADMIN = ("admin", "admin-process-tests")
expect.set_options(timeout=15_000)


@pytest.fixture(scope="module")
def platform(tmp_path_factory):
    """The running platform: `.base` URL, `.token(user)`, `.call(...)` as the admin."""
    env = platform_env(None, tmp_path_factory.mktemp("platform"), clock_control=1)
    flask(env, "load-demo")
    server = Gunicorn(env, workers=2).start()
    scheduler = Scheduler(env, "browser-tests")
    try:
        yield Platform(server)
    finally:
        scheduler.kill()
        server.stop()


class Platform:
    def __init__(self, server):
        self.server, self.base = server, server.base
        self.tokens = {}

    def token(self, username):
        if username not in self.tokens:
            password = ADMIN[1] if username == ADMIN[0] else PASSWORD.format(username)
            self.tokens[username] = self.server.token(username, password)
        return self.tokens[username]

    def call(self, method, path, body=None, as_user="admin"):
        """An API call as `as_user`: (status, JSON)."""
        return call(self.base, method, "/api/v1" + path, body, self.token(as_user))

    def ok(self, method, path, body=None, as_user="admin"):
        status, answer = self.call(method, path, body, as_user)
        assert status < 300, (method, path, status, answer)
        return answer


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        yield browser
        browser.close()


class Watch:
    """What a browser context did that a page must not: other origins, CSP
    violations, script errors."""

    def __init__(self, base):
        self.base, self.foreign, self.errors = base, [], []

    def route(self, route):
        url = route.request.url
        if url.startswith(self.base + "/") or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            self.foreign.append(url)
            route.abort()

    def console(self, message):
        if message.type == "error" and ("Content Security Policy" in message.text
                                        or "Refused to" in message.text):
            self.errors.append(message.text)

    def page_error(self, error):
        self.errors.append(f"script error: {error}")


@pytest.fixture
def open_as(platform, browser):
    """`open_as(username, lang="vi")`: a signed-in page (None: anonymous) at 1366x768;
    at the test's end, no page has reached another origin or broken the policy."""
    contexts = []

    def open_page(username=None, lang="vi"):
        watch = Watch(platform.base)
        context = browser.new_context(viewport={"width": 1366, "height": 768},
                                      base_url=platform.base, locale=lang,
                                      extra_http_headers={"Accept-Language": lang})
        context.route("**/*", watch.route)
        page = context.new_page()
        page.on("console", watch.console)
        page.on("pageerror", watch.page_error)
        contexts.append((context, watch))
        if username:
            sign_in(page, username, lang)
        else:
            page.goto(f"/?lang={lang}")
        return page
    yield open_page
    for context, watch in contexts:
        context.close()
        assert watch.foreign == [], "pages reached other origins"
        assert watch.errors == [], "pages broke the policy or threw"


def sign_in(page, username, lang="vi"):
    password = ADMIN[1] if username == ADMIN[0] else PASSWORD.format(username)
    page.goto(f"/login?lang={lang}")
    names = {"vi": ("Tên đăng nhập", "Mật khẩu", "Đăng nhập"),
             "en": ("Username", "Password", "Sign in")}[lang]
    page.get_by_label(names[0]).fill(username)
    page.get_by_label(names[1], exact=True).fill(password)
    page.get_by_role("button", name=names[2]).click()
    expect(page).not_to_have_url(re.compile(r"/login"))


def shoot(page, name):
    """Save a screenshot of what the page shows now (build/screenshots/NAME.png)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)
