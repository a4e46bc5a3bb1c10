import pytest
from django.test import Client, RequestFactory
from django.views.defaults import server_error

from oneteam.organisations.tests.factories import make_neighbourhood, make_staff


@pytest.mark.django_db
def test_unknown_page_shows_the_nhs_style_not_found_page(client: Client) -> None:
    client.force_login(make_staff(make_neighbourhood()))
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert "nhsuk-header" in response.content.decode()


def test_server_error_page_renders_without_a_request() -> None:
    # Django draws the 500 page without passing the request to the template.
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.content.decode()
