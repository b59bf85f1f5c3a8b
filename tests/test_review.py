"""`kg review` and `kg report` in a real headless browser (Debian's Chromium through Selenium):
highlighted spans match the graph's mentions, a retraction lands in curation/ and is replayed by
`kg build`, a rejected edit shows its message and writes nothing, --read-only has no writing
action. The tests save screenshots (docs/screenshots/ when KG_SCREENSHOTS names it).

The browser is installed by .ci/run; without it these tests skip, unless KG_REQUIRE_BROWSER is
set (as CI sets it), when they fail.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from werkzeug.serving import make_server

from kg.guard import free_port
from kg.namespaces import PRK
from kg.pipeline import build
from kg.report import write_report
from kg.review import create_app
from tests.conftest import SEEDS

CHROMIUM, DRIVER = shutil.which("chromium"), shutil.which("chromedriver")
if not (CHROMIUM and DRIVER):
    if os.environ.get("KG_REQUIRE_BROWSER"):
        raise RuntimeError("KG_REQUIRE_BROWSER is set but chromium/chromedriver are missing")
    pytest.skip("Chromium and ChromeDriver are not installed", allow_module_level=True)

webdriver = pytest.importorskip("selenium.webdriver")
from selenium.common.exceptions import (  # noqa: E402
    StaleElementReferenceException,
    WebDriverException,
)
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.expected_conditions import staleness_of  # noqa: E402
from selenium.webdriver.support.wait import WebDriverWait  # noqa: E402

DOC = "002_7d2088a3fdb730a7"
CLAIM = "8587380abd1d1c95"
SHOTS = Path(os.environ.get("KG_SCREENSHOTS", "")) if os.environ.get("KG_SCREENSHOTS") else None


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1280,1600",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(DRIVER))
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


def serve(graph: Path, curation: Path, read_only: bool = False) -> tuple[str, object]:
    app = create_app(graph, curation, read_only=read_only)
    port = free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{port}", server


@pytest.fixture()
def workspace(seed_file: Path, tmp_path: Path) -> Iterator[tuple[str, Path, Path]]:
    graph = tmp_path / "graph.nt"
    shutil.copy(seed_file, graph)
    curation = tmp_path / "curation"
    url, server = serve(graph, curation)
    yield url, graph, curation
    server.shutdown()  # type: ignore[attr-defined]


def shot(driver: object, name: str) -> None:
    if SHOTS is not None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(SHOTS / name))  # type: ignore[attr-defined]


def set_curator(driver: object, name: str) -> None:
    """Set the curator's name once, in the page header, as a curator does."""
    header = driver.find_element(By.ID, "curator-form")  # type: ignore[attr-defined]
    field = header.find_element(By.NAME, "curator")
    field.clear()
    field.send_keys(name)
    header.find_element(By.TAG_NAME, "button").click()
    WebDriverWait(driver, 20).until(staleness_of(header))  # the page has reloaded …
    # Chrome may report a node replaced by the reload as "Node with given id does not belong to
    # the document" (a plain WebDriverException, seen under load in CI): poll again, as for stale.
    reloaded = (StaleElementReferenceException, WebDriverException)
    WebDriverWait(driver, 20, ignored_exceptions=reloaded).until(
        # … with the name the session now holds
        lambda d: (
            d.find_element(By.CSS_SELECTOR, "#curator-form input[name=curator]").get_attribute(
                "value"
            )
            == name
        )
    )


def outermost_mentions(graph: Graph, doc: str) -> set[str]:
    """Mentions of ``doc`` not inside a longer mention: the ones the page can highlight."""
    rows = graph.query(
        """SELECT ?m ?b ?e WHERE { ?m a prk:Mention ; nif:referenceContext ?d ;
           nif:beginIndex ?b ; nif:endIndex ?e . ?d dcterms:identifier ?id }""",
        initNs={
            "prk": PRK,
            "nif": "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#",
            "dcterms": "http://purl.org/dc/terms/",
        },
        initBindings={"id": Literal(doc)},
    )
    spans = [(str(m), int(b), int(e)) for m, b, e in rows]  # type: ignore[misc]
    return {
        m.rsplit("/", 1)[-1]
        for m, b, e in spans
        if not any((b2 <= b and e <= e2 and (e2 - b2) > (e - b)) for _, b2, e2 in spans)
    }


def test_a_document_page_highlights_every_mention_of_the_graph(
    browser: object, workspace: tuple[str, Path, Path], seed_graph: Graph
) -> None:
    url, _, _ = workspace
    browser.get(f"{url}/doc/{DOC}")  # type: ignore[attr-defined]
    marks = browser.find_elements(By.CSS_SELECTOR, "mark.mention")  # type: ignore[attr-defined]
    shown = {m.get_attribute("data-mention") for m in marks}
    expected = outermost_mentions(seed_graph, DOC)
    assert len(expected) > 50 and shown == expected
    marks[5].click()
    panel = browser.find_element(By.ID, f"m-{marks[5].get_attribute('data-mention')}")  # type: ignore[attr-defined]
    assert panel.is_displayed() and marks[5].text in panel.text
    assert browser.find_elements(By.CSS_SELECTOR, ".legend .role-harm")  # type: ignore[attr-defined]
    shot(browser, "document.png")


