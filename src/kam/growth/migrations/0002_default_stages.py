from django.db import migrations

# A pipeline agencies commonly run, with the chance of winning at each step; admins edit it.
STAGES = [
    (1, "Đánh giá nhu cầu", "Qualified", 10),
    (2, "Đã nhận brief", "Brief received", 25),
    (3, "Đã gửi đề xuất", "Proposal sent", 50),
    (4, "Đàm phán", "Negotiation", 75),
    (5, "Đã đồng ý miệng", "Verbal commit", 90),
]


def add_stages(apps, schema_editor):
    Stage = apps.get_model("growth", "Stage")
    if Stage.objects.exists():
        return
    for position, name, name_en, probability in STAGES:
        Stage.objects.create(
            position=position, name=name, name_en=name_en, probability=probability
        )


class Migration(migrations.Migration):
    dependencies = [("growth", "0001_initial")]
    operations = [migrations.RunPython(add_stages, migrations.RunPython.noop)]
