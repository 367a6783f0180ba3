"""All settings in one place, read from ``IDREADER_*`` environment variables."""

from __future__ import annotations

import datetime as dt
import os
from functools import lru_cache

from pydantic import BaseModel, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class QualityThresholds(BaseModel):
    """Image-quality thresholds (IDREADER_QUALITY__<NAME>), chosen on a generated calibration
    set by ``training/calibrate_quality.py``; the README gives what each one measures."""

    glare_max_share: float = 0.025  # of the page: blown-out highlights with a halo
    focus_min: float = 1.23  # strongest edges (99th pct |Laplacian|) / contrast, 250 px wide
    min_dpi: float = 150.0
    perspective_max_deg: float = 5.0  # worst corner angle's deviation from 90 degrees
    bounds_margin: float = 0.005  # of the frame: corners this close to its edge are cut
    # Copies (pipeline/copies.py), chosen by training/calibrate_copies.py on 980 generated
    # images (seeds 11, 21-24). Screen: the synthetic pick (precision >= 0.97) was 2.6; real
    # colour originals score up to 4.12 (a phone-app screenshot), so it clears that by 0.3:
    # P 1.00 R 0.93 on calibration images without colour prints.
    screen_min_score: float = 4.5
    # Halftone: synthetic pick 1.9, raised likewise above real fine-line printing (3.99):
    # colour prints R 0.48 P 0.90; blur and low resolution hide the dots.
    halftone_min_score: float = 4.3
    # Grey (black-and-white copy): every spread maximum in 0.0005..0.06 and tint maximum in
    # 0.002..0.006 gives the best result; P 0.98 R 1.00 on grey copies not on a screen.
    grey_max_spread: float = 0.004
    grey_max_tint: float = 0.005


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="IDREADER_", extra="ignore", env_nested_delimiter="__"
    )

    database_url: str = "sqlite:///var/idreader.db"
    api_path: str = "/ocr/v2"
    # Base64 of a 2 MiB image is ~2.8 MB; leave room for JSON and whitespace.
    max_body_bytes: int = 4 * 1024 * 1024
    max_image_bytes: int = 2 * 1024 * 1024
    max_image_pixels: int = 40_000_000
    processing_timeout_s: float = 20.0
    # Recognitions run at once per process; more wait their turn (inside the timeout).
    pipeline_concurrency: int = Field(default_factory=lambda: os.cpu_count() or 1, ge=1)
    # Comma-separated ISO alpha-2 codes this deployment serves; empty means all.
    opened_countries: str = ""
    # Longest side of images returned under ``images`` (Portrait, Document Front, ...).
    output_image_max_side: int = Field(default=640, ge=32, le=4096)
    # Fixed "today" (YYYY-MM-DD) for reproducible expiry decisions; empty means the real date.
    today: str = ""
    quality: QualityThresholds = QualityThresholds()
    log_level: str = "INFO"
    demo_partner_code: str = "demo"

    def opened_country_set(self) -> frozenset[str] | None:
        codes = {c.strip().upper() for c in self.opened_countries.split(",") if c.strip()}
        return frozenset(codes) or None

    def current_date(self) -> dt.date:
        return dt.date.fromisoformat(self.today) if self.today else dt.datetime.now(dt.UTC).date()


@lru_cache
def get_settings() -> Settings:
    return Settings()
