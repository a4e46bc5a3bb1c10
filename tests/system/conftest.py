"""Browser fixtures: a real headless Chromium driven by Playwright, with axe-core on every page.

Debian's /usr/bin/chromium is used when present (scripts/install-browser.sh
installs it); otherwise Playwright's own Chromium. If neither can start, the
tests fail: they are never skipped.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Browser, Locator, Page, sync_playwright

from oneteam.organisations.models import Neighbourhood, Profession, Staff
from oneteam.organisations.tests.factories import make_staff

# Playwright's sync API runs an event loop in the test thread; Django refuses ORM
# calls from a thread with a running loop unless told this is deliberate.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

DEBIAN_CHROMIUM = Path("/usr/bin/chromium")
AXE_SCRIPT = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
# Flags for a headless browser as root on a machine with no outside network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
FAILING_IMPACTS = {"serious", "critical"}


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        options: dict[str, Any] = {"headless": True, "args": CHROMIUM_ARGS}
        if DEBIAN_CHROMIUM.exists():
            options["executable_path"] = str(DEBIAN_CHROMIUM)
        browser = playwright.chromium.launch(**options)
        yield browser
        browser.close()


class AccessibilityWatch:
    """Remembers each page load and whether axe-core has checked it since."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.unchecked_url: str | None = None
        self.missed: list[str] = []
        page.on("load", self._loaded)

    def _loaded(self, page: Page) -> None:
        if self.unchecked_url is not None:
            self.missed.append(self.unchecked_url)
        self.unchecked_url = page.url

    def check(self) -> None:
        """Run axe-core on the current page; fail on any serious or critical violation."""
        self.page.wait_for_load_state("load")
        self.page.add_script_tag(path=str(AXE_SCRIPT))
        results = self.page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
        problems = [v for v in results["violations"] if v["impact"] in FAILING_IMPACTS]
        message = "\n".join(
            f"{v['impact']}: {v['id']} – {v['help']} at {[node['target'] for node in v['nodes']]}" for v in problems
        )
        assert not problems, f"Accessibility problems on {self.page.url}:\n{message}"
        self.unchecked_url = None


def _watched_page(browser: Browser) -> Iterator[Page]:
    """A fresh browser page in its own context; every page it loads must be checked with `axe(page)`."""
    # axe-core is injected with add_script_tag, which the Content-Security-Policy would
    # (rightly) block, so these pages ignore the policy; test_content_security_policy.py
    # loads a page under it.
    context = browser.new_context(locale="en-GB", bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    watch = AccessibilityWatch(page)
    page.accessibility_watch = watch  # type: ignore[attr-defined]
    yield page
    context.close()
    missed = watch.missed + ([watch.unchecked_url] if watch.unchecked_url else [])
    assert not missed, f"Pages loaded but never checked for accessibility: {missed}"


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser page; every page it loads must be checked with `axe(page)` before the next."""
    yield from _watched_page(browser)


@pytest.fixture
def second_page(browser: Browser) -> Iterator[Page]:
    """Another browser, for a second person (no cookies shared with `page`), checked the same way."""
    yield from _watched_page(browser)


def axe(page: Page) -> None:
    """Check the page the browser is on with axe-core."""
    page.accessibility_watch.check()  # type: ignore[attr-defined]


def open_as(page: Page, base_url: str, staff: Staff, path: str) -> None:
    """Start a session for `staff` in a browser holding no one else's and open `path`.

    The sign-in form has its own journeys (test_find_a_person.py, test_two_factor.py), so the others start
    signed in.
    """
    client = Client()
    client.force_login(staff)
    page.context.clear_cookies()
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base_url}])
    page.goto(base_url + path)
    axe(page)


SCREENSHOTS = Path(settings.BASE_DIR) / "docs" / "user-guide" / "images"


def screenshot(page: Page, name: str, showing: Locator | None = None) -> None:
    """Save the visible part of the page as docs/user-guide/images/NAME.png, scrolled to `showing`.

    Only when ONETEAM_SCREENSHOTS is set: that is how the user guide's pictures are refreshed.
    """
    if not os.environ.get("ONETEAM_SCREENSHOTS"):
        return
    if showing is not None:
        showing.evaluate("element => { element.scrollIntoView(); window.scrollBy(0, -20); }")
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def named(home: Neighbourhood, profession: Profession, name: str) -> Staff:
    """A member of staff of the neighbourhood with a name ("First Last") a reader of the guide can follow."""
    staff = make_staff(home, profession=profession)
    staff.first_name, staff.last_name = name.split()
    staff.save(update_fields=["first_name", "last_name"])
    return staff


def click(page: Page, role: str, name: str) -> None:
    """Click the element with this role and exact name, then check the page it leads to with axe."""
    page.get_by_role(role, name=name, exact=True).click()  # type: ignore[arg-type]
    axe(page)


def fill_date(page: Page, day: datetime.date) -> None:
    """Type a date into the page's NHS.UK date input (its Day, Month and Year boxes)."""
    for label, value in (("Day", day.day), ("Month", day.month), ("Year", day.year)):
        page.get_by_label(label, exact=True).fill(str(value))
