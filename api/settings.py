"""Settings in one place, read from the environment with the ``ATLAS_`` prefix."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Service settings.

    Every field can be set from the environment, e.g. ``ATLAS_BASEMAP_URL``.
    """

    model_config = SettingsConfigDict(env_prefix="ATLAS_", extra="ignore")

    title: str = "Chengyu Atlas 成渝规划地图"
    #: Optional online basemap (XYZ template). Off by default: the atlas renders with no network.
    basemap_url: str | None = None
    basemap_attribution: str = ""
    #: Datum of the basemap tiles. Tiles on GCJ-02 (Amap, Tencent) would draw everything ~500 m off,
    #: so only WGS84/CGCS2000 tiles are accepted.
    basemap_datum: str = "WGS84"
    #: Tianditu key (ATLAS_TIANDITU_KEY): adds Tianditu's vector basemap with labels, CGCS2000.
    tianditu_key: str | None = None
    max_q_length: int = Field(200, ge=1, le=10_000)
    default_map_zoom: int = Field(7, ge=0, le=18)
    cors_origins: list[str] = []
    #: Directory of curated data files; default: the package's own layers/data.
    data_dir: str | None = None
    #: Replay stored responses to repeated GETs before routing (see api.caching.RawResponseCache).
    raw_response_cache: bool = True
    #: Call the plain GET endpoints through plans made once per route, not FastAPI's
    #: per-request parameter analysis (see api.direct); off, every request goes through FastAPI.
    direct_routes: bool = True
    #: Directory whose templates override the packaged ones (static/templates) by file name.
    templates_dir: str | None = None
    #: Public base URL of the service (e.g. https://atlas.example.org/cy): links in responses are
    #: absolute under it; unset, they are root-relative. Never taken from the Host header.
    public_url: str | None = None
    #: Bytes all response caches of one worker may hold together (replayed responses, stored
    #: results, bodies, encoded features): see api.caching.cache_budget.
    cache_max_bytes: int = Field(192 * 1024 * 1024, ge=1024 * 1024)
    #: Directory of the built-layers artifact (a start with a valid one skips the build); unset:
    #: $XDG_CACHE_HOME/chengyu-atlas (~/.cache/chengyu-atlas). "off" builds on every start.
    artifact_dir: str | None = None
    #: Make the first map's layer responses in a thread right after start-up (see api.app.warm_first_map).
    warm_start: bool = True
    #: FastAPI's native OpenTelemetry (traces, metrics and logs to the providers configured in
    #: the process). Off by default: even with no provider configured, FastAPI looks for one on
    #: every request (a replayed response took 63–85 µs in the process with it, 47–49 without).
    telemetry: bool = False
    #: OGC API items paging: default page size and the cap (larger limits are clamped to it).
    default_limit: int = Field(10, ge=1)
    max_limit: int = Field(1000, ge=1)

    @property
    def artifact_path(self) -> Path | None:
        """The artifact directory to use, None when switched off."""
        if self.artifact_dir is None:
            from layers.artifact import default_dir

            return default_dir()
        return None if self.artifact_dir.strip().lower() == "off" else Path(self.artifact_dir)

    @model_validator(mode="after")
    def _check_limits(self) -> Settings:
        if self.default_limit > self.max_limit:
            raise ValueError(f"ATLAS_DEFAULT_LIMIT ({self.default_limit}) exceeds ATLAS_MAX_LIMIT ({self.max_limit})")
        return self

    @model_validator(mode="after")
    def _check_basemap(self) -> Settings:
        if self.basemap_datum.upper() not in {"WGS84", "CGCS2000"}:
            raise ValueError(
                f"ATLAS_BASEMAP_DATUM={self.basemap_datum!r}: only WGS84 or CGCS2000 tiles line up with the "
                "atlas layers; GCJ-02 tiles (Amap, Tencent) are ~500 m off"
            )
        if self.public_url and not self.public_url.startswith(("http://", "https://")):
            raise ValueError("ATLAS_PUBLIC_URL must be an absolute http(s) URL, e.g. https://atlas.example.org/cy")
        if self.basemap_url and not self.basemap_url.startswith(("http://", "https://", "/")):
            raise ValueError("ATLAS_BASEMAP_URL must be an http(s) URL template or a path on this server")
        return self
