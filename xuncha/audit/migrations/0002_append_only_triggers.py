"""Append-only in the database, not just in the ORM (PostgreSQL), and the chain's head row.

On PostgreSQL a trigger refuses every UPDATE and DELETE of audit_auditevent, and the head row may
only move forward (an append) and never be deleted. A DBA can still disable the triggers
(``ALTER TABLE … DISABLE TRIGGER``); the SM3 chain is what detects that kind of tampering.

SQLite gets no trigger: whoever can write to the database file can also drop a trigger, so it would
stop nobody who could tamper in the first place; the chain detects the tampering (docs/audit.md).
"""

from django.db import migrations

GENESIS = "0" * 64

CREATE_SQL = """
CREATE OR REPLACE FUNCTION xuncha_audit_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_auditevent is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege',
              HINT = '审计日志只能追加,不能修改或删除。';
END;
$$;

DROP TRIGGER IF EXISTS audit_auditevent_append_only ON audit_auditevent;
CREATE TRIGGER audit_auditevent_append_only
    BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION xuncha_audit_refuse_change();

CREATE OR REPLACE FUNCTION xuncha_audit_head_forward_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'audit_audithead is append-only: DELETE refused'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NEW.id <> OLD.id OR NEW.last_seq <= OLD.last_seq THEN
        RAISE EXCEPTION 'audit_audithead is append-only: the head only moves forward'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$;

DROP TRIGGER IF EXISTS audit_audithead_forward_only ON audit_audithead;
CREATE TRIGGER audit_audithead_forward_only
    BEFORE UPDATE OR DELETE ON audit_audithead
    FOR EACH ROW EXECUTE FUNCTION xuncha_audit_head_forward_only();
"""

DROP_SQL = """
DROP TRIGGER IF EXISTS audit_auditevent_append_only ON audit_auditevent;
DROP TRIGGER IF EXISTS audit_audithead_forward_only ON audit_audithead;
DROP FUNCTION IF EXISTS xuncha_audit_refuse_change();
DROP FUNCTION IF EXISTS xuncha_audit_head_forward_only();
"""


def create_head(apps, schema_editor):
    """The head row exists from the start, so that the first appenders only ever lock it."""
    AuditHead = apps.get_model("audit", "AuditHead")
    AuditEvent = apps.get_model("audit", "AuditEvent")
    db = schema_editor.connection.alias
    if AuditHead.objects.using(db).filter(id=1).exists():
        return
    last = AuditEvent.objects.using(db).order_by("-seq").first()
    AuditHead.objects.using(db).create(
        id=1, last_seq=last.seq if last else 0, last_hash=last.hash if last else GENESIS
    )


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE_SQL, params=None)


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_SQL, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_head, migrations.RunPython.noop),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
