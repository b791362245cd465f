"""On PostgreSQL, a referral inserted without its area takes its man's.

Old app servers keep running against the new schema while a release rolls out
(docs/deployment.md): the previous release inserts referrals without the area column, which
the trigger fills before the NOT NULL check. SQLite, the single-process demo database, has no
rolling upgrades; the model fills the area there.
"""

from django.db import migrations

from groupwork.core.migration_steps import run_on_postgresql

INSTALL = """
CREATE OR REPLACE FUNCTION referrals_referral_take_mans_area() RETURNS trigger AS $$
BEGIN
    IF NEW.area_id IS NULL THEN
        SELECT area_id INTO NEW.area_id FROM participants_participant
            WHERE id = NEW.participant_id;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS referrals_referral_takes_mans_area ON referrals_referral;
CREATE TRIGGER referrals_referral_takes_mans_area
    BEFORE INSERT ON referrals_referral
    FOR EACH ROW EXECUTE FUNCTION referrals_referral_take_mans_area();
"""
REMOVE = """
DROP TRIGGER IF EXISTS referrals_referral_takes_mans_area ON referrals_referral;
DROP FUNCTION IF EXISTS referrals_referral_take_mans_area();
"""

install = run_on_postgresql(INSTALL)
remove = run_on_postgresql(REMOVE)


class Migration(migrations.Migration):

    dependencies = [
        ("referrals", "0005_referral_area"),
    ]

    operations = [migrations.RunPython(install, remove)]
