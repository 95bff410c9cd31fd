import pytest

from simsuite.ledger import LedgerError, Vocabulary, history_from_records, read_history, write_history


def _problems(excinfo):
    return {(p.sheet, p.row, p.column): p.message for p in excinfo.value.problems}


def test_valid_ledger_passes(records, vocabulary):
    h = history_from_records(**records, vocabulary=vocabulary)
    assert h.equals(history_from_records(**records))


def test_unknown_names_with_did_you_mean(records, vocabulary):
    records["units"][1]["group"] = "AA"
    records["items"][0]["sent_to"] = "jd-hangzhou:kye;jd-hangzho:key"
    records["adoptions"][0]["outlet"] = "jd-dynamc"
    records["adoptions"][1]["section"] = "breif"
    records["checklist"][0]["item"] = "basic-3"
    with pytest.raises(LedgerError) as info:
        history_from_records(**records, vocabulary=vocabulary)
    found = _problems(info)
    assert "did you mean 'A'" in found[("units", 3, "group")]
    assert "test-book" in found[("units", 3, "group")]
    assert "did you mean 'jd-dynamic'" in found[("adoptions", 2, "outlet")]
    assert "section 'breif' is not a section of outlet 'jd-dynamic'; did you mean 'brief'" in found[("adoptions", 3, "section")]
    assert "line 'basic-3'" in found[("checklist", 2, "item")]
    sent = [p.message for p in info.value.problems if p.column == "sent_to"]
    assert any("'jd-hangzhou:kye'" in m and "did you mean 'key'" in m for m in sent)
    assert any("'jd-hangzho:key'" in m and "did you mean 'jd-hangzhou'" in m for m in sent)
    assert len(info.value.problems) == 6


def test_chinese_names_resolve_to_ids(records, vocabulary):
    records["units"][0]["group"] = "乡镇街道"
    records["adoptions"][0].update(outlet="《杭州政务》", section="专报")
    records["adoptions"][1].update(outlet="建德政务·动态")
    records["items"][0]["sent_to"] = "杭州政务:要情"
    h = history_from_records(**records, vocabulary=vocabulary)
    assert h.units["group"].tolist()[0] == "township"
    assert h.adoptions[["outlet", "section"]].values.tolist() == [["jd-hangzhou", "special"], ["jd-dynamic", "brief"]]
    assert h.items["sent_to"].tolist()[0] == ("jd-hangzhou:key",)


def test_rulebook_without_checklist_rejects_every_line(records, vocabulary):
    no_list = Vocabulary(vocabulary.rulebook_id, vocabulary.groups, vocabulary.outlets, vocabulary.outlet_names)
    with pytest.raises(LedgerError, match="scores no checklist"):
        history_from_records(**records, vocabulary=no_list)
    records["checklist"] = []
    history_from_records(**records, vocabulary=no_list)


def test_read_history_checks_the_vocabulary(records, vocabulary, tmp_path):
    records["adoptions"][0]["outlet"] = "nowhere"
    path = write_history(history_from_records(**records), tmp_path / "v.xlsx")
    read_history(path)  # fine without a rulebook
    with pytest.raises(LedgerError) as info:
        read_history(path, vocabulary)
    assert list(_problems(info)) == [("adoptions", 2, "outlet")]


def test_validate_later(records, vocabulary):
    records["adoptions"][0]["outlet"] = "杭州政务"
    h = history_from_records(**records)
    dtype = h.adoptions["outlet"].dtype
    assert h.validate(vocabulary) is h
    # resolved in place, so a scorer that only calls validate sees ids
    assert h.adoptions["outlet"].tolist() == ["jd-hangzhou", "jd-dynamic"]
    assert h.adoptions["outlet"].dtype == dtype
    assert h.equals(history_from_records(**records, vocabulary=vocabulary))
    records["units"][0]["group"] = "village"
    bad = history_from_records(**records)
    with pytest.raises(LedgerError) as info:
        bad.validate(vocabulary)
    assert list(_problems(info)) == [("units", 2, "group")]
