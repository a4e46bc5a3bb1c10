"""The Content-Security-Policy in a real browser: nothing OneTeam serves is blocked, and injected code is."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, ConsoleMessage, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_sign_in_page_works_within_the_policy(browser: Browser, live_server: object) -> None:
    # Not the `page` fixture: that one bypasses the policy so axe-core can be injected.
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    refusals: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            refusals.append(message.text)

    page.on("console", on_console)
    try:
        page.goto(f"{live_server}/sign-in/")
        # The inline script in the NHS.UK base template ran, so its nonce was accepted...
        assert page.evaluate("document.body.classList.contains('nhsuk-frontend-supported')")
        # ...and so did the NHS.UK components, started from /static/js/oneteam.js.
        password = page.get_by_label("Password", exact=True)
        expect(password).to_have_attribute("type", "password")
        page.get_by_role("button", name="Show password").click()
        expect(password).to_have_attribute("type", "text")
        assert refusals == []

        # The policy is really in force, and a refusal would have been heard: a script without the nonce does not run.
        with page.expect_console_message(lambda message: "Content Security Policy" in message.text):
            page.evaluate(
                """() => {
                    const script = document.createElement('script');
                    script.textContent = 'window.injected = true';
                    document.body.append(script);
                }"""
            )
        assert page.evaluate("window.injected === undefined")
    finally:
        context.close()
