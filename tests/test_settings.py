import pytest
from django.core.exceptions import ImproperlyConfigured

from oneteam.settings import BASE_DIR, database_from_url, env_bool


def test_postgres_url() -> None:
    config = database_from_url("postgres://oneteam:p%40ss@db.example:6432/oneteam?sslmode=require")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["NAME"], config["USER"], config["PASSWORD"]) == ("oneteam", "oneteam", "p@ss")
    assert (config["HOST"], config["PORT"]) == ("db.example", "6432")
    assert config["OPTIONS"] == {"sslmode": "require"}


def test_sqlite_url_is_relative_to_the_project() -> None:
    assert database_from_url("sqlite:///var/x.sqlite3")["NAME"] == str(BASE_DIR / "var/x.sqlite3")


def test_unknown_database_is_refused() -> None:
    with pytest.raises(ImproperlyConfigured):
        database_from_url("mysql://localhost/x")


def test_yes_no_variables_are_strict(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ONETEAM_TEST_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured):
        env_bool("ONETEAM_TEST_FLAG", False)
    monkeypatch.setenv("ONETEAM_TEST_FLAG", "yes")
    assert env_bool("ONETEAM_TEST_FLAG", False) is True
