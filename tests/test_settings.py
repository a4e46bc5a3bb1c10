import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from oneteam.settings import BASE_DIR, VAR_DIR, database_from_url, env_bool


def test_postgres_url() -> None:
    config = database_from_url("postgres://oneteam:p%40ss@db.example:6432/oneteam?sslmode=require")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["NAME"], config["USER"], config["PASSWORD"]) == ("oneteam", "oneteam", "p@ss")
    assert (config["HOST"], config["PORT"]) == ("db.example", "6432")
    assert config["OPTIONS"] == {
        "sslmode": "require",
        # Issue 20: nothing waits for ever, for a connection, a statement or a lock.
        "connect_timeout": 5,
        "options": "-c statement_timeout=30000 -c lock_timeout=5000",
    }


def test_database_timeouts_are_configurable_and_keep_options_given_in_the_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_CONNECT_TIMEOUT_SECONDS", "3")
    monkeypatch.setenv("DATABASE_STATEMENT_TIMEOUT_MS", "10000")
    monkeypatch.setenv("DATABASE_LOCK_TIMEOUT_MS", "1000")
    config = database_from_url("postgres://db.example/oneteam?options=-c%20search_path%3Done")
    assert config["OPTIONS"] == {
        "connect_timeout": 3,
        "options": "-c search_path=one -c statement_timeout=10000 -c lock_timeout=1000",
    }


def test_sqlite_writes_ahead_and_waits_for_a_busy_database() -> None:
    options = database_from_url("sqlite:///var/x.sqlite3")["OPTIONS"]
    assert isinstance(options, dict)
    assert "PRAGMA journal_mode=WAL" in options["init_command"]
    assert options["timeout"] == 20


def test_sqlite_url_is_relative_to_the_project() -> None:
    assert database_from_url("sqlite:///var/x.sqlite3")["NAME"] == str(BASE_DIR / "var/x.sqlite3")


@pytest.mark.django_db
def test_tests_on_sqlite_use_a_file_so_the_live_server_has_its_own_connection() -> None:
    """Two threads on one in-memory SQLite connection can deadlock (ADR 0026); a file gives each its own."""
    assert database_from_url("sqlite:///var/x.sqlite3")["TEST"] == {"NAME": str(VAR_DIR / "test.sqlite3")}
    if connection.vendor == "sqlite":
        assert not connection.creation.is_in_memory_db(connection.settings_dict["NAME"])  # type: ignore[attr-defined]


def test_unknown_database_is_refused() -> None:
    with pytest.raises(ImproperlyConfigured):
        database_from_url("mysql://localhost/x")


def test_yes_no_variables_are_strict(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ONETEAM_TEST_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured):
        env_bool("ONETEAM_TEST_FLAG", False)
    monkeypatch.setenv("ONETEAM_TEST_FLAG", "yes")
    assert env_bool("ONETEAM_TEST_FLAG", False) is True
