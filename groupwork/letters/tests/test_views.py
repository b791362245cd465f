"""Who may open a kept letter."""

import pytest

from groupwork.core.tests.world import World, client_for
from groupwork.letters.models import Letter, LetterKind

pytestmark = pytest.mark.django_db


def kept_letter(world: World, kind: LetterKind) -> Letter:
    return Letter.objects.create(
        referral=world.worcester_referral,
        kind=kind,
        pdf=b"%PDF-1.7",
        created_by=world.users["om.worcester"],
    )


@pytest.mark.parametrize("kind", [LetterKind.BREACH_REPORT, LetterKind.RECALL_REPORT])
def test_a_facilitator_cannot_open_a_report_for_the_court(world: World, kind: LetterKind) -> None:
    letter = kept_letter(world, kind)
    assert client_for(world, "fac.worcester").get(f"/letters/{letter.pk}/").status_code == 404
    assert client_for(world, "om.worcester").get(f"/letters/{letter.pk}/").status_code == 200


def test_a_facilitator_of_his_group_opens_his_warning_letter(world: World) -> None:
    letter = kept_letter(world, LetterKind.WARNING)
    assert client_for(world, "fac.worcester").get(f"/letters/{letter.pk}/").status_code == 200
