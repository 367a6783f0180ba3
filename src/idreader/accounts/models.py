"""Partner accounts, daily counters and the usage log."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Partner(Base):
    __tablename__ = "partners"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    key_hash: Mapped[str] = mapped_column(String(200))
    services: Mapped[str] = mapped_column(String(100), default="ocr")  # comma-separated
    blocked: Mapped[bool] = mapped_column(Boolean, default=False)
    balance: Mapped[int | None] = mapped_column(BigInteger, nullable=True)  # None: unlimited
    daily_limit: Mapped[int | None] = mapped_column(Integer, nullable=True)  # None: unlimited
    expires_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    countries: Mapped[str | None] = mapped_column(String(1000), nullable=True)  # None: all
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class DailyUsage(Base):
    __tablename__ = "daily_usage"

    partner_id: Mapped[int] = mapped_column(
        ForeignKey("partners.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    calls: Mapped[int] = mapped_column(Integer, default=0)


class UsageRecord(Base):
    """One row per request. Never the image, never a recognised field."""

    __tablename__ = "usage"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sequence_id: Mapped[str] = mapped_column(String(32), unique=True)
    partner_id: Mapped[int | None] = mapped_column(
        ForeignKey("partners.id", ondelete="SET NULL"), nullable=True, index=True
    )
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    country: Mapped[str | None] = mapped_column(String(2), nullable=True)
    code: Mapped[int] = mapped_column(Integer)
    billed: Mapped[bool] = mapped_column(Boolean, default=False)
    duration_ms: Mapped[float] = mapped_column(Float)
