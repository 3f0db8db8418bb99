from django.db import migrations

# The departments an agency starts with (PRODUCT.md); admins rename, add and retire them.
DEPARTMENTS = [
    ("plan", "Kế hoạch", "Plan"),
    ("event", "Sự kiện", "Event"),
    ("creative", "Sáng tạo", "Creative"),
    ("media", "Truyền thông", "Media"),
    ("kol", "KOL", "KOL"),
    ("production", "Sản xuất", "Production"),
    ("finance", "Tài chính - Kế toán", "Finance"),
]


def add_default_departments(apps, schema_editor):
    Department = apps.get_model("people", "Department")
    for code, name, name_en in DEPARTMENTS:
        Department.objects.get_or_create(code=code, defaults={"name": name, "name_en": name_en})


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]

    operations = [migrations.RunPython(add_default_departments, migrations.RunPython.noop)]
