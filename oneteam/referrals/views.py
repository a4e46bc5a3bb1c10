"""Staff pages of the single point of access: refer a person, the inbox, team queues, a referral and its steps.

Views parse the request, call a query (queries.py, which also decides who may
open what) or a service (services.py, which decides who may change what), and
render. A refusal from a service is shown next to the field it is about.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from oneteam.access.decorators import reads_personal_data
from oneteam.access.models import DataCategory, Purpose
from oneteam.access.queries import person_for_access_pages
from oneteam.access.services import authorise_read
from oneteam.jinja2 import error_summary
from oneteam.organisations.models import Staff
from oneteam.people.models import Person
from oneteam.people.queries import search_people
from oneteam.web import cannot, posted, save_once, signed_in_staff

from . import queries, services
from .forms import (
    ACTION_FORMS,
    ActionForm,
    FindByNameForm,
    KeyWorkerForm,
    NewPersonForm,
    ReferralForm,
    TriageForm,
    person_identity,
)
from .models import Outcome, Referral, Source

# -- Referring ---------------------------------------------------------------------------------------------


def _receive(
    request: HttpRequest, form: ReferralForm, identity: dict[str, Any], person: Person | None
) -> Referral | None:
    """Send the referral to the chosen front door; None (with the reason on the form) if it cannot be taken.

    A referral the same member of staff already sent (a form sent twice) is not sent again: they are told and
    get its confirmation. Someone else's open referral for the same need is named on the form.
    """
    staff = signed_in_staff(request)
    try:
        return services.receive_referral(
            neighbourhood=form.cleaned_data["neighbourhood"],
            details=form.details(identity),
            source=Source.STAFF,
            referred_by=staff,
            person=person,
        )
    except services.AlreadyReferred as already:
        if already.existing.referred_by_id == staff.pk:
            messages.info(request, "You had already sent this referral, so it was not sent a second time.")
            return already.existing
        form.add_error("need", str(already))
    except services.ReferralRefused as refused:
        form.add_error("neighbourhood", str(refused))
    return None


def _refer_page(request: HttpRequest, forms: list[Any], person: Person | None) -> HttpResponse:
    errors = [error for form in forms for error in error_summary(form)]
    context = {"forms": forms, "form": forms[-1], "person": person, "errors": errors, "active_nav": "inbox"}
    return render(request, "referrals/refer.jinja", context, status=400 if errors else 200)


@require_http_methods(["GET", "POST"])
def refer(request: HttpRequest) -> HttpResponse:
    """Refer someone who has no record to start from: their details, then the referral."""
    usual = queries.usual_neighbourhood(signed_in_staff(request))
    person_form = NewPersonForm(posted(request))
    form = ReferralForm(posted(request), initial={"neighbourhood": usual})
    # Both forms are checked, so every problem is listed at once.
    if request.method == "POST" and all([person_form.is_valid(), form.is_valid()]):
        referral = _receive(request, form, person_form.identity(), person=None)
        if referral is not None:
            return redirect("referrals:sent", referral_id=referral.pk)
    return _refer_page(request, [person_form, form], person=None)


@require_http_methods(["GET", "POST"])
@reads_personal_data
def refer_person(request: HttpRequest, person_id: int) -> HttpResponse:
    """Refer a person whose record you may see; the page shows only who they are. (Anyone else refers with the
    details they know on the blank form: a page that names whoever an id belongs to would list the city.)
    """
    person = person_for_access_pages(person_id)
    decision = authorise_read(
        staff=signed_in_staff(request),
        person=person,
        categories=[DataCategory.DEMOGRAPHICS],
        purpose=Purpose.DIRECT_CARE,
    )[DataCategory.DEMOGRAPHICS]
    if not decision.allowed:
        return cannot(request)
    form = ReferralForm(posted(request), initial={"neighbourhood": person.practice_neighbourhood_id})
    if request.method == "POST" and form.is_valid():
        referral = _receive(request, form, person_identity(person), person)
        if referral is not None:
            return redirect("referrals:sent", referral_id=referral.pk)
    return _refer_page(request, [form], person=person)


@require_GET
def sent(request: HttpRequest, referral_id: int) -> HttpResponse:
    """Confirmation for the referrer: who holds the referral now, or which open referral it joined."""
    referral = queries.sent_referral(staff=signed_in_staff(request), referral_id=referral_id)
    if referral is None:
        return cannot(request)
    context = {"referral": referral, "holder": services.owner_in_words(referral), "active_nav": "inbox"}
    return render(request, "referrals/sent.jinja", context)


# -- Lists -------------------------------------------------------------------------------------------------


@require_POST
def mark_notice_read(request: HttpRequest, notice_id: int) -> HttpResponse:
    """Take a notice out of the inbox."""
    if not services.mark_notice_read(actor=signed_in_staff(request), notice_id=notice_id):
        raise Http404
    messages.success(request, "Notice marked as read.")
    return redirect("workspace:inbox")


@require_GET
def queue(request: HttpRequest, team_id: int) -> HttpResponse:
    """A team's open referrals, oldest first: only for the team's members."""
    team_queue = queries.team_queue(
        staff=signed_in_staff(request), team_id=team_id, page_number=request.GET.get("page")
    )
    if team_queue is None:
        return cannot(request)
    return render(request, "referrals/queue.jinja", {"queue": team_queue, "active_nav": "inbox"})


# -- One referral and its steps ----------------------------------------------------------------------------


def _show(
    request: HttpRequest,
    page: queries.ReferralPage,
    posted: dict[str, ActionForm] | None = None,
    match: Person | None = None,
    find: FindByNameForm | None = None,
    matches: list[Person] | None = None,
    agrees: bool = True,
) -> HttpResponse:
    """The referral page, with a blank form for each step the viewer may take, or the one they just posted.

    Triage offers two ways to find the person: by NHS number (`match`) or by name and date of birth (`matches`).
    """
    forms: dict[str, ActionForm] = {name: ACTION_FORMS[name](referral=page.referral) for name in page.actions}
    forms.update(posted or {})
    find = find or FindByNameForm(referral=page.referral)
    errors = [error for form in [*(posted or {}).values(), find] for error in error_summary(form)]
    context = {
        "page": page,
        "forms": forms,
        "match": match,
        "find": find,
        "matches": matches,
        "agrees": agrees,
        "errors": errors,
        "active_nav": "inbox",
    }
    return render(request, "referrals/referral.jinja", context, status=400 if errors else 200)


@require_GET
def referral(request: HttpRequest, referral_id: int) -> HttpResponse:
    """The referral, its full history, any offer waiting, and the steps the viewer may take."""
    page = queries.referral_page(staff=signed_in_staff(request), referral_id=referral_id)
    return cannot(request) if page is None else _show(request, page)


@require_POST
def triage(request: HttpRequest, referral_id: int) -> HttpResponse:
    """Match the referral to a person's record: find it by NHS number, show who it is, then confirm."""
    staff = signed_in_staff(request)
    page = queries.referral_page(staff=staff, referral_id=referral_id)
    if page is None:
        return cannot(request)
    form = TriageForm(request.POST, referral=page.referral)
    found = None
    if form.is_valid():
        results = search_people(staff=staff, method="nhs_number", nhs_number=form.cleaned_data["nhs_number"])
        found = results.people[0] if results.people else None
        if found is None:
            form.add_error("nhs_number", "No one with this NHS number was found. Check it with the referrer")
        elif form.cleaned_data["confirm"]:
            try:
                services.triage(
                    actor=staff,
                    referral=page.referral,
                    person=found,
                    mismatch_reason=form.cleaned_data["mismatch_reason"],
                )
            except services.ReferralRefused as refused:
                # Shown where the triager can act on it: the reason box appears only when the details differ.
                agreed = services.identity_agrees(page.referral, found)
                form.add_error("nhs_number" if agreed else "mismatch_reason", str(refused))
            else:
                messages.success(request, f"Referral matched to {found}'s record.")
                return redirect("referrals:referral", referral_id=referral_id)
    agrees = found is not None and services.identity_agrees(page.referral, found)
    return _show(request, page, {"triage": form}, match=found, agrees=agrees)


