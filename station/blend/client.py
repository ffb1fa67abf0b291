"""Blocking HTTP client of the Blend REST API (paths under ``/api/v1``).

One ``httpx.Client`` is reused for every request, because building one costs an SSL context (about
21 ms against 0.65 ms for a loopback GET). The client is safe to call from several worker threads: httpx
pools connections across threads, and a lock guards the tokens.

Retries: read-only GETs retry once after a connection failure or a 429. Every request is resent once
after a 401, with a refreshed access token, because the server rejected it before doing anything. The
quantity PATCH is never resent after a timeout, a dropped connection or a 5xx, because Blend may have
applied it. The caller (the ledger) settles that by reading the lot back.
"""

from __future__ import annotations

import base64
import json
import logging
import re
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from types import TracebackType
from typing import Any, NoReturn, TypeVar
from urllib.parse import quote, urljoin, urlsplit

import httpx
from pydantic import BaseModel, ValidationError

from station import __version__
from station.blend.errors import (
    BlendError,
    NotFound,
    ProtocolError,
    RateLimited,
    Rejected,
    Unauthorized,
    Unavailable,
)
from station.blend.models import (
    PRODUCT_KINDS,
    Associations,
    Barcode,
    InventoryGroups,
    LoginResponse,
    Lot,
    Product,
    ProductGroups,
    RefreshResponse,
    User,
    VerifyResponse,
)
from station.i18n import tr

log = logging.getLogger(__name__)

API_PREFIX = "/api/v1"
# Blend documents a 60-minute access token; the login reply's expires_at is the refresh token's expiry.
ACCESS_TOKEN_LIFETIME = 3600.0
REFRESH_MARGIN = 60.0  # seconds before expiry at which the access token is refreshed
RETRY_BACKOFF = 0.5  # seconds before the one retry of a GET after a connection failure
MAX_RETRY_AFTER = 5.0  # longest 429 Retry-After (seconds) a GET waits out before its retry
MAX_PAGES = 100  # pages followed for one list; Blend documents no paging for these lists
PAGE_ENVELOPE_KEYS = ("items", "results", "data")
KIND_KEYS = ("type", "kind", "product_type", "result_type")
# Statuses of gateways and proxies: the upstream may have applied the request before the gateway gave up.
GATEWAY_STATUSES = frozenset({502, 503, 504})
# Wordings of a validation error against negative numbers (pydantic, Joi, Rails and others). The
# sandbox's "would go below zero" message does not match, because it is about the result.
_NEGATIVE_REFUSAL = re.compile(
    r"negative|positive|greater than or equal to 0|greater_than_equal|>=\s*0|at least 0|at least 1"
    r"|must be (?:>|greater)|minimum", re.IGNORECASE)
_LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})

ModelT = TypeVar("ModelT", bound=BaseModel)


