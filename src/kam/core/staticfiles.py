"""How static files are stored for WhiteNoise: hashed names, compressed with gzip only.

WhiteNoise also writes Brotli copies whenever the `brotli` module is importable, and WeasyPrint's
font tools bring it. At Brotli's highest level the API docs' megabyte bundles took `collectstatic`
from 4 s to 50 s, on every `kam up` from a fresh data folder; gzip serves every browser."""

from typing import Any

from whitenoise.compress import Compressor
from whitenoise.storage import CompressedManifestStaticFilesStorage


class GzipManifestStaticFilesStorage(CompressedManifestStaticFilesStorage):
    def create_compressor(self, **kwargs: Any) -> Compressor:
        return super().create_compressor(**{**kwargs, "use_brotli": False})
