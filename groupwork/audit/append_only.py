"""Database triggers that keep the audit log append-only.

PostgreSQL refuses UPDATE and DELETE on each row. (TRUNCATE is kept from the application by
database privileges, see docs/security.md; the test suite's database flush uses it.) SQLite,
the demo database, has the same two triggers.
"""

from django.db.backends.base.base import BaseDatabaseWrapper

POSTGRES_INSTALL = """
CREATE OR REPLACE FUNCTION audit_auditevent_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'The audit log is append-only: % is refused', TG_OP;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS audit_auditevent_append_only ON audit_auditevent;
CREATE TRIGGER audit_auditevent_append_only
    BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_auditevent_refuse_change();
"""
POSTGRES_REMOVE = """
DROP TRIGGER IF EXISTS audit_auditevent_append_only ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_auditevent_refuse_change();
"""
SQLITE_INSTALL = [
    """CREATE TRIGGER IF NOT EXISTS audit_auditevent_no_update
       BEFORE UPDATE ON audit_auditevent
       BEGIN SELECT RAISE(ABORT, 'The audit log is append-only: UPDATE is refused'); END;""",
    """CREATE TRIGGER IF NOT EXISTS audit_auditevent_no_delete
       BEFORE DELETE ON audit_auditevent
       BEGIN SELECT RAISE(ABORT, 'The audit log is append-only: DELETE is refused'); END;""",
]
SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS audit_auditevent_no_update;",
    "DROP TRIGGER IF EXISTS audit_auditevent_no_delete;",
]


def install_triggers(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        for statement in _statements(connection, install=True):
            cursor.execute(statement)


def remove_triggers(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        for statement in _statements(connection, install=False):
            cursor.execute(statement)


def _statements(connection: BaseDatabaseWrapper, *, install: bool) -> list[str]:
    if connection.vendor == "postgresql":
        return [POSTGRES_INSTALL if install else POSTGRES_REMOVE]
    if connection.vendor == "sqlite":
        return SQLITE_INSTALL if install else SQLITE_REMOVE
    return []
