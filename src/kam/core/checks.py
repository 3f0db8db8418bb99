"""System checks of the core: kam cannot show a page without its front-end libraries."""

from pathlib import Path

from django.conf import settings
from django.core.checks import Error, register


@register()
def front_end_libraries_check(app_configs, **kwargs) -> list[Error]:
    """htmx and Pico CSS come from the npm registry (package-lock.json); without them every page
    would fail to render."""
    missing = [
        str(path)
        for prefix, path in (
            entry for entry in settings.STATICFILES_DIRS if isinstance(entry, tuple)
        )
        if prefix.startswith("vendor/") and not Path(path).is_dir()
    ]
    if not missing:
        return []
    return [
        Error(
            "The front-end libraries are missing: " + ", ".join(missing),
            hint="Run `npm ci` in the kam checkout (./dev does it), or point KAM_ASSETS_DIR at "
            "a node_modules folder installed from kam's package-lock.json.",
            id="kam.E002",
        )
    ]