class BlendClient:
    """Sign in to Blend, read inventory lots, products and barcodes, and adjust lot quantities.

    ``base_url`` is the API root such as ``https://api.byblend.com`` or ``http://127.0.0.1:8765``.
    ``transport`` replaces httpx's network transport (tests). Timeouts are in seconds. ``clock`` returns
    epoch seconds and decides when the access token is due for a refresh.
    """

    def __init__(self, base_url: str, *, transport: httpx.BaseTransport | None = None,
                 connect_timeout: float = 5.0, read_timeout: float = 15.0,
                 clock: Callable[[], float] = time.time):
        self.base_url = base_url.strip().rstrip("/")
        parts = urlsplit(self.base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"invalid Blend API root {base_url!r}: expected http(s)://HOST[:PORT]")
        if parts.scheme == "http" and parts.hostname not in _LOOPBACK_HOSTS:
            log.warning("The Blend API root %s is plain HTTP: tokens and passwords travel unencrypted", self.base_url)
        self._origin = (parts.scheme, parts.netloc)
        verify: ssl.SSLContext | bool = True
        if parts.scheme == "https" and transport is None:
            import truststore  # the OS certificate store, so a pharmacy's TLS-inspecting proxy CA is trusted

            verify = truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        self._http = httpx.Client(
            base_url=self.base_url,
            transport=transport,
            timeout=httpx.Timeout(read_timeout, connect=connect_timeout),
            verify=verify,
            # A loopback sandbox must never go through the system proxy.
            trust_env=parts.hostname not in _LOOPBACK_HOSTS,
            headers={"Accept": "application/json", "User-Agent": f"scan-station/{__version__}"},
        )
        self._clock = clock
        self._sleep: Callable[[float], None] = time.sleep
        self._lock = threading.RLock()
        self._access_token: str | None = None
        self._access_expires_at = 0.0  # on self._clock's scale
        self._access_margin = REFRESH_MARGIN
        self._refresh_token: str | None = None
        self.user: User | None = None

    # --- tokens --------------------------------------------------------------------------------------

    @property
    def refresh_token(self) -> str | None:
        """The refresh token; the UI stores it in the OS keychain and sets it back on the next start."""
        return self._refresh_token

    @refresh_token.setter
    def refresh_token(self, value: str | None) -> None:
        with self._lock:
            if value != self._refresh_token:
                self._refresh_token = value
                self._access_token = None

    @property
    def signed_in(self) -> bool:
        return self._access_token is not None or self._refresh_token is not None

    def _store_access_token(self, token: str) -> None:
        """Keep ``token`` and work out when it expires on this client's clock.

        The lifetime comes from the JWT's ``exp - iat`` when both claims are there, so that a skewed
        server clock does not matter. With only ``exp`` it is ``exp`` itself, else the documented 60 minutes.
        """
        now = self._clock()
        claims = _jwt_claims(token)
        exp, iat = claims.get("exp"), claims.get("iat")
        if isinstance(exp, int | float) and isinstance(iat, int | float) and exp > iat:
            lifetime = float(exp - iat)
            expires_at = now + lifetime
        elif isinstance(exp, int | float):
            lifetime = max(float(exp) - now, 0.0)
            expires_at = float(exp)
        else:
            lifetime = ACCESS_TOKEN_LIFETIME
            expires_at = now + lifetime
        self._access_token = token
        self._access_expires_at = expires_at
        # Short test lifetimes would otherwise be due for a refresh from the moment they are issued.
        self._access_margin = min(REFRESH_MARGIN, lifetime / 10)

    def _fresh_access_token(self) -> str:
        """Return an access token that is not close to expiry, refreshing it first when it is."""
        with self._lock:
            due = self._access_token is None or self._clock() >= self._access_expires_at - self._access_margin
            if due:
                if self._refresh_token is None:
                    if self._access_token is None:
                        raise Unauthorized(tr("Not signed in to Blend: sign in first."))
                    return self._access_token
                try:
                    self.refresh()
                except Unauthorized:
                    # The refresh token has expired; an access token that is still valid can finish its hour.
                    if self._access_token is None or self._clock() >= self._access_expires_at:
                        raise
            assert self._access_token is not None
            return self._access_token

    def _refresh_after_401(self, rejected_token: str) -> str:
        """Refresh once after a 401 unless another thread already replaced the rejected token."""
        with self._lock:
            if self._access_token is not None and self._access_token != rejected_token:
                return self._access_token
            if self._refresh_token is None:
                raise Unauthorized(tr("Blend rejected the access token and there is no refresh token: "
                                      "sign in again."), status=401)
            log.info("Access token rejected with 401; refreshing it once")
            self.refresh()
            assert self._access_token is not None
            return self._access_token

    # --- authentication ------------------------------------------------------------------------------

    def login(self, email: str, password: str) -> User:
        """Sign in with e-mail and password; keep both tokens and return the user."""
        path = "/auth/login"
        response = self._send("POST", path, json={"email": email, "password": password}, token=None,
                              retry=False, action=tr("signing in"))
        if response.status_code in (401, 403):
            raise Unauthorized(
                tr("Sign-in failed: Blend rejected the e-mail or password for {email} ({reason}). "
                   "Check them and try again.").format(email=email, reason=_server_message(response) or
                                                       response.status_code),
                status=response.status_code, server_message=_server_message(response))
        reply = self._parse(LoginResponse, self._ok_json(response, "POST", path, tr("signing in")), "POST", path)
        with self._lock:
            self._refresh_token = reply.refresh_token
            self._store_access_token(reply.access_token)
        user = reply.user
        if user is None:  # the docs show the user in the reply, but verify returns it too
            user = self.verify().user
        self.user = user
        log.info("Signed in to %s", self.base_url)
        return user  # type: ignore[return-value]

    def sign_in_with_refresh_token(self, refresh_token: str) -> User:
        """Resume a session from a stored refresh token: refresh, then verify; return the user."""
        self.refresh_token = refresh_token
        self.refresh()
        reply = self.verify()
        if reply.user is None:
            raise ProtocolError(tr("Blend's reply to GET {path} has no user.").format(
                path=API_PREFIX + "/auth/verify"))
        return reply.user

    def refresh(self) -> None:
        """Get a new access token with the refresh token (sent as the bearer, as Blend requires)."""
        path = "/auth/refresh"
        with self._lock:
            refresh_token = self._refresh_token
            if refresh_token is None:
                raise Unauthorized(tr("No Blend session to refresh: sign in first."))
            response = self._send("POST", path, token=refresh_token, retry=True, action=tr("refreshing the session"))
            if response.status_code in (401, 403):
                raise Unauthorized(
                    tr("The Blend session has expired or was revoked ({reason}): sign in again.").format(
                        reason=_server_message(response) or response.status_code),
                    status=response.status_code, server_message=_server_message(response))
            data = self._ok_json(response, "POST", path, tr("refreshing the session"))
            self._store_access_token(self._parse(RefreshResponse, data, "POST", path).access_token)

    def verify(self) -> VerifyResponse:
        """Check the access token with Blend and update ``user`` from the reply."""
        path = "/auth/verify"
        reply = self._parse(VerifyResponse, self._get_json(path, tr("checking the session")), "GET", path)
        if not reply.valid:
            raise Unauthorized(tr("Blend reports the session as invalid: sign in again."))
        if reply.user is not None:
            self.user = reply.user
        return reply

    # --- inventory -----------------------------------------------------------------------------------

    def list_inventory(self) -> list[Lot]:
        """Return every inventory lot once (the grouped list, a bare list, or pages of either)."""
        path = "/products/inventory"
        lots: list[Lot] = []
        seen: set[str] = set()
        for page in self._pages(path, tr("loading the inventory")):
            for lot in self._lots_from(page, path):
                if lot.id is None or lot.id not in seen:
                    lots.append(lot)
                    if lot.id is not None:
                        seen.add(lot.id)
        return lots

    def get_lot(self, lot_id: str) -> Lot:
        path = f"/products/inventory/{_segment(lot_id)}"
        lot = self._parse(Lot, self._get_json(path, tr("loading lot {lot_id}").format(lot_id=lot_id)), "GET", path)
        if lot.id is None:
            lot.id = lot_id
        return lot

    def get_associations(self, lot_id: str) -> Associations:
        path = f"/products/inventory/{_segment(lot_id)}/associations"
        action = tr("loading the products of lot {lot_id}").format(lot_id=lot_id)
        return self._parse(Associations, self._get_json(path, action), "GET", path)

    def adjust_quantity(self, lot_id: str, delta: int) -> Lot:
        """Add ``delta`` (negative to take stock out) to the lot's quantity; return the updated lot.

        Sent once: a timeout, a dropped connection or a gateway 5xx raises
        ``Unavailable(maybe_applied=True)``, and only a 401 is retried (after a token refresh).
        """
        if isinstance(delta, bool) or not isinstance(delta, int):
            raise TypeError(f"delta must be an int, got {delta!r}")
        path = f"/products/inventory/{_segment(lot_id)}/quantity"
        action = tr("changing lot {lot_id} by {delta:+d}").format(delta=delta, lot_id=lot_id)
        try:
            response = self._authorized("PATCH", path, json={"additional_quantity": delta}, retry=False,
                                        action=action, changes_data=True)
            data = self._ok_json(response, "PATCH", path, action)
        except Rejected as exc:
            reason = exc.server_message or f"HTTP {exc.status}"
            if delta < 0 and _NEGATIVE_REFUSAL.search(reason):
                message = tr("Blend refused a negative quantity change: {reason}. Lot {lot_id} was not "
                             "changed; Blend may accept only additions.").format(reason=reason, lot_id=lot_id)
            else:
                message = tr("Blend rejected the change of {delta:+d} to lot {lot_id}: {reason}").format(
                    delta=delta, lot_id=lot_id, reason=reason)
            raise Rejected(message, status=exc.status, server_message=exc.server_message) from exc
        lot = self._parse(Lot, data, "PATCH", path)
        if lot.id is None:
            lot.id = lot_id
        return lot

    # --- barcodes ------------------------------------------------------------------------------------

    def verify_barcode(self, value: str) -> Barcode:
        """Resolve a Blend barcode value to its entity; NotFound for an unknown value, Rejected when
        the barcode is inactive or expired."""
        path = "/barcodes/verify"
        action = tr("looking up the Blend barcode")
        response = self._authorized("POST", path, json={"barcode_value": value}, retry=False, action=action)
        if response.status_code == 404:
            raise NotFound(tr("No Blend barcode has this value. Check that the label was printed by Blend."),
                           status=404, server_message=_server_message(response))
        if response.status_code in (410, 422):
            raise Rejected(tr("This Blend barcode is inactive or expired ({reason}). Print a new label.").format(
                reason=_server_message(response) or response.status_code),
                status=response.status_code, server_message=_server_message(response))
        return self._parse(Barcode, self._ok_json(response, "POST", path, action), "POST", path)

    def create_barcode(self, entity_type: str, entity_id: str) -> Barcode:
        path = f"/barcodes/{_segment(entity_type)}/{_segment(entity_id)}"
        action = tr("creating a barcode for {entity_type} {entity_id}").format(entity_type=entity_type,
                                                                              entity_id=entity_id)
        # Not retried: every POST creates another barcode.
        response = self._authorized("POST", path, retry=False, action=action, changes_data=True)
        return self._parse(Barcode, self._ok_json(response, "POST", path, action), "POST", path)

    # --- products ------------------------------------------------------------------------------------

    def list_products(self) -> ProductGroups:
        """Return the products by kind, from the grouped list or, for a flat list, by each item's kind."""
        path = "/products"
        action = tr("loading the products")
        groups = ProductGroups()
        for page in self._pages(path, action):
            if isinstance(page, dict) and any(kind in page for kind in PRODUCT_KINDS):
                parsed = self._parse(ProductGroups, page, "GET", path)
                for kind in PRODUCT_KINDS:
                    getattr(groups, kind).extend(getattr(parsed, kind))
            elif isinstance(page, list) and all(_item_kind(item) for item in page):
                for index, item in enumerate(page):
                    item_kind = _item_kind(item)
                    assert item_kind is not None
                    getattr(groups, item_kind).append(self._parse(Product, item, "GET", f"{path}[{index}]"))
            elif isinstance(page, list):
                # A flat list without kinds: ask each kind's own list instead.
                return self._list_products_by_kind()
            else:
                self._protocol_error("GET", path, tr("expected products grouped by kind or a list of products"))
        return groups

    def search_products(self, query: str, limit: int = 50) -> list[Product]:
        """Return products whose name or SKU contains ``query``, best match first (``rank`` and
        ``result_type`` are kept as extra fields). Blend caps ``limit`` at 100."""
        path = "/search/products"
        params = {"q": query, "limit": max(1, min(int(limit), 100))}
        data = self._get_json(path, tr("searching the products"), params)
        results = data.get("results") if isinstance(data, dict) else data
        if not isinstance(results, list):
            self._protocol_error("GET", path, tr("expected {key} to be a list").format(key="results"))
        return [self._parse(Product, item, "GET", f"{path}[{index}]") for index, item in enumerate(results)]

    def _list_products_by_kind(self) -> ProductGroups:
        groups = ProductGroups()
        for kind in PRODUCT_KINDS:
            path = f"/products/{kind}"
            for page in self._pages(path, tr("loading the products")):
                if not isinstance(page, list):
                    self._protocol_error("GET", path, tr("expected a list of products"))
                getattr(groups, kind).extend(
                    self._parse(Product, item, "GET", f"{path}[{index}]") for index, item in enumerate(page))
        return groups

    # --- lifecycle -----------------------------------------------------------------------------------

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> BlendClient:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    # --- requests ------------------------------------------------------------------------------------

    def _get_json(self, path: str, action: str, params: dict[str, Any] | None = None) -> Any:
        response = self._authorized("GET", path, params=params, retry=True, action=action)
        return self._ok_json(response, "GET", path, action)

    def _authorized(self, method: str, path: str, *, json: Any = None, params: dict[str, Any] | None = None,
                    retry: bool, action: str, changes_data: bool = False) -> httpx.Response:
        """Send with the access token; after a 401, refresh once and send once more."""
        token = self._fresh_access_token()
        response = self._send(method, path, json=json, params=params, token=token, retry=retry, action=action,
                              changes_data=changes_data)
        if response.status_code == 401:
            token = self._refresh_after_401(token)
            response = self._send(method, path, json=json, params=params, token=token, retry=retry, action=action,
                                  changes_data=changes_data)
        return response

    def _send(self, method: str, path: str, *, json: Any = None, params: dict[str, Any] | None = None,
              token: str | None, retry: bool, action: str, changes_data: bool = False) -> httpx.Response:
        """Send one request, plus one retry after a connection failure or a 429 when ``retry`` is set.

        Transport failures become ``Unavailable``; every HTTP status is returned to the caller. Set
        ``changes_data`` for a request that changes data in Blend, so that a timeout or a broken
        connection warns that Blend may still have applied it.
        """
        url = path if path.startswith(("http://", "https://")) else API_PREFIX + path
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        for attempt in (1, 2):
            started = time.perf_counter()
            try:
                response = self._http.request(method, url, json=json, params=params, headers=headers)
            except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
                # Nothing reached the server.
                log.warning("%s %s failed to connect (attempt %d): %s", method, url, attempt, exc)
                if retry and attempt == 1:
                    self._sleep(RETRY_BACKOFF)
                    continue
                raise Unavailable(tr("Cannot reach Blend at {url} while {action}: {error}. Check the network "
                                     "connection and try again.").format(url=self.base_url, action=action,
                                                                         error=_describe(exc)),
                                  maybe_applied=False) from exc
            except httpx.TimeoutException as exc:
                log.warning("%s %s timed out after %.0f ms: %s", method, url,
                            (time.perf_counter() - started) * 1000, exc.__class__.__name__)
                message = tr("The request to Blend timed out while {action}.").format(action=action)
                if changes_data:
                    message += " " + tr("Blend may still have applied it.")
                raise Unavailable(message, maybe_applied=True) from exc
            except httpx.TransportError as exc:
                # The request went out and the connection broke before the whole response arrived.
                log.warning("%s %s: connection lost: %s", method, url, _describe(exc))
                message = tr("The connection to Blend broke while {action} ({error}).").format(
                    action=action, error=_describe(exc))
                if changes_data:
                    message += " " + tr("Blend may still have applied the request.")
                raise Unavailable(message, maybe_applied=True) from exc
            elapsed_ms = (time.perf_counter() - started) * 1000
            level = logging.DEBUG if response.is_success else logging.INFO
            log.log(level, "%s %s -> %d in %.0f ms", method, url, response.status_code, elapsed_ms)
            if response.status_code == 429 and retry and attempt == 1:
                wait = _retry_after(response)
                if wait is None or wait <= MAX_RETRY_AFTER:
                    log.info("Rate limited on %s %s; retrying once in %.1f s", method, url, wait or RETRY_BACKOFF)
                    self._sleep(wait if wait is not None else RETRY_BACKOFF)
                    continue
            return response
        raise AssertionError("unreachable")  # pragma: no cover

    def _ok_json(self, response: httpx.Response, method: str, path: str, action: str) -> Any:
        """Return the JSON body of a 2xx response; raise the matching BlendError for any other status."""
        if not response.is_success:
            self._raise_for_status(response, method, action)
        try:
            return response.json()
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            self._protocol_error(method, path, tr("the body is not JSON ({error})").format(error=exc))

    def _raise_for_status(self, response: httpx.Response, method: str, action: str) -> NoReturn:
        status = response.status_code
        message = _server_message(response)
        reason = message or f"HTTP {status}"
        if status == 404:
            raise NotFound(tr("Not found in Blend while {action} ({reason}). Check the id, or reload the "
                              "inventory.").format(action=action, reason=reason), status=status, server_message=message)
        if status in (401, 403):
            raise Unauthorized(tr("Blend denied access while {action} ({reason}): sign in again, or ask an "
                                  "administrator for access.").format(action=action, reason=reason),
                               status=status, server_message=message)
        if status == 429:
            retry_after = _retry_after(response)
            raise RateLimited(tr("Blend is limiting requests (HTTP 429) while {action}: try again in {seconds} s.")
                              .format(action=action, seconds=f"{retry_after:g}" if retry_after else "a few"),
                              retry_after=retry_after, status=status, server_message=message)
        if status >= 500:
            # A 5xx from the application means it failed before committing; a gateway status (502, 503,
            # 504) can come from a proxy that gave up on a server still working on the request.
            maybe_applied = method not in ("GET", "HEAD") and status in GATEWAY_STATUSES
            if message:
                text = tr("Blend answered with a server error (HTTP {status}) while {action}: {reason}. Try again "
                          "later.").format(status=status, action=action, reason=message.rstrip().rstrip("."))
            else:
                text = tr("Blend answered with a server error (HTTP {status}) while {action}. Try again later.").format(
                    status=status, action=action)
            raise Unavailable(text, maybe_applied=maybe_applied, status=status, server_message=message)
        raise Rejected(tr("Blend rejected {action}: {reason}").format(action=action, reason=reason),
                       status=status, server_message=message)

    def _parse(self, model: type[ModelT], data: Any, method: str, path: str) -> ModelT:
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            first = exc.errors()[0]
            field = ".".join(str(part) for part in first.get("loc", ())) or tr("(body)")
            self._protocol_error(method, path, tr("field {field}: {problem}").format(field=field,
                                                                                   problem=first.get("msg")))

    def _protocol_error(self, method: str, path: str, problem: str) -> NoReturn:
        where = path if path.startswith("http") else API_PREFIX + path
        log.error("Unexpected reply to %s %s: %s", method, where, problem)
        raise ProtocolError(tr("Blend sent an unexpected reply to {method} {path}: {problem}. The Blend API may "
                               "have changed; report this with the log.").format(method=method, path=where,
                                                                                 problem=problem))

    # --- lists and pages -----------------------------------------------------------------------------

    def _pages(self, path: str, action: str) -> Iterator[Any]:
        """Yield the content of each page of a list: the body itself, or the list inside a page envelope.

        Blend documents no paging for inventory and announced an undocumented one for products, so a
        ``next`` link (same origin only, because the request carries the token) or ``page``/``total_pages``
        numbers are followed when a reply has them.
        """
        data = self._get_json(path, action)
        for _ in range(MAX_PAGES):
            if not isinstance(data, dict):
                yield data
                return
            key = next((key for key in PAGE_ENVELOPE_KEYS if key in data), None)
            if key is None:
                yield data
                return
            yield data[key]
            next_request = self._next_page(data, path)
            if next_request is None:
                return
            next_path, params = next_request
            data = self._get_json(next_path, action, params)
        log.warning("Stopped reading %s after %d pages", path, MAX_PAGES)

    def _next_page(self, envelope: dict[str, Any], path: str) -> tuple[str, dict[str, Any] | None] | None:
        links = envelope.get("links")
        link = envelope.get("next") or envelope.get("next_page_url") or (
            links.get("next") if isinstance(links, dict) else None)
        if isinstance(link, str) and link:
            absolute = urljoin(self.base_url + API_PREFIX + path, link)
            parts = urlsplit(absolute)
            if (parts.scheme, parts.netloc) != self._origin:
                log.warning("Ignoring a next-page link to another host: %s://%s", parts.scheme, parts.netloc)
                return None
            return absolute, None
        page, total = envelope.get("page"), envelope.get("total_pages") or envelope.get("pages")
        if isinstance(page, int) and isinstance(total, int) and page < total:
            return path, {"page": page + 1}
        return None

    def _lots_from(self, page: Any, path: str) -> list[Lot]:
        if isinstance(page, list):
            return [self._parse(Lot, item, "GET", f"{path}[{index}]") for index, item in enumerate(page)]
        if isinstance(page, dict) and any(kind in page for kind in PRODUCT_KINDS):
            return self._parse(InventoryGroups, page, "GET", path).all_lots()
        self._protocol_error("GET", path, tr("expected lots grouped by kind or a list of lots"))


