"""An MRZ too blurred to read still tells the kind of document and its issuer."""

from __future__ import annotations

from idreader.mrz.sketch import best_head_match, expected_head, head_mismatches, mrz_like_lines


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
