"""Production settings pass Django's deployment check; every response carries a CSP."""

import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.db import DatabaseError
from django.test import Client

from groupwork.organisation.tests.test_sign_in import production_environment

ROOT = Path(__file__).resolve().parents[3]


def test_check_deploy_gives_no_warnings() -> None:
    result = subprocess.run(  # noqa: S603  (fixed arguments)
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_environment(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key() -> None:
    environment = production_environment()
    del environment["DJANGO_SECRET_KEY"]
    result = subprocess.run(  # noqa: S603  (fixed arguments)
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "Set the DJANGO_SECRET_KEY environment variable" in result.stderr


@pytest.mark.django_db
def test_pages_carry_a_content_security_policy() -> None:
    response = Client().get("/sign-in/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "'nonce-" in policy
    nonce = policy.split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"' in response.content.decode()
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_healthz_answers_when_the_database_does() -> None:
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "up"}


@pytest.mark.django_db
def test_healthz_reports_a_database_that_does_not_answer() -> None:
    with mock.patch("groupwork.core.views.connection.cursor", side_effect=DatabaseError("refused")):
        response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "down"
