from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kam.core.search import Searchable


class Department(models.Model):
    """A department of the agency (Plan, Event, Creative, …) that works tasks from briefs."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name (Vietnamese)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        # The canonical (Vietnamese) name, so audit records do not depend on who was reading.
        return self.name

    @property
    def display_name(self) -> str:
        """The name in the reader's language, falling back to the Vietnamese name."""
        if (get_language() or "vi").startswith("en") and self.name_en:
            return self.name_en
        return self.name


class UserManager(DjangoUserManager):
    def get_by_natural_key(self, username: str) -> "User":
        # "Lan" and "lan" are one person when signing in (usernames are unique ignoring case).
        return self.get(username__iexact=username)


class User(Searchable, AbstractUser):
    """A person who signs in: agency staff holding one or more roles (PRODUCT.md, Roles)."""

    class Language(models.TextChoices):
        VIETNAMESE = "vi", _("Vietnamese")
        ENGLISH = "en", _("English")

    # Vietnamese names are written family name first; one field keeps them whole.
    first_name = None
    last_name = None
    full_name = models.CharField(_("full name"), max_length=150)
    email = models.EmailField(_("email"), blank=True)
    language = models.CharField(
        _("language"), max_length=5, choices=Language.choices, default=Language.VIETNAMESE
    )
    team = models.ForeignKey(
        "people.Team",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("team"),
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("department"),
    )
    is_kam = models.BooleanField(_("Key Account Manager"), default=False)
    is_director = models.BooleanField(_("Account Director"), default=False)
    is_sales = models.BooleanField(_("Sales"), default=False)
    is_planner = models.BooleanField(_("Planner / Strategist"), default=False)
    is_finance = models.BooleanField(_("Finance"), default=False)
    is_superuser = models.BooleanField(_("Admin"), default=False)
    search_fields = ("full_name", "username", "email")
    search_text = models.CharField(max_length=600, blank=True, default="", editable=False)

    REQUIRED_FIELDS = ["email", "full_name"]
    objects = UserManager()

    class Meta:
        ordering = ["full_name", "username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                Lower("username"),
                name="people_user_username_ci_unique",
                violation_error_message=_("This username is already taken."),
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split()[-1] if self.full_name else self.username

    @property
    def role_labels(self) -> list[str]:
        """The roles this person holds, in the reader's language."""
        flags = [
            (self.is_superuser, _("Admin")),
            (self.is_director, _("Account Director")),
            (self.is_kam, _("Key Account Manager")),
            (self.is_sales, _("Sales")),
            (self.is_planner, _("Planner / Strategist")),
            (self.is_finance, _("Finance")),
            (self.department_id is not None, _("Department member")),
        ]
        return [str(label) for held, label in flags if held]


class Team(models.Model):
    """A team of Key Account Managers led by an Account Director."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    leader = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        related_name="led_teams",
        verbose_name=_("Account Director"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.name


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 hash is stored; the key is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("starts with"), max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class LoginFailure(models.Model):
    """A failed sign-in, counted to throttle password guessing by username and by address."""

    username = models.CharField(max_length=150)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["username", "at"]),
            models.Index(fields=["ip_address", "at"]),
        ]

    def __str__(self) -> str:
        return f"{self.username} @ {self.at:%Y-%m-%d %H:%M}"
