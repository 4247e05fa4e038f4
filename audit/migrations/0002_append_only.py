"""On PostgreSQL the audit trail is append-only: a trigger refuses UPDATE and DELETE on any row.

The trigger binds every role that does not own the table, and the table's owner too unless it
drops the trigger on purpose (a schema change, visible in the migrations). UPDATE, DELETE and
TRUNCATE are also revoked from PUBLIC, so a production role that is granted only what the
application needs (SELECT, INSERT) cannot even try.
"""

from django.db import migrations

TABLE = "audit_auditentry"
FUNCTION = "audit_auditentry_refuse_change"
TRIGGER = "audit_auditentry_append_only"

CREATE = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit entries are append-only: % refused on %', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END;
$$;
DROP TRIGGER IF EXISTS {TRIGGER} ON {TABLE};
CREATE TRIGGER {TRIGGER} BEFORE UPDATE OR DELETE ON {TABLE}
  FOR EACH ROW EXECUTE FUNCTION {FUNCTION}();
REVOKE UPDATE, DELETE, TRUNCATE ON {TABLE} FROM PUBLIC;
"""

DROP = f"""
DROP TRIGGER IF EXISTS {TRIGGER} ON {TABLE};
DROP FUNCTION IF EXISTS {FUNCTION}();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