@require_POST
def find_by_name(request: HttpRequest, referral_id: int) -> HttpResponse:
    """Triage without an NHS number: list the records with this last name and date of birth to choose from."""
    staff = signed_in_staff(request)
    page = queries.referral_page(staff=staff, referral_id=referral_id)
    if page is None:
        return cannot(request)
    find = FindByNameForm(request.POST, referral=page.referral)
    matches = None
    if find.is_valid():
        data = find.cleaned_data
        matches = search_people(
            staff=staff,
            method="name",
            family_name=data["family_name"],
            given_name=data["given_name"],
            date_of_birth=data["date_of_birth"],
        ).people
        if not matches:
            find.add_error(
                "family_name", "No one with this name and date of birth was found. Check them with the referrer"
            )
    return _show(request, page, find=find, matches=matches)


# A step: given who acts, the page they acted on and the form's cleaned data, make the change through a
# service and return the message to show and where to go next.
Step = Callable[[Staff, queries.ReferralPage, dict[str, Any]], tuple[str, str]]


def _here(page: queries.ReferralPage) -> str:
    return reverse("referrals:referral", args=[page.referral.pk])


def _allocate(staff: Staff, page: queries.ReferralPage, data: dict[str, Any]) -> tuple[str, str]:
    team = page.referral.owner_team
    done = services.allocate(actor=staff, referral=page.referral, to=data["to"], note=data["note"])
    back = reverse("referrals:queue", args=[team.pk]) if team else _here(page)
    return f"Referral allocated to {services.owner_in_words(done)}.", back


