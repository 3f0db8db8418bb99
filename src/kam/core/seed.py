"""`kam seed`: deterministic demo data. Each app that has records to show keeps a `seed.py` with
`seed(ctx: SeedContext)`; they run in the app order of ARCHITECTURE.md, so an app can use the
records of the apps before it.

A larger scale adds volume on top of the demo (whose logins stay as they are): each app's
`seed_volume(ctx)` bulk-inserts rows up to `ctx.volumes`, skipping the services (and so the
per-record audit events) because going through them would take hours at a million rows. On
PostgreSQL those rows go in with COPY (`copy_rows`), a bulk INSERT elsewhere."""

import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.db.models import Field, Model
from django.utils import timezone
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
    primary keys (`insert_all`)."""
    saved: list = []
    batch: list = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            saved += insert_all(batch)
            ctx.progress(label, len(saved), total)
            batch = []
    if batch:
        saved += insert_all(batch)
    ctx.progress(label, len(saved), total)
    return saved


def insert_all(objs: list[Model]) -> list[Model]:
    """`bulk_create` of unsaved instances of one model, through `copy_rows` on PostgreSQL: the
    same values as `bulk_create` (each field's `pre_save`, so `auto_now` too), the instances
    given their keys and marked saved as it marks them."""
    if not objs:
        return objs
    model = type(objs[0])
    if connection.vendor != "postgresql":
        return model.objects.bulk_create(objs)
    meta = model._meta
    fields = [field for field in meta.concrete_fields if not field.generated]
    # Most fields' pre_save only reads the attribute; a million calls of it are seconds.
    read = [field.attname for field in fields if type(field).pre_save is Field.pre_save]
    hooked = [field for field in fields if type(field).pre_save is not Field.pre_save]
    rows = []
    for obj in objs:
        if obj.pk is None:
            obj.pk = meta.pk.get_pk_value_on_save(obj)
        # What bulk_create does too: the key of a parent saved after it was assigned.
        obj._prepare_related_fields_for_save(operation_name="bulk_create")
        state = obj.__dict__  # an unsaved instance holds every field's value there
        try:
            row = {name: state[name] for name in read}
        except KeyError:
            row = {name: getattr(obj, name) for name in read}
        for hooked_field in hooked:
            row[hooked_field.attname] = hooked_field.pre_save(obj, True)
        rows.append(row)
    for obj, pk in zip(objs, copy_rows(model, rows), strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = connection.alias
    return objs


def copy_rows(model: type[Model], rows: Sequence[dict]) -> list[int]:
    """Insert rows given by attribute name (a field left out takes its default; a missing or
    None key one drawn from the table's sequence) and return their keys. On PostgreSQL with
    COPY, the values prepared by each field as an INSERT would have them: at a million rows,
    building a bulk INSERT's SQL took most of the seed's time. Elsewhere with bulk_create."""
    if not rows:
        return []
    if connection.vendor != "postgresql":
        return [record.pk for record in model.objects.bulk_create(model(**row) for row in rows)]
    # The connection itself, not the thread-local proxy: it is read for each value prepared.
    database = connections[DEFAULT_DB_ALIAS]
    meta, now = model._meta, timezone.now()
    fields = [meta.pk, *(f for f in meta.concrete_fields if not f.generated and not f.primary_key)]
    pk_name = meta.pk.attname
    wanted = sum(1 for row in rows if row.get(pk_name) is None)
    drawn = iter(_next_keys(model, wanted))
    pks = [pk if (pk := row.get(pk_name)) is not None else next(drawn) for row in rows]
    table = database.ops.quote_name(meta.db_table)
    columns = ", ".join(database.ops.quote_name(field.column) for field in fields)
    others = [
        (field.attname, _unchanged(field), field.get_db_prep_save, _default(field, now))
        for field in fields
        if field is not meta.pk
    ]
    prepare_pk = meta.pk.get_db_prep_save
    sql = f"COPY {table} ({columns}) FROM STDIN"
    with database.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for pk, row in zip(pks, rows, strict=True):
            values = [prepare_pk(pk, database)]
            for name, unchanged, prepare, default in others:
                value = row[name] if name in row else default()
                kind = type(value)
                if kind in unchanged and (kind is not datetime or value.utcoffset() is not None):
                    values.append(value)
                else:
                    values.append(prepare(value, database))
            copy.write_row(values)
    return pks


def _next_keys(model: type[Model], count: int) -> list[int]:
    """`count` keys from the table's sequence, in the order an INSERT would have taken them."""
    if not count:
        return []
    meta = model._meta
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, count],
        )
        return sorted(pk for (pk,) in cursor.fetchall())


# The values each field's get_db_prep_save returns as they are on PostgreSQL (to_python of a str
# or an int is itself, the backend's adapt_date/datetime/decimal_field_value return their
# argument): skipping the call for them saves minutes over the large scale's tens of millions of
# values. A naive datetime (made aware in the default time zone), a choice's enum, a JSON
# field's dict, a lazy string or any other value goes through Django.
_UNCHANGED = {
    models.CharField: {str},
    models.TextField: {str},
    models.EmailField: {str},
    models.SlugField: {str},
    models.URLField: {str},
    models.SmallIntegerField: {int},
    models.IntegerField: {int},
    models.BigIntegerField: {int},
    models.PositiveSmallIntegerField: {int},
    models.PositiveIntegerField: {int},
    models.PositiveBigIntegerField: {int},
    models.AutoField: {int},
    models.BigAutoField: {int},
    models.BooleanField: {bool},
    models.DateField: {date},
    models.DateTimeField: {datetime},  # aware ones only: see copy_rows
    models.DecimalField: {Decimal},
}


def _unchanged(field) -> frozenset[type]:
    """The types of value `field` stores unchanged on PostgreSQL, None included (see above)."""
    if type(field) in (models.ForeignKey, models.OneToOneField):
        field = field.target_field
    kinds = _UNCHANGED.get(type(field))
    return frozenset((*kinds, type(None))) if kinds else frozenset()


def _default(field, now) -> Callable[[], object]:
    """A left-out field's value, called per row as a model instance would (a callable default
    such as a nonce differs per row); `auto_now` fields take one moment for the whole COPY."""
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return lambda: now
    return field.get_default


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
