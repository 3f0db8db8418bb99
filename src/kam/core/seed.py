"""`kam seed`: deterministic demo data. Each app that has records to show keeps a `seed.py` with
`seed(ctx: SeedContext)`; they run in the app order of ARCHITECTURE.md, so an app can use the
records of the apps before it."""

import random
from dataclasses import dataclass, field
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from faker import Faker

# The people of the demo data set; every later app gives each of them something to see.
DEMO_LOGINS = [
    ("admin", "Admin"),
    ("director", "Account Director, team A"),
    ("lan", "KAM, team A"),
    ("hoa", "KAM, team A"),
    ("director2", "Account Director, team B"),
    ("minh", "KAM, team B"),
    ("sales", "Sales"),
    ("planner", "Planner / Strategist"),
    ("creative", "Creative department"),
    ("finance", "Finance"),
]


@dataclass
class SeedContext:
    scale: str
    rng: random.Random
    fake: Faker
    log: list[str] = field(default_factory=list)


def make_context(*, scale: str, seed: int) -> SeedContext:
    fake = Faker("vi_VN")
    fake.seed_instance(seed)
    return SeedContext(scale=scale, rng=random.Random(seed), fake=fake)


# Faker's vi_VN provider writes names in Western order with honorifics ("Bà An Đặng") and its
# plain first_name() is English; Vietnamese write family, middle, given name.
_MIDDLE_NAMES = {"female": ["Thị", "Ngọc", "Thu", "Thanh", "Mai", "Phương", "Kim"],
                 "male": ["Văn", "Minh", "Quốc", "Hữu", "Đức", "Thành", "Gia"]}  # fmt: skip


def vietnamese_full_name(ctx: SeedContext) -> str:
    """A realistic Vietnamese full name, family name first: "Nguyễn Thị Duyên"."""
    gender = ctx.rng.choice(["female", "male"])
    given = ctx.fake.first_name_female() if gender == "female" else ctx.fake.first_name_male()
    return f"{ctx.fake.last_name()} {ctx.rng.choice(_MIDDLE_NAMES[gender])} {given}"


def seed_all(ctx: SeedContext) -> None:
    """Run every kam app's seed step in app order."""
    for config in apps.get_app_configs():
        module_name = f"{config.name}.seed"
        if config.name.startswith("kam.") and module_name != __name__ and find_spec(module_name):
            import_module(module_name).seed(ctx)