def _offer(staff: Staff, page: queries.ReferralPage, data: dict[str, Any]) -> tuple[str, str]:
    services.offer_handover(
        actor=staff, referral=page.referral, note=data["note"], to_staff=data["to_staff"], to_team=data["to_team"]
    )
    return "Handover offered. The referral stays with you until they accept it.", _here(page)


def _accept(staff: Staff, page: queries.ReferralPage, data: dict[str, Any]) -> tuple[str, str]:
    done = services.accept_handover(actor=staff, offer=queries.offer_of(page.referral, data["offer"]))
    return f"Handover accepted. {services.owner_in_words(done)} now holds this referral.", _here(page)


def _decline(staff: Staff, page: queries.ReferralPage, data: dict[str, Any]) -> tuple[str, str]:
    offer = queries.offer_of(page.referral, data["offer"])
    services.decline_handover(actor=staff, offer=offer, reason=data["reason"])
    # The decliner may no longer open the referral, so they go back to their inbox.
    return f"Handover declined. The referral stays with {page.holder}.", reverse("workspace:inbox")


def _first_contact(staff: Staff, page: queries.ReferralPage, data: dict[str, Any]) -> tuple[str, str]:
    services.record_first_contact(actor=staff, referral=page.referral)
    return "First contact recorded.", _here(page)


def _close(staff: Staff, page: queries.ReferralPage, data: dict[str, Any]) -> tuple[str, str]:
    services.close_referral(actor=staff, referral=page.referral, outcome=Outcome(data["outcome"]), note=data["note"])
    return "Referral closed.", _here(page)


STEPS: dict[str, Step] = {
    "allocate": _allocate,
    "offer": _offer,
    "accept": _accept,
    "decline": _decline,
    "first_contact": _first_contact,
    "close": _close,
}


@require_POST
def step(request: HttpRequest, referral_id: int, name: str) -> HttpResponse:
    """Take one step on a referral (the URL names it); a problem is shown on the referral page."""
    staff = signed_in_staff(request)
    page = queries.referral_page(staff=staff, referral_id=referral_id)
    if page is None:
        return cannot(request)
    form = ACTION_FORMS[name](request.POST, referral=page.referral)
    if form.is_valid():
        try:
            message, next_url = STEPS[name](staff, page, form.cleaned_data)
        except services.ReferralRefused as refused:
            form.add_error(form.refused_field, str(refused))
        else:
            messages.success(request, message)
            return redirect(next_url)
    return _show(request, page, {name: form})


# -- Key worker --------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@reads_personal_data
def change_key_worker(request: HttpRequest, person_id: int) -> HttpResponse:
    """Hand the key-worker role to someone else, with a note for them."""
    staff = signed_in_staff(request)
    episode = queries.episode_to_change(staff=staff, person_id=person_id)
    if episode is None:
        return cannot(request)
    form = KeyWorkerForm(posted(request), neighbourhood=episode.neighbourhood, current=episode.key_worker)
    if request.method == "POST" and form.is_valid():
        changing = episode

        def save() -> str:
            services.change_key_worker(
                actor=staff,
                episode=changing,
                to=form.cleaned_data["to"],
                handover_note=form.cleaned_data["handover_note"],
            )
            messages.success(request, f"{form.cleaned_data['to'].get_full_name()} is now the key worker.")
            return reverse("people:summary", args=[person_id])

        try:
            return save_once(request, save)
        except services.ReferralRefused as refused:
            form.add_error("handover_note", str(refused))
    errors = error_summary(form)
    context = {
        "episode": episode,
        "person": episode.person,
        "changes": queries.key_worker_changes(episode),
        "form": form,
        "errors": errors,
        "active_nav": "people",
    }
    return render(request, "referrals/key_worker.jinja", context, status=400 if errors else 200)
