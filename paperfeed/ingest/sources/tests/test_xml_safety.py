"""Both XML parsers refuse bombs and external entities before expanding anything."""

import pytest

from paperfeed.ingest.records import ARXIV_API, ARXIV_OAI, SourceFormatError
from paperfeed.ingest.sources.arxiv_api import parse_feed
from paperfeed.ingest.sources.arxiv_oai import parse_oai
from paperfeed.ingest.sources.tests import data_file

PARSERS = [(parse_feed, ARXIV_API), (parse_oai, ARXIV_OAI)]


@pytest.mark.parametrize("parse, source", PARSERS)
def test_it_rejects_billion_laughs(parse, source):
    with pytest.raises(SourceFormatError, match="unsafe XML") as caught:
        parse(data_file("billion_laughs.xml").read_bytes(), origin="billion_laughs.xml")
    assert caught.value.source == source and caught.value.what == "billion_laughs.xml"


@pytest.mark.parametrize("parse, source", PARSERS)
def test_it_rejects_external_entities(parse, source):
    with pytest.raises(SourceFormatError, match="unsafe XML") as caught:
        parse(data_file("xxe.xml").read_text(), origin="xxe.xml")
    assert "root:" not in str(caught.value)  # /etc/passwd was never read


@pytest.mark.parametrize("parse, source", PARSERS)
@pytest.mark.parametrize("body", [b"", b"not xml at all", b"<a><b></a>"])
def test_it_rejects_malformed_xml(parse, source, body):
    with pytest.raises(SourceFormatError, match="malformed XML") as caught:
        parse(body, origin="page.xml")
    assert "\n" not in str(caught.value)
