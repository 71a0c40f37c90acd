"""On PostgreSQL, Unit.path compares bytewise (collation "C").

Subtrees are queried as ranges (xuncha.core.tree: path >= '/1/12/' AND path < '/1/120'), which is
exact only if '/' sorts just before '0'. That holds bytewise and in ICU collations, but a glibc
locale such as zh_CN.UTF-8 may ignore punctuation when it compares, and then the range would
silently take in or leave out units. The column's own collation makes the order certain whatever
the database's locale, and lets its plain index also serve LIKE 'prefix%'. SQLite compares
bytewise already (BINARY), so nothing changes there.
"""

from django.db import migrations


def to_c(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute('ALTER TABLE organisations_unit ALTER COLUMN path TYPE varchar(255) COLLATE "C"')


def back(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute('ALTER TABLE organisations_unit ALTER COLUMN path TYPE varchar(255) '
                          'COLLATE "default"')


class Migration(migrations.Migration):
    dependencies = [("organisations", "0005_unit_function")]

    operations = [migrations.RunPython(to_c, back)]
