"""HTTP layer: translates the OCR API V2.0 wire contract to the pipeline and back."""

from __future__ import annotations

import asyncio
import logging
import time
from contextlib import asynccontextmanager

from fastapi import FastAPI, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from idreader.accounts.store import PartnerStore
from idreader.api.contract import OcrError, OcrRequest, OcrSuccess, to_wire
from idreader.api.errors import INTERNAL, ApiError
from idreader.api.request import BodyTooLarge, parse_body, validate_call
from idreader.api.service import new_sequence_id, recognise
from idreader.config import Settings, get_settings
from idreader.db.engine import migrate, session_factory
from idreader.logs import REQUEST_LOGGER, configure_logging
from idreader.pipeline import warm_up
from idreader.pipeline.types import Deadline, ProcessingTimeout

log = logging.getLogger(REQUEST_LOGGER)


async def read_capped_body(request: Request, limit: int) -> bytes:
    """Read the body, refusing it as soon as it passes ``limit`` (nothing more is buffered)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge
        chunks.append(chunk)
    return b"".join(chunks)


class OcrEndpoint:
    """One request through checks 1-8, billing and recognition."""

    def __init__(self, settings: Settings, store: PartnerStore) -> None:
        self.settings = settings
        self.store = store
        self.pipeline_slots = asyncio.Semaphore(settings.pipeline_concurrency)

    async def __call__(
        self, request: Request, partner_code: str | None, partner_key: str | None
    ) -> JSONResponse:
        sequence_id = new_sequence_id()
        started = time.perf_counter()
        deadline = Deadline.after(self.settings.processing_timeout_s)
        trace: dict = {"partner": None, "partner_id": None, "country": None, "billed": False}
        try:
            answer = await self.handle(
                request, partner_code, partner_key, sequence_id, deadline, trace
            )
        except ApiError as err:
            answer = OcrError(code=err.code, message=err.message, sequence_id=sequence_id)
        except (ProcessingTimeout, TimeoutError):
            log.error("processing timeout", extra={"fields": {"sequence_id": sequence_id}})
            answer = OcrError(code=INTERNAL, message="Internal error", sequence_id=sequence_id)
        except Exception:
            log.exception("internal error", extra={"fields": {"sequence_id": sequence_id}})
            answer = OcrError(code=INTERNAL, message="Internal error", sequence_id=sequence_id)
        latency_ms = (time.perf_counter() - started) * 1000
        await self.account(answer, trace, latency_ms)
        log.info(
            "request",
            extra={
                "fields": {
                    "sequence_id": sequence_id,
                    "partner": trace["partner"],
                    "code": answer.code,
                    "country": trace["country"],
                    "billed": trace["billed"],
                    "latency_ms": round(latency_ms, 1),
                }
            },
        )
        return JSONResponse(to_wire(answer), headers={"X-Sequence-Id": sequence_id})

    async def handle(
        self,
        request: Request,
        partner_code: str | None,
        partner_key: str | None,
        sequence_id: str,
        deadline: Deadline,
        trace: dict,
    ) -> OcrSuccess:
        code, key = (partner_code or "").strip(), (partner_key or "").strip()
        if not code:
            raise ApiError.empty("partner_code")
        if not key:
            raise ApiError.empty("partner_key")
        partner = await run_in_threadpool(self.store.authenticate, code, key)
        trace.update(partner=partner.code, partner_id=partner.id)
        today = self.settings.current_date()
        await run_in_threadpool(self.store.check_state, partner, today)
        try:
            raw = await read_capped_body(request, self.settings.max_body_bytes)
        except BodyTooLarge as exc:
            raise ApiError.invalid("image") from exc
        body = parse_body(raw)
        call = await run_in_threadpool(
            validate_call,
            body,
            max_image_bytes=self.settings.max_image_bytes,
            max_image_pixels=self.settings.max_image_pixels,
            opened=self.opened_for(partner.countries),
        )
        trace["country"] = call.country
        await run_in_threadpool(self.store.charge, partner, today)
        trace["billed"] = True
        remaining = max(0.0, deadline.at - time.monotonic())
        async with asyncio.timeout(remaining):
            async with self.pipeline_slots:
                return await run_in_threadpool(
                    recognise, call, sequence_id, self.settings, deadline
                )

    def opened_for(self, partner_countries: list[str] | None) -> frozenset[str] | None:
        deployment = self.settings.opened_country_set()
        partner = frozenset(partner_countries) if partner_countries else None
        if deployment is None or partner is None:
            return deployment or partner
        return deployment & partner

    async def account(self, answer: OcrError, trace: dict, latency_ms: float) -> None:
        try:
            await run_in_threadpool(
                self.store.record_usage,
                sequence_id=answer.sequence_id,
                partner_id=trace["partner_id"],
                country=trace["country"],
                code=answer.code,
                billed=trace["billed"],
                duration_ms=latency_ms,
            )
        except Exception:
            log.exception(
                "usage not recorded", extra={"fields": {"sequence_id": answer.sequence_id}}
            )


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(settings.log_level)
    store = PartnerStore(session_factory(settings.database_url))

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        await run_in_threadpool(migrate, settings.database_url)
        await run_in_threadpool(warm_up)
        yield

    app = FastAPI(
        title="idreader",
        summary="OCR API V2.0 for identity documents",
        version="2.0",
        lifespan=lifespan,
    )
    endpoint = OcrEndpoint(settings, store)
    app.state.store = store

    @app.post(
        settings.api_path,
        response_model=OcrSuccess | OcrError,
        summary="Read an identity document",
        description="Always HTTP 200; `code` carries the outcome (see the contract).",
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": OcrRequest.model_json_schema()}},
            }
        },
    )
    async def ocr(
        request: Request,
        partner_code: str | None = Query(default=None, description="Assigned partner code"),
        partner_key: str | None = Query(default=None, description="Assigned partner key"),
    ) -> JSONResponse:
        return await endpoint(request, partner_code, partner_key)

    @app.get("/healthz", summary="Liveness and database check")
    async def healthz() -> dict:
        await run_in_threadpool(store.count)
        return {"status": "ok"}

    return app