def test_retracting_a_claim_lands_in_curation_and_is_replayed_by_build(
    browser: object, workspace: tuple[str, Path, Path], tmp_path: Path
) -> None:
    url, graph, curation = workspace
    browser.get(f"{url}/claim/{CLAIM}")  # type: ignore[attr-defined]
    quoted = browser.find_elements(By.CSS_SELECTOR, "blockquote.evidence-quote mark.mention")  # type: ignore[attr-defined]
    assert {"datatype", "technique"} <= {
        c.removeprefix("role-") for m in quoted for c in m.get_attribute("class").split()
    }
    shot(browser, "claim.png")
    set_curator(browser, "Ann Analyst")
    form = browser.find_element(By.ID, "retract-form")  # type: ignore[attr-defined]
    form.find_element(By.NAME, "reason").send_keys("the article refutes it")
    button = form.find_element(By.TAG_NAME, "button")
    button.click()
    WebDriverWait(browser, 30).until(staleness_of(button))
    assert "recorded as 0001-retract-claim.ru" in browser.find_element(By.ID, "message").text  # type: ignore[attr-defined]
    assert browser.find_element(By.ID, "retracted").text == "retracted"  # type: ignore[attr-defined]
    assert "Ann Analyst" in browser.find_element(By.ID, "history").text  # type: ignore[attr-defined]
    stored = (curation / "0001-retract-claim.ru").read_text(encoding="utf-8")
    assert "# curator: Ann Analyst" in stored and CLAIM in stored
    rebuilt = tmp_path / "rebuilt.nt"
    build([SEEDS], rebuilt, "nt", validate=False, curation=curation)
    claim = URIRef(f"https://w3id.org/prkg/id/claim/{CLAIM}")
    assert (claim, PRK.status, PRK.Retracted) in Graph().parse(rebuilt)


def test_a_rejected_edit_shows_its_message_and_writes_nothing(
    browser: object, workspace: tuple[str, Path, Path]
) -> None:
    url, graph, curation = workspace
    before = graph.read_bytes()
    browser.get(f"{url}/concept/kd:face-data")  # type: ignore[attr-defined]
    set_curator(browser, "Ann Analyst")
    form = browser.find_elements(By.CSS_SELECTOR, "form.action")[0]  # type: ignore[attr-defined]
    form.find_element(By.NAME, "label").send_keys("身份证号码")  # another concept's label
    form.find_element(By.NAME, "reason").send_keys("sellers say so")
    button = form.find_element(By.TAG_NAME, "button")
    button.click()
    WebDriverWait(browser, 30).until(staleness_of(button))
    message = browser.find_element(By.ID, "message")  # type: ignore[attr-defined]
    assert "rejected" in message.text and "share a label" in message.text
    shot(browser, "rejected.png")
    assert (
        graph.read_bytes() == before
        and not any(curation.glob("*.ru"))
        and not any(curation.glob("*.ttl"))
    )


def test_read_only_has_no_writing_action(browser: object, seed_file: Path, tmp_path: Path) -> None:
    url, server = serve(seed_file, tmp_path / "curation", read_only=True)
    try:
        for page in (f"/doc/{DOC}", f"/claim/{CLAIM}", "/concept/kd:face-data", "/"):
            browser.get(url + page)  # type: ignore[attr-defined]
            assert not browser.find_elements(By.CSS_SELECTOR, "form[method=post]")  # type: ignore[attr-defined]
    finally:
        server.shutdown()  # type: ignore[attr-defined]


def test_a_post_without_the_csrf_token_is_refused(workspace: tuple[str, Path, Path]) -> None:
    import urllib.error
    import urllib.request

    url, graph, curation = workspace
    request = urllib.request.Request(f"{url}/claim/{CLAIM}/retract", data=b"reason=x")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 400 and not curation.exists()


def test_the_document_list_filters_by_concept_and_outlet(
    browser: object, workspace: tuple[str, Path, Path]
) -> None:
    url, _, _ = workspace
    browser.get(url + "/")  # type: ignore[attr-defined]
    assert len(browser.find_elements(By.CSS_SELECTOR, "tr.doc-row")) == 5  # type: ignore[attr-defined]
    browser.get(url + "/?concept=照片活化")  # type: ignore[attr-defined]
    fewer = len(browser.find_elements(By.CSS_SELECTOR, "tr.doc-row"))  # type: ignore[attr-defined]
    assert 0 < fewer < 5
    browser.get(url + "/?outlet=IT爆料网")  # type: ignore[attr-defined]
    assert len(browser.find_elements(By.CSS_SELECTOR, "tr.doc-row")) == 1  # type: ignore[attr-defined]


def test_the_report_opens_offline_with_its_charts(
    browser: object, seed_file: Path, tmp_path: Path
) -> None:
    out = write_report(seed_file, tmp_path / "report.html")
    html = out.read_text(encoding="utf-8")
    assert "http://" not in html.split("<svg", 1)[0].replace("http://www.w3.org", "")
    browser.get(out.as_uri())  # type: ignore[attr-defined]
    for chart in ("price-chart", "flow-chart"):
        svg = browser.find_element(By.CSS_SELECTOR, f"#{chart} svg")  # type: ignore[attr-defined]
        assert svg.size["width"] > 300
    assert browser.find_elements(By.CSS_SELECTOR, "section.claim blockquote")  # type: ignore[attr-defined]
    browser.set_window_size(1280, 2600)  # type: ignore[attr-defined]
    shot(browser, "report.png")
    browser.set_window_size(1280, 1600)  # type: ignore[attr-defined]
