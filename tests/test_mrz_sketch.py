"""An MRZ too blurred to read still tells the kind of document and its issuer."""

from __future__ import annotations

from idreader.mrz.sketch import (
    best_head_match,
    cut_states,
    expected_head,
    head_mismatches,
    mrz_like_lines,
)
from idreader.pipeline.classify import classify


def test_mrz_like_lines_are_long_runs_of_mrz_characters_with_fillers():
    texts = [
        "P<GBRTAYLOR<<JESSICA<<<<<<<<<<<<<<<<<<<<<<<",
        "199HAMORERU6666666666666666666697047",  # fillers read as 6
        "p<phlramos<<paolo<renato<<cce<<<<<",  # lower case from a blurred line
        "BUNDESREPUBLIKDEUTSCHLANDPERSONAL",  # long, but no fillers
        "Date of birth / Date de naissance 01 MAR 1993",  # spaces and lower case words
        "P<GBR",  # too short
    ]
    assert mrz_like_lines(texts) == [
        "P<GBRTAYLOR<<JESSICA<<<<<<<<<<<<<<<<<<<<<<<",
        "199HAMORERU6666666666666666666697047",
        "P<PHLRAMOS<<PAOLO<RENATO<<CCE<<<<<",
    ]


def test_heads_match_fillers_anything_and_letters_their_digit_lookalikes():
    assert expected_head("P", "GBR") == "P<GBR"
    assert expected_head("ID", "D") == "IDD<<"
    assert head_mismatches("PCGBRDAWIES", "P<GBR") == 0
    assert head_mismatches("100<<F31AM5", "IDD<<") == 0
    assert head_mismatches("P6PWL50R180", "P<PHL") == 1
    assert head_mismatches("P<FRAMARTIN", "P<GBR") == 3
    assert head_mismatches("P<G", "P<GBR") == 2
    assert best_head_match(["X" * 30, "V<USAPEREZ"], "V", "USA") == 0
    assert best_head_match([], "V", "USA") == 5


def test_a_line_cut_on_its_left_still_shows_its_state_by_a_passing_check_digit():
    td1 = ["IDESPGJE008728405884090T<<<<<<", "7705119F2303129ESP<<<<<<<<<<<7"]
    td3 = "L898902C36UTO7408122F1204159ZE184226B<<<<<10"  # ICAO 9303's specimen
    assert cut_states([td1[1][3:]]) == {("TD1", "ESP")}  # the expiry date's digit passes
    assert ("TD3", "UTO") in cut_states([td3[4:]])  # and MRVA, whose second line is alike
    wrong = td3.replace("7408122", "7408123").replace("1204159", "1204158")  # every check digit
    wrong = wrong.replace("B<<<<<10", "B<<<<<20")
    assert cut_states([wrong[4:]]) == set()
    assert cut_states([td1[1]]) == set()  # a whole line: its head tells
    assert cut_states([td1[0][3:]]) == set()  # the number passes, but no state is in view
    assert cut_states(["<<<<<<<<<<<<ABCDEFGHIJKLMNOP"]) == set()
    # the cut zone names the issuer's document of that format, not its MRZ
    cut = [line[3:] for line in td1] + ["CIA<PENA<<MONTSERRAT<<<<<<<"]
    assert classify(None, cut, None).document_name == "Spain - Id Card (2015)"
