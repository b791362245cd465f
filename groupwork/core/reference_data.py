"""Rows every database needs before use: the referral status machine and the C-SOGP
definition. Migrations install them; tests that empty the database (browser tests on a live
server) put them back with `ensure_reference_data`.
"""

from groupwork.programmes.definition import DEFINITIONS_DIR, read_definition_file
from groupwork.programmes.models import ProgrammeVersion
from groupwork.programmes.services import load_definition
from groupwork.referrals.models import ReferralStatus
from groupwork.referrals.status_machine import install_status_machine

CSOGP_CODE = "csogp"


def ensure_reference_data() -> None:
    if not ReferralStatus.objects.exists():
        install_status_machine()
    if not ProgrammeVersion.objects.filter(programme__code=CSOGP_CODE).exists():
        load_definition(
            acting_user=None, data=read_definition_file(DEFINITIONS_DIR / f"{CSOGP_CODE}.json")
        )