# --- helpers ---------------------------------------------------------------------------------------


def _segment(value: str) -> str:
    """Quote one path segment, so an id with a slash or a space cannot change the path."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"invalid id {value!r}: expected a non-empty string")
    return quote(value.strip(), safe="")


def _jwt_claims(token: str) -> dict[str, Any]:
    """Decode a JWT's payload without checking the signature (only the server can); {} if not a JWT."""
    parts = token.split(".")
    if len(parts) != 3:
        return {}
    try:
        payload = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except (ValueError, UnicodeDecodeError):
        return {}
    return payload if isinstance(payload, dict) else {}


def _server_message(response: httpx.Response) -> str | None:
    """Return the error text from ``detail`` (a string or FastAPI's list of ``{"msg"}``), ``message`` or
    ``error``, else a short plain-text body."""
    try:
        body = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        text = response.text.strip()
        return text[:200] if text and "<html" not in text[:100].lower() else None
    if not isinstance(body, dict):
        return None
    for key in ("detail", "message", "error", "error_description"):
        value = body.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
        if isinstance(value, list) and value:
            parts = []
            for item in value:
                if isinstance(item, dict) and item.get("msg"):
                    location = ".".join(str(p) for p in item.get("loc", ()) if p != "body")
                    parts.append(f"{location}: {item['msg']}" if location else str(item["msg"]))
                elif isinstance(item, str):
                    parts.append(item)
            if parts:
                return "; ".join(parts)
        if isinstance(value, dict):
            nested = value.get("message") or value.get("detail")
            if isinstance(nested, str) and nested.strip():
                return nested.strip()
    return None


def _retry_after(response: httpx.Response) -> float | None:
    """Return Retry-After in seconds (numeric form only; an HTTP date gives None)."""
    value = response.headers.get("Retry-After")
    try:
        seconds = float(value) if value is not None else None
    except ValueError:
        return None
    return seconds if seconds is not None and seconds >= 0 else None


def _item_kind(item: Any) -> str | None:
    if not isinstance(item, dict):
        return None
    for key in KIND_KEYS:
        if item.get(key) in PRODUCT_KINDS:
            return str(item[key])
    return None


def _describe(exc: Exception) -> str:
    """Return the error text without a closing period, to embed it in a message of our own."""
    return str(exc).rstrip().rstrip(".") or exc.__class__.__name__


__all__ = ["BlendClient", "BlendError"]
