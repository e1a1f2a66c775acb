"""Provisioning: enrolment codes (with QR), device enrolment, the device registry, revocation, device configs."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, FastAPI, Path, Request
from fastapi.responses import FileResponse, JSONResponse

from motcua.contract.provisioning import API_PREFIX, CodeCreate, CodeIssued, ConfigChange, EnrolRequest, enrol_uri
from queue_server.api.deps import AdminDep
from queue_server.api.errors import ErrorBody, error_response

if TYPE_CHECKING:
    from queue_server.provisioning import Provisioner

logger = logging.getLogger(__name__)

router = APIRouter(prefix=API_PREFIX, tags=["provisioning"])
pages = APIRouter(include_in_schema=False)
ERRORS: dict[int | str, dict[str, Any]] = {c: {"model": ErrorBody} for c in (401, 403, 404, 409, 422, 429)}
DeviceId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")]


def install(app: FastAPI) -> None:
    """The HTTP side that is not a route of ``router``: bilingual refusals and the enrolment pages."""
    from queue_server.provisioning import ProvisioningError

    @app.exception_handler(ProvisioningError)
    async def _refused(request: Request, exc: ProvisioningError) -> JSONResponse:
        response = error_response(exc.status, exc.code, exc.message_vi, exc.message_en)
        if exc.retry_after:
            response.headers["Retry-After"] = str(max(1, round(exc.retry_after)))
        return response

    app.include_router(pages)


def _prov(request: Request) -> Provisioner:
    provisioner: Provisioner = request.app.state.provisioner
    return provisioner


def _qr_svg(data: str) -> str:
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    svg: bytes = image.to_string()
    return svg.decode("utf-8")


def _base_url(request: Request) -> str:
    return str(request.base_url).rstrip("/")


@router.get("/ca")
def site_ca(request: Request) -> dict[str, str]:
    """The site CA certificate and its fingerprint (public: a device checks it against the announced one)."""
    ca = _prov(request).ca()
    return {"site": _prov(request).site_id, "fingerprint": ca.fingerprint, "ca_pem": ca.pem}


@router.post("/codes", status_code=201, responses=ERRORS)
def create_code(body: CodeCreate, request: Request, principal: AdminDep) -> dict[str, Any]:
    """Create a single-use enrolment code (10 minutes, 5 wrong attempts) for a role and, for counters, a counter."""
    issued = _prov(request).create_code(body.role, body.counter_id, body.label)
    uri = enrol_uri(issued["code"], issued["ca_fingerprint"], _base_url(request))
    return CodeIssued(**issued, enrol_uri=uri, qr_svg=_qr_svg(uri)).model_dump(mode="json")


@router.post("/enrol", responses=ERRORS)
def enrol(body: EnrolRequest, request: Request) -> dict[str, Any]:
    """Enrol a device with its code and CSR; returns its identity, credentials and config (once)."""
    provisioner = _prov(request)
    provisioner.check_rate(request.client.host if request.client else "unknown")
    response = provisioner.enrol(body.code, body.csr_pem, body.hostname, _base_url(request))
    return response.model_dump(mode="json")


@router.get("/devices", responses=ERRORS)
def list_devices(request: Request, principal: AdminDep) -> list[dict[str, Any]]:
    """Pending (with their code's status), enrolled and revoked devices."""
    return _prov(request).list_devices()


@router.post("/devices/{device_id}/revoke", responses=ERRORS)
def revoke_device(device_id: DeviceId, request: Request, principal: AdminDep) -> dict[str, Any]:
    """Revoke a device: its API token at once, its broker account by regenerating the files and reloading."""
    return _prov(request).revoke(device_id)


@router.get("/devices/{device_id}/config", responses=ERRORS)
def get_config(device_id: DeviceId, request: Request, principal: AdminDep) -> dict[str, Any]:
    """The device's current config."""
    return _prov(request).config(device_id).model_dump(mode="json")


@router.patch("/devices/{device_id}/config", responses=ERRORS)
def change_config(device_id: DeviceId, body: ConfigChange, request: Request, principal: AdminDep) -> dict[str, Any]:
    """Change language, layout, printer, voice or timeouts: a new version, published retained to the device."""
    change = body.model_dump(exclude_none=True)
    return _prov(request).change_config(device_id, change).model_dump(mode="json")


@pages.get("/console/provisioning")
def provisioning_page() -> FileResponse:
    """The admin page for enrolment codes and devices."""
    from queue_server.app import WEB_DIR

    return FileResponse(str(WEB_DIR / "provisioning.html"), media_type="text/html; charset=utf-8")
