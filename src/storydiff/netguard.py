"""Which addresses storydiff may connect to.

Story files name URLs found on the open web; a URL (or a redirect) that resolves to this
machine, the local network or a cloud metadata service would turn storydiff against the network
it runs in. The check runs on the addresses DNS returns, at connection time, for every
connection httpx opens (first request and every redirect), and the connection goes to the very
address that was checked, so DNS cannot answer differently in between.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable

import httpcore
import httpx

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class BlockedAddressError(Exception):
    """A host resolved to an address the policy refuses (internal: fetch turns it into FetchError)."""

    def __init__(self, host: str, address: str):
        super().__init__(f"{host} resolves to {address}")
        self.host = host
        self.address = address


class AddressPolicy:
    """Public addresses only, unless private networks are allowed or a network is trusted."""

    def __init__(self, allow_private_networks: bool = False, trusted_networks: Iterable[str] = ()):
        self.allow_private_networks = allow_private_networks
        self.trusted = [ipaddress.ip_network(n, strict=False) for n in trusted_networks]

    def allows(self, address: Address) -> bool:
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
            address = address.ipv4_mapped
        if self.allow_private_networks or any(address in n for n in self.trusted):
            return True
        # is_global is False for loopback, RFC 1918, link-local (169.254.169.254, the metadata
        # service), carrier-grade NAT, unique-local IPv6, documentation and reserved ranges.
        return address.is_global and not address.is_multicast


class GuardedBackend(httpcore.NetworkBackend):
    """httpcore's network backend, resolving names itself and refusing what the policy refuses."""

    def __init__(self, policy: AddressPolicy):
        self.policy = policy
        self.inner = httpcore.SyncBackend()

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as exc:
            raise httpcore.ConnectError(f"cannot resolve {host} ({exc})") from None
        addresses = list(dict.fromkeys(ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos))
        for address in addresses:
            if not self.policy.allows(address):  # one bad answer is enough: DNS picks, not us
                raise BlockedAddressError(host, str(address))
        return self.inner.connect_tcp(str(addresses[0]), port, timeout, local_address, socket_options)

    def connect_unix_socket(self, path, timeout=None, socket_options=None):
        raise httpcore.ConnectError("unix sockets are not used by storydiff")

    def sleep(self, seconds: float) -> None:
        self.inner.sleep(seconds)


def guarded_transport(policy: AddressPolicy) -> httpx.HTTPTransport:
    transport = httpx.HTTPTransport(retries=0)
    # HTTPTransport takes no network backend argument; its pool is rebuilt with ours.
    # tests/test_fetch.py fails if this stops taking effect (a name resolving to 127.0.0.1 is refused).
    transport._pool = httpcore.ConnectionPool(
        ssl_context=httpx.create_ssl_context(), max_connections=16, network_backend=GuardedBackend(policy))
    return transport
