"""Loads the referral status machine from its data file into the database."""

import json
from pathlib import Path
from typing import Any

STATUS_MACHINE_FILE = Path(__file__).with_name("status_machine.json")
FIRST_STATUS = "received"
# A referral reaches it only when his pathway's content is all covered.
COMPLETED_STATUS = "completed"


def install_status_machine(models: Any = None) -> None:
    """Create or update every status, reason and transition. Safe to run again.

    `models` is the app registry a data migration passes; the live models are used otherwise.
    """
    if models is None:
        from django.apps import apps as models  # noqa: PLC0415  (only needed outside migrations)
    status_model = models.get_model("referrals", "ReferralStatus")
    reason_model = models.get_model("referrals", "StatusReason")
    transition_model = models.get_model("referrals", "StatusTransition")
    data = json.loads(STATUS_MACHINE_FILE.read_text())
    for position, entry in enumerate(data["statuses"]):
        status, _ = status_model.objects.update_or_create(
            code=entry["code"],
            defaults={
                "name": entry["name"],
                "description": entry["description"],
                "position": position,
                "is_closed": entry.get("is_closed", False),
                "needs_reason": entry.get("needs_reason", False),
            },
        )
        for reason in entry.get("reasons", []):
            reason_model.objects.update_or_create(
                status=status, code=reason["code"], defaults={"label": reason["label"]}
            )
    for entry in data["transitions"]:
        transition_model.objects.update_or_create(
            from_status_id=entry["from"],
            to_status_id=entry["to"],
            defaults={"description": entry["description"]},
        )
