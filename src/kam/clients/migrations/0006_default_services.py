from django.db import migrations

# The services an agency usually sells: the catalogue account plans start from.
SERVICES = [
    ("strategy", "Chiến lược thương hiệu", "Brand strategy"),
    ("creative", "Sáng tạo nội dung", "Creative"),
    ("tvc", "Sản xuất TVC và video", "TVC and video production"),
    ("media", "Mua quảng cáo (media buying)", "Media buying"),
    ("digital", "Digital và mạng xã hội", "Digital and social media"),
    ("kol", "KOL và người ảnh hưởng", "KOLs and influencers"),
    ("event", "Sự kiện và kích hoạt", "Events and activation"),
    ("pr", "Quan hệ công chúng (PR)", "Public relations"),
    ("research", "Nghiên cứu thị trường", "Market research"),
    ("retainer", "Dịch vụ trọn gói hằng tháng (retainer)", "Monthly retainer"),
]


def add_services(apps, schema_editor):
    AgencyService = apps.get_model("clients", "AgencyService")
    for code, name, name_en in SERVICES:
        AgencyService.objects.get_or_create(code=code, defaults={"name": name, "name_en": name_en})


class Migration(migrations.Migration):
    dependencies = [("clients", "0005_add_account_plans")]
    operations = [migrations.RunPython(add_services, migrations.RunPython.noop)]
