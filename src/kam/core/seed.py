"""`kam seed`: deterministic demo data. Each app that has records to show keeps a `seed.py` with
`seed(ctx: SeedContext)`; they run in the app order of ARCHITECTURE.md, so an app can use the
records of the apps before it.

A larger scale adds volume on top of the demo (whose logins stay as they are): each app's
`seed_volume(ctx)` bulk-inserts rows up to `ctx.volumes`, skipping the services (and so the
per-record audit events) because going through them would take hours at a million rows."""

import random
from collections.abc import Callable, Iterable
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


@dataclass(frozen=True)
class Volumes:
    """How many records a scale holds in total, demo records included."""

    users: int
    teams: int
    kams: int
    clients: int
    key_clients: int
    stakeholders: int
    interactions: int
    history_days: int
    opportunities: int
    briefs: int
    ideas: int
    proposals: int
    contracts: int
    projects: int
    tasks: int
    bookings: int
    cost_lines: int  # purchase orders, vendors' bills and time entries together
    time_entries: int  # of the cost lines, those that are hours people entered
    invoices: int  # issued (or cancelled) invoices, one line each in the volume
    payments: int  # payments received, most allocated to invoices
    surveys: int  # satisfaction surveys: after delivered projects, scheduled on key clients
    health_history_days: int  # days of account health history kept for the key clients


# "medium" is the clients issue's benchmark set; "large" grows with every domain (issue 11).
SCALES: dict[str, Volumes | None] = {
    "demo": None,
    "medium": Volumes(
        users=100, teams=10, kams=60, clients=5_000, key_clients=500, stakeholders=20_000,
        interactions=200_000, history_days=365, opportunities=6_000,
        briefs=2_400, ideas=10_000, proposals=2_000,
        contracts=1_600, projects=2_000, tasks=60_000, bookings=8_000,
        # Issue 8's profitability set: 2,000 projects and 500,000 cost lines, of which the
        # hours its hundred people can log in a year (a working day each at most).
        cost_lines=500_000, time_entries=50_000,
        invoices=60_000, payments=80_000,
        # A survey after most delivered projects and the key clients' every six months.
        surveys=1_500, health_history_days=30,
    ),
    "large": Volumes(
        users=100, teams=10, kams=60, clients=5_000, key_clients=500, stakeholders=50_000,
        interactions=1_000_000, history_days=3 * 365, opportunities=30_000,
        # A proposal answers one brief: the briefs outnumber the proposals, by those still
        # received, with a Planner or cancelled.
        briefs=12_000, ideas=50_000, proposals=10_000,
        # Most approved proposals become contracts, the rest are signed directly (retainers);
        # some contracts run a second project; about 30 tasks and 4 bookings a project.
        contracts=8_000, projects=10_000, tasks=300_000, bookings=40_000,
        cost_lines=500_000, time_entries=120_000,
        # Issue 9's receivables: a few invoices a month per client over three years, more
        # payments than invoices (some are paid in parts).
        invoices=300_000, payments=400_000,
        # About one survey per delivered project, and the key clients' every six months.
        surveys=11_000, health_history_days=30,
    ),
}  # fmt: skip

Progress = Callable[[str, int, int], None]


@dataclass
class SeedContext:
    scale: str
    rng: random.Random
    fake: Faker
    volumes: Volumes | None = None
    progress: Progress = lambda label, done, total: None
    log: list[str] = field(default_factory=list)


def make_context(*, scale: str, seed: int, progress: Progress | None = None) -> SeedContext:
    fake = Faker("vi_VN")
    fake.seed_instance(seed)
    ctx = SeedContext(scale=scale, rng=random.Random(seed), fake=fake, volumes=SCALES[scale])
    if progress:
        ctx.progress = progress
    return ctx


BATCH = 5_000


def bulk_insert(ctx: SeedContext, label: str, rows: Iterable, total: int) -> list:
    """Insert unsaved model instances in batches, reporting progress; returns them with their
    primary keys (both databases return them from a bulk insert)."""
    saved: list = []
    batch: list = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            saved += type(row).objects.bulk_create(batch)
            ctx.progress(label, len(saved), total)
            batch = []
    if batch:
        saved += type(batch[0]).objects.bulk_create(batch)
    ctx.progress(label, len(saved), total)
    return saved


def spread(total: int, weights: list[int]) -> list[int]:
    """Split `total` into whole shares proportional to `weights`, summing exactly to `total`."""
    whole = sum(weights)
    shares = [total * weight // whole for weight in weights]
    for index in range(total - sum(shares)):
        shares[index % len(shares)] += 1
    return shares


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
    """Run every kam app's seed step in app order, then, at a larger scale, every volume step."""
    for module in _seed_modules():
        module.seed(ctx)
    if ctx.volumes:
        add_volumes(ctx)


def add_volumes(ctx: SeedContext) -> None:
    """Every app's volume step, in app order, on top of the demo: up to `ctx.volumes`."""
    for module in _seed_modules():
        if hasattr(module, "seed_volume"):
            module.seed_volume(ctx)


def _seed_modules() -> list:
    return [
        import_module(f"{config.name}.seed")
        for config in apps.get_app_configs()
        if config.name.startswith("kam.")
        and f"{config.name}.seed" != __name__
        and find_spec(f"{config.name}.seed")
    ]
