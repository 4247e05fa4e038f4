"""On PostgreSQL the database itself refuses overlapping terms for the same agency and industry.

SQLite has no exclusion constraints; there the service check (agencies.services) is the guard.
"""

from django.db import migrations

CONSTRAINT = "agencies_term_no_overlap"

CREATE = f"""
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE agencies_appointmentterm ADD CONSTRAINT {CONSTRAINT}
  EXCLUDE USING gist (
    agency_id WITH =,
    (COALESCE(industry_id, 0)) WITH =,
    daterange(start, "end", '[]') WITH &&
  );
"""
DROP = f"ALTER TABLE agencies_appointmentterm DROP CONSTRAINT IF EXISTS {CONSTRAINT};"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("agencies", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
