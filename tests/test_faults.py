"""A story over every fault the fault server can produce, plus good pages, through a real flow run."""

from dataclasses import replace

from flows.compare import compare_story
from storydiff.store import Store

from conftest import write_story
from fault_server import FAULTS

GOOD = [("Example Tribune", "/good/tribune.html"), ("Metro Bulletin", "/good/metro.html"),
        ("Capital Morning Post", "/good/capital.html")]


def test_every_fault_is_recorded_and_the_good_pages_still_compared(fault_server, settings, tmp_path):
    base, _ = fault_server
    fetch = replace(settings.fetch, max_bytes=2_000_000, total_timeout_s=1, retries=1, backoff_s=0.01,
                    allow_private_networks=False, trusted_networks=("127.0.0.1/32",))
    settings = replace(settings, fetch=fetch)
    clean = write_story(tmp_path / "clean.toml", "faults", [(o, base + p) for o, p in GOOD])
    compare_story(str(clean), settings)
    with Store.open(settings.db_path, read_only=True) as store:
        pages_before = {r[0] for r in store.con.sql("SELECT sha256 FROM pages").fetchall()}
        embeddings_before = store.con.sql("SELECT count(*) FROM embeddings").fetchall()[0][0]

    faulty = [(f"Outlet {path}", base + path) for path in FAULTS]
    story = write_story(tmp_path / "faults.toml", "faults", [(o, base + p) for o, p in GOOD] + faulty)
    summary = compare_story(str(story), settings)

    with Store.open(settings.db_path, read_only=True) as store:
        recorded = dict(store.con.sql("SELECT outlet, status FROM articles WHERE story_id = 'faults'").fetchall())
        truncation = store.con.sql(
            "SELECT truncation FROM articles WHERE outlet = 'Outlet /paywall'").fetchall()[0][0]
        claims = store.frame("claims_of_story", ["faults"])
        pages_after = {r[0] for r in store.con.sql("SELECT sha256 FROM pages").fetchall()}
        embeddings_after = store.con.sql("SELECT count(*) FROM embeddings").fetchall()[0][0]
    print("\nfault -> recorded status")
    for path in FAULTS:
        print(f"  {path:<20} {recorded[f'Outlet {path}']}")
    for path, expected in FAULTS.items():
        assert recorded[f"Outlet {path}"].startswith(expected), (path, recorded[f"Outlet {path}"])
    assert [recorded[o] for o, _ in GOOD] == ["ok"] * 3
    assert summary.articles == len(GOOD) + len(FAULTS)
    assert summary.failed == sum(1 for s in FAULTS.values() if s not in ("ok", "truncated"))
    assert truncation.startswith("paywall")
    statuses = dict(zip(claims["text"], claims["status"]))
    assert statuses["Four thieves took part in the raid, according to the Paris prosecutor's office."] == "contradicted"
    # the paywalled article's readable lines are compared like any other
    assert any(s == "shared" and "escaped on motor scooters" in t for t, s in statuses.items())
    # what only one complete article says might be in the paywalled part: not called unique
    assert "possibly-shared" in statuses.values() and "unique" not in statuses.values()
    assert pages_before <= pages_after and embeddings_before <= embeddings_after

    html = (settings.report_dir / "faults.html").read_text(encoding="utf-8")
    assert "could only be read in part" in html and "possibly shared" in html
    for path, expected in FAULTS.items():
        if expected not in ("ok", "truncated"):
            assert f"Outlet {path}" in html
