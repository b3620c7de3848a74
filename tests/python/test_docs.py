"""docs/semantics.md explains every DECISION id the library can report."""

import re

import latticepol
from conftest import SOURCE_DIR

SEMANTICS = (SOURCE_DIR / "docs" / "semantics.md").read_text()


def test_every_decision_id_has_an_entry():
    assert len(latticepol.DECISION_IDS) >= 30
    anchors = set(re.findall(r'<a id="([^"]+)"></a>', SEMANTICS))
    missing = [i for i in latticepol.DECISION_IDS if i.lower() not in anchors]
    assert missing == []


def test_every_entry_says_what_aws_documents_and_what_latticepol_does():
    # Each id's entry is the text from its anchor to the next one.
    parts = re.split(r'<a id="([^"]+)"></a>', SEMANTICS)
    entries = dict(zip(parts[1::2], parts[2::2]))
    for decision_id in latticepol.DECISION_IDS:
        entry = entries[decision_id.lower()]
        assert re.search(r"^#### %s: " % re.escape(decision_id), entry, re.M), decision_id
        assert "latticepol:" in entry, decision_id
        assert re.search(r"AWS|Pulumi", entry), decision_id
