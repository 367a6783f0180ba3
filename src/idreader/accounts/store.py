"""Partner accounts and metering: the only code that touches the accounts tables."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass

from sqlalchemy import func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, sessionmaker

from idreader.accounts.keys import MIN_KEY_LENGTH, generate_key, hash_key, verify_key
from idreader.accounts.models import DailyUsage, Partner, UsageRecord
from idreader.api.errors import (
    BLOCKED,
    DAILY_LIMIT,
    EXPIRED,
    INSUFFICIENT,
    NOT_PURCHASED,
    ApiError,
)

SERVICES = ("ocr", "none")
PARTNER_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
PARTNER_KEY = re.compile(r"[\x21-\x7e]+")  # printable ASCII, no spaces: it travels in a URL


def check_credentials(code: str | None, key: str | None) -> None:
    if code is not None and not PARTNER_CODE.fullmatch(code):
        raise ValueError("partner code: 1-64 letters, digits, '_', '.', '-'")
    if key is not None and (len(key) < MIN_KEY_LENGTH or not PARTNER_KEY.fullmatch(key)):
        raise ValueError(
            f"partner key: at least {MIN_KEY_LENGTH} printable ASCII characters, no spaces"
        )


def utc_iso(value: dt.datetime) -> str:
    """SQLite hands back naive datetimes; everything stored is UTC."""
    return (value if value.tzinfo else value.replace(tzinfo=dt.UTC)).isoformat()


class PartnerExists(ValueError):
    pass


class PartnerNotFound(LookupError):
    pass


@dataclass(frozen=True)
class PartnerView:
    """What may be shown of a partner: everything but the key."""

    id: int
    code: str
    services: list[str]
    blocked: bool
    balance: int | None
    daily_limit: int | None
    expires_on: str | None
    countries: list[str] | None
    created_at: str

    @classmethod
    def of(cls, p: Partner) -> PartnerView:
        return cls(
            id=p.id,
            code=p.code,
            services=[s for s in p.services.split(",") if s],
            blocked=p.blocked,
            balance=p.balance,
            daily_limit=p.daily_limit,
            expires_on=p.expires_on.isoformat() if p.expires_on else None,
            countries=p.countries.split(",") if p.countries else None,
            created_at=utc_iso(p.created_at),
        )

    def as_dict(self) -> dict:
        return asdict(self)


class PartnerStore:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    # --- administration -------------------------------------------------------------
    def create(self, code: str, key: str | None = None, **values) -> tuple[PartnerView, str]:
        key = key or generate_key()
        check_credentials(code, key)
        with self.sessions.begin() as s:
            if s.scalar(select(Partner.id).where(Partner.code == code)) is not None:
                raise PartnerExists(code)
            partner = Partner(
                code=code,
                key_hash=hash_key(key),
                services="ocr",
                blocked=False,
                created_at=dt.datetime.now(dt.UTC),
            )
            _apply(partner, values)
            s.add(partner)
            s.flush()
            return PartnerView.of(partner), key

    def get(self, code: str) -> PartnerView:
        with self.sessions() as s:
            return PartnerView.of(self._find(s, code))

    def list(self) -> list[PartnerView]:
        with self.sessions() as s:
            return [PartnerView.of(p) for p in s.scalars(select(Partner).order_by(Partner.code))]

    def update(self, code: str, **values) -> PartnerView:
        with self.sessions.begin() as s:
            partner = self._find(s, code)
            _apply(partner, values)
            return PartnerView.of(partner)

    def rotate_key(self, code: str, key: str | None = None) -> tuple[PartnerView, str]:
        key = key or generate_key()
        check_credentials(None, key)
        with self.sessions.begin() as s:
            partner = self._find(s, code)
            partner.key_hash = hash_key(key)
            return PartnerView.of(partner), key

    def delete(self, code: str) -> None:
        with self.sessions.begin() as s:
            s.delete(self._find(s, code))

    def count(self) -> int:
        with self.sessions() as s:
            return s.scalar(select(func.count(Partner.id))) or 0

    @staticmethod
    def _find(s: Session, code: str) -> Partner:
        partner = s.scalar(select(Partner).where(Partner.code == code))
        if partner is None:
            raise PartnerNotFound(code)
        return partner

    # --- request path ---------------------------------------------------------------
    def authenticate(self, code: str, key: str) -> PartnerView:
        """Contract check 2: 11340 ``partner_code error`` / ``partner_key error``."""
        with self.sessions() as s:
            partner = s.scalar(select(Partner).where(Partner.code == code))
            if partner is None:
                raise ApiError.invalid("partner_code")
            if not verify_key(key, partner.key_hash):
                raise ApiError.invalid("partner_key")
            return PartnerView.of(partner)

    def check_state(self, partner: PartnerView, today: dt.date) -> None:
        """Contract check 3, in the contract's order: 301, 302, 303, 304, 305."""
        if "ocr" not in partner.services:
            raise ApiError(NOT_PURCHASED)
        if partner.blocked:
            raise ApiError(BLOCKED)
        if partner.balance is not None and partner.balance <= 0:
            raise ApiError(INSUFFICIENT)
        if partner.expires_on and dt.date.fromisoformat(partner.expires_on) < today:
            raise ApiError(EXPIRED)
        limit = partner.daily_limit
        if limit is not None and self.calls_on(partner.id, today) >= limit:
            raise ApiError(DAILY_LIMIT)

    def calls_on(self, partner_id: int, day: dt.date) -> int:
        with self.sessions() as s:
            calls = s.scalar(
                select(DailyUsage.calls).where(
                    DailyUsage.partner_id == partner_id, DailyUsage.day == day
                )
            )
            return calls or 0

    def charge(self, partner: PartnerView, today: dt.date) -> None:
        """Take one call off the balance and add one to today's counter, atomically.

        Both are conditional writes inside one transaction, so concurrent requests on any
        number of nodes can never overspend: the loser raises 303 or 305 and rolls back.
        """
        with self.sessions.begin() as s:
            taken = s.execute(
                update(Partner)
                .where(
                    Partner.id == partner.id, or_(Partner.balance.is_(None), Partner.balance > 0)
                )
                .values(balance=Partner.balance - 1)
                .execution_options(synchronize_session=False)
            ).rowcount
            if taken != 1:
                raise ApiError(INSUFFICIENT)
            if not self._count_call(s, partner.id, today, partner.daily_limit):
                raise ApiError(DAILY_LIMIT)

    @staticmethod
    def _count_call(s: Session, partner_id: int, day: dt.date, limit: int | None) -> bool:
        if limit is not None and limit <= 0:
            return False
        insert = pg_insert if s.get_bind().dialect.name == "postgresql" else sqlite_insert
        stmt = insert(DailyUsage).values(partner_id=partner_id, day=day, calls=1)
        stmt = stmt.on_conflict_do_update(
            index_elements=[DailyUsage.partner_id, DailyUsage.day],
            set_={"calls": DailyUsage.calls + 1},
            where=None if limit is None else DailyUsage.calls < limit,
        ).returning(DailyUsage.calls)
        return s.execute(stmt).first() is not None

    def record_usage(
        self,
        *,
        sequence_id: str,
        partner_id: int | None,
        country: str | None,
        code: int,
        billed: bool,
        duration_ms: float,
    ) -> None:
        with self.sessions.begin() as s:
            s.add(
                UsageRecord(
                    sequence_id=sequence_id,
                    partner_id=partner_id,
                    at=dt.datetime.now(dt.UTC),
                    country=country,
                    code=code,
                    billed=billed,
                    duration_ms=round(duration_ms, 1),
                )
            )

    def usage(self, code: str | None = None, since: dt.datetime | None = None) -> list[dict]:
        with self.sessions() as s:
            q = (
                select(UsageRecord, Partner.code)
                .join(Partner, Partner.id == UsageRecord.partner_id, isouter=True)
                .order_by(UsageRecord.at)
            )
            if code:
                q = q.where(Partner.code == code)
            if since:
                q = q.where(UsageRecord.at >= since)
            return [
                {
                    "sequence_id": u.sequence_id,
                    "partner": pcode,
                    "at": utc_iso(u.at),
                    "country": u.country,
                    "code": u.code,
                    "billed": u.billed,
                    "duration_ms": u.duration_ms,
                }
                for u, pcode in s.execute(q)
            ]


def _apply(partner: Partner, values: dict) -> None:
    for name, value in values.items():
        if value is ...:
            continue
        if name == "services":
            if value not in SERVICES:
                raise ValueError(f"services must be one of {', '.join(SERVICES)}")
            partner.services = value
        elif name == "countries":
            partner.countries = ",".join(sorted(value)) if value else None
        elif name in {"blocked", "balance", "daily_limit", "expires_on"}:
            setattr(partner, name, value)
        else:
            raise TypeError(f"unknown partner setting {name}")
