import pytest

from storydiff.errors import FetchError, TransientFetchError
from storydiff.fetch import fetch_page
from storydiff.settings import FetchSettings

FAST = FetchSettings(timeout_s=0.5, max_bytes=200_000, retries=0)


def test_fetches_html_over_http_with_our_user_agent(http_server):
    base, handler = http_server
    page = fetch_page(f"{base}/articles/wire.html", FAST)
    assert page.content_type == "text/html"
    assert "Northwind Wire" in page.html
    assert len(page.sha256) == 64
    assert handler.seen_user_agents[-1].startswith("storydiff/")


@pytest.mark.parametrize(
    ("path", "error", "reason"),
    [
        ("/articles/nope.html", FetchError, "HTTP 404"),
        ("/slow", TransientFetchError, "timed out after 0.5s"),
        ("/report.pdf", FetchError, "not HTML (content-type application/pdf)"),
        ("/huge", FetchError, "larger than the 200000-byte limit"),
    ],
)
def test_http_failures_have_a_reason(http_server, path, error, reason):
    base, _ = http_server
    with pytest.raises(error) as info:
        fetch_page(base + path, FAST)
    assert info.value.reason == reason
    assert (error is TransientFetchError) == isinstance(info.value, TransientFetchError)


def test_connection_refused_is_transient():
    with pytest.raises(TransientFetchError, match="connection failed"):
        fetch_page("http://127.0.0.1:9/article", FAST)


def test_local_files(tmp_path):
    good = tmp_path / "a.html"
    good.write_text("<html><body><p>Hello</p></body></html>", encoding="utf-8")
    assert "Hello" in fetch_page(str(good), FAST).html
    with pytest.raises(FetchError, match="cannot read file"):
        fetch_page(str(tmp_path / "missing.html"), FAST)
    binary = tmp_path / "data.bin"
    binary.write_bytes(b"\x00\x01PK not markup")
    with pytest.raises(FetchError, match="not HTML"):
        fetch_page(str(binary), FAST)
