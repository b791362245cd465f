"""Rows every database needs before use: the referral status machine and the C-SOGP
definition. Migrations install them; tests that empty the database (browser tests on a live
server) put them back with `ensure_reference_data`.
"""

from groupwork.assessment.instrument import shipped_instrument_file
from groupwork.assessment.models import InstrumentVersion
from groupwork.assessment.services import load_instrument
from groupwork.programmes.definition import DEFINITIONS_DIR, read_definition_file
from groupwork.programmes.models import ProgrammeVersion
from groupwork.programmes.services import load_definition
from groupwork.referrals.models import ReferralStatus
from groupwork.referrals.status_machine import install_status_machine

CSOGP_CODE = "csogp"


DEMO_INSTRUMENT = "demo-coping"


def ensure_reference_data() -> None:
    if not ReferralStatus.objects.exists():
        install_status_machine()
    if not ProgrammeVersion.objects.filter(programme__code=CSOGP_CODE).exists():
        load_definition(
            acting_user=None, data=read_definition_file(DEFINITIONS_DIR / f"{CSOGP_CODE}.json")
        )
    if not InstrumentVersion.objects.exists():
        load_instrument(
            acting_user=None, data=read_definition_file(shipped_instrument_file(DEMO_INSTRUMENT))
        )


def load_shipped_definitions() -> None:
    """Load the shipped files as new versions where they have changed (the demo loader)."""
    for path in sorted(DEFINITIONS_DIR.glob("*.json")):
        load_definition(acting_user=None, data=read_definition_file(path))
    load_instrument(
        acting_user=None, data=read_definition_file(shipped_instrument_file(DEMO_INSTRUMENT))
    )
