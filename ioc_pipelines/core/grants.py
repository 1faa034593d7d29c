"""What each agency may receive: the default sharing list (``IOC_SHARING_DEFAULT``, every
agency) plus what it asked for and an admin granted — a request names the dataset, the purpose,
the legal basis and the period; the admin approves it until an end date or refuses it with a
reason; a grant can be revoked at once. Every step is audited and the agency is told in its
inbox. Only shareable published datasets (``core.datasets``) can be asked for or granted.

Messages are Vietnamese: agencies and admins read them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import insert, select, update

from ioc_pipelines import clock
from ioc_pipelines.core import audit
from ioc_pipelines.core.access import Forbidden
from ioc_pipelines.core.accounts import Account
from ioc_pipelines.core.actors import Actor
from ioc_pipelines.core.datasets import all_datasets, dataset
from ioc_pipelines.core.errors import CoreError
from ioc_pipelines.core.notices import notify
from ioc_pipelines.resources.appdb import engine
from ioc_pipelines.resources.appdb.tables import accounts, share_requests
from ioc_pipelines.settings import Settings

# what every agency receives unless IOC_SHARING_DEFAULT says otherwise: aggregates without
# small counts and the public map layers (the rest on request)
DEFAULT_SHARED = ("budget_by_period", "dim_admin_units", "dim_indicators", "dim_sensors",
                  "enterprises_by_month", "indicators_vs_plan", "investment_disbursement",
                  "iot_hourly", "map_infrastructure_lines", "map_points_of_interest",
                  "permits_by_commune_month", "planning_areas", "pm25_exceedance_days",
                  "population_by_commune")
STATUS_VI = {"requested": "chờ quyết định", "approved": "đã cấp quyền", "refused": "bị từ chối",
             "revoked": "đã thu hồi", "expired": "đã hết hạn"}


class GrantError(CoreError):
    """A request or decision that cannot be made; the message says why, in Vietnamese."""


class NotGranted(GrantError, Forbidden):
    """The agency has no live grant for the dataset (a door answers 403)."""


@dataclass(frozen=True)
class ShareRequest:
    request_id: int
    username: str
    unit: str
    dataset: str
    purpose: str
    legal_basis: str
    period: str
    status: str  # requested | approved | refused | revoked
    requested_at: datetime
    decided_at: datetime | None
    decided_by: str | None
    reason: str | None
    ends_on: date | None

    def state(self, today: date | None = None) -> str:
        """The status as it stands today: an approved grant past its end date has expired."""
        today = today or clock.today()
        if self.status == "approved" and self.ends_on is not None and self.ends_on < today:
            return "expired"
        return self.status

    @property
    def state_vi(self) -> str:
        return STATUS_VI[self.state()]


@dataclass(frozen=True)
class Grant:
    dataset: str
    by_default: bool
    request_id: int | None = None
    ends_on: date | None = None


def default_datasets(settings: Settings) -> tuple[str, ...]:
    """The default sharing list, each a shareable published dataset (a name that is not one is
    a configuration error, named)."""
    known = all_datasets()
    chosen = DEFAULT_SHARED if settings.sharing_default is None else settings.sharing_default
    unknown = [name for name in chosen if name not in known]
    if unknown:
        raise GrantError(f"IOC_SHARING_DEFAULT names {', '.join(unknown)}, which are not "
                         f"shareable datasets (known: {', '.join(known)})")
    return tuple(chosen)


def _request(row) -> ShareRequest:
    return ShareRequest(row.request_id, row.username, row.unit, row.dataset, row.purpose,
                        row.legal_basis, row.period, row.status, row.requested_at,
                        row.decided_at, row.decided_by, row.reason, row.ends_on)


def _query():
    return (select(share_requests, accounts.c.username, accounts.c.unit)
            .join(accounts, accounts.c.account_id == share_requests.c.account_id))


def list_requests(settings: Settings, *, account: Account | None = None,
                  status: str | None = None) -> list[ShareRequest]:
    """Requests, newest first: one agency's (``account``) or everyone's."""
    query = _query().order_by(share_requests.c.request_id.desc())
    if account is not None:
        query = query.where(share_requests.c.account_id == account.account_id)
    if status is not None:
        query = query.where(share_requests.c.status == status)
    with engine(settings).connect() as con:
        return [_request(row) for row in con.execute(query)]


def get_request(settings: Settings, request_id: int) -> ShareRequest:
    with engine(settings).connect() as con:
        row = con.execute(_query().where(share_requests.c.request_id == int(request_id))).first()
    if row is None:
        raise GrantError(f"không có yêu cầu số {request_id}")
    return _request(row)


def request_dataset(settings: Settings, actor: Actor, account: Account, name: str, *,
                    purpose: str, legal_basis: str, period: str) -> ShareRequest:
    """An agency asks for a dataset (purpose, legal basis and period are required)."""
    with audit.audited(settings, actor, "share.request", name,
                       {"purpose": purpose.strip()[:500], "legal_basis": legal_basis.strip()[:500],
                        "period": period.strip()[:64]}) as said:
        if account.role != "agency":
            raise GrantError("chỉ tài khoản cơ quan được chia sẻ mới gửi yêu cầu dữ liệu")
        ds = dataset(name)
        if not purpose.strip() or not legal_basis.strip() or not period.strip():
            raise GrantError("hãy ghi mục đích sử dụng, căn cứ pháp lý và thời kỳ dữ liệu cần")
        if ds.name in default_datasets(settings):
            raise GrantError(f"bộ dữ liệu {ds.name} đã được chia sẻ mặc định cho mọi cơ quan")
        live = [r for r in list_requests(settings, account=account)
                if r.dataset == ds.name and r.state() in {"requested", "approved"}]
        if live:
            raise GrantError(f"đã có yêu cầu số {live[0].request_id} cho bộ dữ liệu này "
                             f"({live[0].state_vi})")
        with engine(settings).begin() as con:
            request_id = con.execute(insert(share_requests).values(
                account_id=account.account_id, dataset=ds.name, purpose=purpose.strip(),
                legal_basis=legal_basis.strip(), period=period.strip()[:64],
                status="requested", requested_at=datetime.now(UTC),
                requested_by=actor.name)).inserted_primary_key[0]
        said["request"] = request_id
    return get_request(settings, request_id)


def decide(settings: Settings, actor: Actor, request_id: int, *, approve: bool,
           ends_on: date | None = None, reason: str = "") -> ShareRequest:
    """An admin approves a waiting request until ``ends_on`` or refuses it with ``reason``;
    the agency is told in its inbox."""
    action = "share.approve" if approve else "share.refuse"
    with audit.audited(settings, actor, action, f"request {request_id}",
                       {"ends_on": ends_on, "reason": reason.strip()[:500]}) as said:
        request = get_request(settings, request_id)
        said["dataset"], said["agency"] = request.dataset, request.username
        if request.status != "requested":
            raise GrantError(f"yêu cầu số {request_id} đã được quyết định "
                             f"({request.state_vi})")
        if approve and (ends_on is None or ends_on < clock.today()):
            raise GrantError("hãy ghi ngày hết hạn của quyền (từ hôm nay trở đi)")
        if not approve and not reason.strip():
            raise GrantError("hãy ghi lý do từ chối: cơ quan yêu cầu sẽ đọc được")
        dataset(request.dataset)  # still shareable
        with engine(settings).begin() as con:
            con.execute(update(share_requests)
                        .where(share_requests.c.request_id == request.request_id,
                               share_requests.c.status == "requested")
                        .values(status="approved" if approve else "refused",
                                decided_at=datetime.now(UTC), decided_by=actor.name,
                                ends_on=ends_on if approve else None,
                                reason=None if approve else reason.strip()))
            account_id = _account_id(con, request.request_id)
            if approve:
                notify(settings, account_id, "share.approved",
                       f"Đã cấp quyền bộ dữ liệu {request.dataset}",
                       f"Yêu cầu số {request.request_id} được chấp thuận đến hết ngày "
                       f"{ends_on:%d/%m/%Y}.", connection=con)
            else:
                notify(settings, account_id, "share.refused",
                       f"Yêu cầu bộ dữ liệu {request.dataset} bị từ chối",
                       f"Yêu cầu số {request.request_id} bị từ chối. Lý do: {reason.strip()}",
                       connection=con)
    return get_request(settings, request_id)


def revoke(settings: Settings, actor: Actor, request_id: int, *, reason: str) -> ShareRequest:
    """Take a granted dataset back at once (every protocol refuses it from the next request)."""
    with audit.audited(settings, actor, "share.revoke", f"request {request_id}",
                       {"reason": reason.strip()[:500]}) as said:
        request = get_request(settings, request_id)
        said["dataset"], said["agency"] = request.dataset, request.username
        if request.status != "approved":
            raise GrantError(f"yêu cầu số {request_id} không phải là quyền đang có "
                             f"({request.state_vi})")
        if not reason.strip():
            raise GrantError("hãy ghi lý do thu hồi")
        with engine(settings).begin() as con:
            con.execute(update(share_requests)
                        .where(share_requests.c.request_id == request.request_id)
                        .values(status="revoked", revoked_at=datetime.now(UTC),
                                revoked_by=actor.name, reason=reason.strip()))
            notify(settings, _account_id(con, request.request_id), "share.revoked",
                   f"Quyền bộ dữ liệu {request.dataset} đã bị thu hồi",
                   f"Quyền theo yêu cầu số {request.request_id} đã bị thu hồi. "
                   f"Lý do: {reason.strip()}", connection=con)
    return get_request(settings, request_id)


def _account_id(con, request_id: int) -> int:
    return con.execute(select(share_requests.c.account_id)
                       .where(share_requests.c.request_id == request_id)).scalar_one()


def grants(settings: Settings, account: Account, today: date | None = None) -> dict[str, Grant]:
    """The datasets ``account`` may receive today: none unless it is an active agency; then the
    default list and its approved, unexpired, unrevoked requests."""
    if account.role != "agency" or account.status != "active":
        return {}
    out = {name: Grant(name, True) for name in default_datasets(settings)}
    for request in list_requests(settings, account=account, status="approved"):
        if request.state(today) == "approved" and request.dataset in all_datasets():
            out.setdefault(request.dataset, Grant(request.dataset, False, request.request_id,
                                                  request.ends_on))
    return dict(sorted(out.items()))


def require_grant(settings: Settings, account: Account, name: str) -> Grant:
    """The live grant of ``name`` to ``account``, or ``NotGranted`` saying so."""
    grant = grants(settings, account).get(name)
    if grant is None:
        raise NotGranted(f"cơ quan {account.unit} chưa được chia sẻ bộ dữ liệu {name!r} "
                         "(gửi yêu cầu trong cổng dữ liệu)")
    return grant
