"""The fetcher against real HTTP servers on 127.0.0.1 (conftest's and the fault server)."""

import time
from dataclasses import replace

import pytest

from storydiff.errors import FetchError, TransientFetchError
from storydiff.fetch import Fetcher, decode_html, fetch_page
from storydiff.netguard import AddressPolicy

from conftest import FAST_FETCH
from fault_server import FAULTS

# Trusts only the test server's own address, so a redirect to any other private one is refused.
FAULTY = replace(FAST_FETCH, max_bytes=2_000_000, total_timeout_s=1, retries=1, backoff_s=0.01,
                 allow_private_networks=False, trusted_networks=("127.0.0.1/32",))


def test_fetches_html_over_http_with_our_user_agent(http_server):
    base, handler = http_server
    page = fetch_page(f"{base}/articles/wire.html", FAST_FETCH)
    assert page.content_type == "text/html"
    assert "Northwind Wire" in page.html
    assert len(page.sha256) == 64
    agent = handler.seen_user_agents[-1]
    assert agent.startswith("storydiff/") and "+https://" in agent


@pytest.mark.parametrize("path", [p for p, status in FAULTS.items() if status not in ("ok", "truncated")])
def test_each_fault_fails_with_its_reason(fault_server, path):
    base, _ = fault_server
    with pytest.raises(FetchError) as info:
        fetch_page(base + path, FAULTY)
    assert info.value.reason.startswith(FAULTS[path]), info.value.reason
    assert str(info.value).startswith(base + path + ": ")  # the one-line error names the URL


def test_local_addresses_are_refused_unless_allowed(http_server):
    base, _ = http_server
    refused = replace(FAST_FETCH, allow_private_networks=False)
    for url in (f"{base}/articles/wire.html", base.replace("127.0.0.1", "localhost") + "/articles/wire.html"):
        with pytest.raises(FetchError, match="refused: .* resolves to 127.0.0.1, not a public address"):
            fetch_page(url, refused)
    trusted = replace(refused, trusted_networks=("127.0.0.0/8",))
    assert "Northwind Wire" in fetch_page(f"{base}/articles/wire.html", trusted).html


def test_address_policy():
    import ipaddress

    public_only = AddressPolicy()
    for address in ("127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1",
                    "0.0.0.0", "::1", "fe80::1", "fd00:ec2::254", "::ffff:127.0.0.1", "224.0.0.1"):
        assert not public_only.allows(ipaddress.ip_address(address)), address
    for address in ("93.184.215.14", "2606:4700::6810:84e5"):
        assert public_only.allows(ipaddress.ip_address(address)), address
    assert AddressPolicy(allow_private_networks=True).allows(ipaddress.ip_address("10.1.2.3"))


def test_redirect_to_a_private_address_is_refused_even_from_a_trusted_host(fault_server):
    base, handler = fault_server
    with pytest.raises(FetchError, match="refused: 169.254.169.254"):
        fetch_page(base + "/to-metadata", FAULTY)
    assert "Northwind Wire" in fetch_page(base + "/hop/2", FAULTY).html


def test_redirects_are_limited(fault_server):
    base, _ = fault_server
    assert "Northwind Wire" in fetch_page(base + "/hop/4", FAULTY).html  # 5 redirects
    with pytest.raises(FetchError, match="more than 5 redirects"):
        fetch_page(base + "/hop/5", FAULTY)


def test_retry_after_is_honoured(fault_server):
    base, handler = fault_server
    page = fetch_page(base + "/rate-limited-once", replace(FAULTY, total_timeout_s=5))
    first, second = handler.hit_times["/rate-limited-once"][:2]
    assert second - first >= 0.95  # the server asked for 1 s
    assert "Capital Morning Post" in page.html


def test_server_errors_are_retried_then_reported(fault_server):
    base, handler = fault_server
    before = handler.hits.get("/error500", 0)
    with pytest.raises(TransientFetchError, match="HTTP 500; gave up after 3 attempts"):
        fetch_page(base + "/error500", replace(FAULTY, retries=2))
    assert handler.hits["/error500"] - before == 3


def test_one_request_at_a_time_per_host_with_a_delay(fault_server):
    from concurrent.futures import ThreadPoolExecutor

    base, handler = fault_server
    paths = ["/good/tribune.html", "/good/metro.html", "/good/capital.html", "/good/quotidien.html"]
    with Fetcher(replace(FAULTY, min_host_delay_s=0.2)) as fetcher, ThreadPoolExecutor(4) as pool:
        pages = list(pool.map(lambda p: fetcher.fetch(base + p), paths))
    assert all(p.html for p in pages)
    spans = sorted(handler.spans[p][-1] for p in paths)
    gaps = [next_start - end for (_, end), (next_start, _) in zip(spans, spans[1:])]
    assert min(gaps) >= 0.19, gaps  # one at a time (no overlap), 0.2 s apart (less the server's own timing)


def test_robots_txt_is_read_once_per_host(fault_server):
    base, handler = fault_server
    before = handler.hits.get("/robots.txt", 0)
    with Fetcher(FAULTY) as fetcher:
        fetcher.fetch(base + "/good/wire.html")
        fetcher.fetch(base + "/good/metro.html")
        with pytest.raises(FetchError, match="blocked by robots.txt"):
            fetcher.fetch(base + "/private/leak.html")
    assert handler.hits["/robots.txt"] - before == 1
    assert "/private/leak.html" not in handler.hits


def test_charsets(fault_server):
    base, _ = fault_server
    for path in ("/wrong-charset", "/no-charset"):
        html = fetch_page(base + path, FAULTY).html
        assert "Hélène Marchand" in html and "4 €" in html, path


def test_decode_html_weighs_the_evidence():
    text = "Hélène paid 4 €"
    assert decode_html(text.encode("utf-8"), "iso-8859-1") == text  # valid UTF-8 beats a wrong header
    assert decode_html(text.encode("cp1252"), "windows-1252") == text
    assert decode_html(b"\xef\xbb\xbf" + text.encode("utf-8")) == text
    assert decode_html(text.encode("utf-16")) == text
    assert decode_html(text.encode("cp1252"), "no-such-charset").startswith("H")


def test_slow_drip_ends_at_the_total_timeout(fault_server):
    base, _ = fault_server
    started = time.monotonic()
    with pytest.raises(TransientFetchError, match="timed out after 1s in all"):
        fetch_page(base + "/drip", replace(FAULTY, retries=0))
    assert time.monotonic() - started < 2.5


def test_connection_refused_is_transient():
    with pytest.raises(TransientFetchError, match="connection failed"):
        fetch_page("http://127.0.0.1:9/article", FAST_FETCH)


def test_local_files(tmp_path):
    good = tmp_path / "a.html"
    good.write_text("<html><body><p>Hello</p></body></html>", encoding="utf-8")
    assert "Hello" in fetch_page(str(good), FAST_FETCH).html
    with pytest.raises(FetchError, match="cannot read file"):
        fetch_page(str(tmp_path / "missing.html"), FAST_FETCH)
    binary = tmp_path / "data.bin"
    binary.write_bytes(b"\x00\x01PK not markup")
    with pytest.raises(FetchError, match="not HTML"):
        fetch_page(str(binary), FAST_FETCH)
