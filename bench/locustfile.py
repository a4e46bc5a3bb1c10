"""Simulated staff for the load test (run by bench/load.py, which writes the plan this reads).

Each simulated member of staff signs in through the real form, then repeats
what the research says a day looks like: find a person by NHS number and open
their record, check the inbox, work the team's queue, match a new referral to a
record (triage), update a care plan, and take referral steps (accept a handover
offered to them, record first contact). Think time between steps is 2 to 6 seconds.
"""

from __future__ import annotations

import html
import itertools
import json
import os
import random
import re
from typing import Any

from locust import HttpUser, between, task

_PLAN: list[dict[str, Any]] = json.loads(open(os.environ["LOAD_PLAN"]).read())  # noqa: SIM115 - read once
_NEXT_PLAN = itertools.cycle(_PLAN)
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_PERSON_LINK = re.compile(r'href="/people/(\d+)/"')
_PLAN_VERSION = re.compile(r'name="version" value="(\d+)"')
_PLAN_TEXT = re.compile(
    r'<textarea[^>]*name="(what_matters|crisis_plan|contingency_plan|carers)"[^>]*>(.*?)</textarea>', re.S
)
# The load generator plays the TLS-terminating load balancer: production OneTeam trusts this header from it.
_AS_IF_HTTPS = {"X-Forwarded-Proto": "https"}


class Staff(HttpUser):
    """One member of staff working through their day."""

    wait_time = between(2, 6)

    def on_start(self) -> None:
        self.plan = next(_NEXT_PLAN)
        self.client.headers.update(_AS_IF_HTTPS)
        # Django checks the Referer of HTTPS form posts against the host the load balancer serves.
        self.origin = "https://" + str(self.host).split("://", 1)[1]
        token = self._token("/sign-in/", name="/sign-in/")
        self._post("/sign-in/", {"username": self.plan["username"], "password": self.plan["password"]}, token)

    def _send_secure_cookies(self) -> None:
        """Production cookies are marked Secure; over loopback there is no TLS, so send them anyway, as the
        browser does to the load balancer. (requests copies the jar for each request, so a cookie policy
        set on the session's jar would not be used.)"""
        for cookie in self.client.cookies:
            cookie.secure = False

    def _get(self, path: str, name: str) -> None:
        self._send_secure_cookies()
        self.client.get(path, name=name)

    def _page(self, path: str, name: str) -> tuple[str, str]:
        """Open the page with the form; return its CSRF token and text ("" and a failure if it has no form)."""
        self._send_secure_cookies()
        with self.client.get(path, name=name, catch_response=True) as response:
            found = _CSRF.search(response.text)
            if found is None:
                response.failure(f"no form on {name}")
                return "", ""
            return found.group(1), response.text

    def _token(self, path: str, name: str) -> str:
        return self._page(path, name)[0]

    def _post(self, path: str, data: dict[str, str], token: str, name: str | None = None) -> None:
        headers = {"Referer": self.origin + path}
        self._send_secure_cookies()
        self.client.post(path, {**data, "csrfmiddlewaretoken": token}, headers=headers, name=name or path)

    @task(4)
    def find_and_open_a_record(self) -> None:
        """Search by NHS number, as at the start of a visit, then open the record found."""
        token = self._token("/people/", name="/people/ (search page)")
        nhs_number = random.choice(self.plan["nhs_numbers"])
        headers = {"Referer": self.origin + "/people/"}
        self._send_secure_cookies()
        with self.client.post(
            "/people/",
            {"by": "nhs_number", "nhs_number": nhs_number, "csrfmiddlewaretoken": token},
            headers=headers,
            name="/people/ (search by NHS number)",
            catch_response=True,
        ) as response:
            found = _PERSON_LINK.search(response.text)
            if found is None:
                response.failure("the search found nobody")
                return
            response.success()
        self._get(f"/people/{found.group(1)}/", name="/people/[id]/")

    @task(3)
    def check_the_inbox(self) -> None:
        """What they own or must answer."""
        self._get("/referrals/inbox/", name="/referrals/inbox/")

    @task(2)
    def work_the_queue(self) -> None:
        """The front door's queue, for those in a team that takes referrals."""
        if self.plan["queue"]:
            self._get(self.plan["queue"], name="/referrals/teams/[id]/queue/")

    @task(1)
    def take_a_referral_step(self) -> None:
        """Accept a handover offered to them, or record first contact on a referral they hold."""
        if self.plan["offers"]:
            referral, offer = self.plan["offers"].pop()
            token = self._token(f"/referrals/{referral}/", name="/referrals/[id]/")
            self._post(
                f"/referrals/{referral}/accept/", {"accept-offer": str(offer)}, token, name="/referrals/[id]/accept/"
            )
        elif self.plan["first_contacts"]:
            referral = self.plan["first_contacts"].pop()
            token, page = self._page(f"/referrals/{referral}/", name="/referrals/[id]/")
            # As a person would: only if the page still offers the step (a referral can move on meanwhile).
            if f'action="/referrals/{referral}/first-contact/"' in page:
                self._post(f"/referrals/{referral}/first-contact/", {}, token, name="/referrals/[id]/first-contact/")

    @task(1)
    def triage_a_new_referral(self) -> None:
        """Find the person a new referral is about by NHS number, check who it finds, then confirm the match."""
        if not self.plan["to_triage"]:
            return
        referral, nhs_number = self.plan["to_triage"].pop()
        token = self._token(f"/referrals/{referral}/", name="/referrals/[id]/")
        path, name = f"/referrals/{referral}/triage/", "/referrals/[id]/triage/"
        self._post(path, {"triage-nhs_number": nhs_number}, token, name=name + " (find)")
        self._post(path, {"triage-nhs_number": nhs_number, "triage-confirm": "on"}, token, name=name + " (confirm)")

    @task(1)
    def update_a_care_plan(self) -> None:
        """Open the care plan's "what matters" form and save it with the contingency plan brought up to date."""
        if not self.plan["care_plans"]:
            return
        person = random.choice(self.plan["care_plans"])
        path = f"/care/people/{person}/plan/"
        token, page = self._page(path, name="/care/people/[id]/plan/")
        version = _PLAN_VERSION.search(page)
        if version is None:
            return
        texts = {field: html.unescape(text) for field, text in _PLAN_TEXT.findall(page)}
        texts["contingency_plan"] = (texts.get("contingency_plan", "") + " Checked with the family.").strip()[-2000:]
        self._post(path, {**texts, "version": version.group(1)}, token, name="/care/people/[id]/plan/ (save)")
