"""The query language parser: what readers type becomes words, phrases, exclusions, OR groups, prefixes."""

from newsdesk.search.backends.postgres import tsquery_sql
from newsdesk.search.backends.sqlite import match_expression
from newsdesk.search.query import MAX_CLAUSES, MAX_QUERY_LENGTH, Phrase, Term, parse, replace_words


def test_words_phrases_exclusions_or_and_prefix():
    q = parse('Putin "foreign trade" -sanctions -"death toll" Kamaz OR Sollers econom*')
    assert q.must == [[Term("putin")], [Phrase(("foreign", "trade"))], [Term("kamaz"), Term("sollers")],
                      [Term("econom", prefix=True)]]  # fmt: skip
    assert q.must_not == [Term("sanctions"), Phrase(("death", "toll"))]


def test_punctuation_splits_words_and_hyphenated_words_are_phrases():
    assert parse("Russian-US ties!").must == [[Phrase(("russian", "us"))], [Term("ties")]]
    assert parse("Kamaz;").must == [[Term("kamaz")]]


def test_unbalanced_quote_runs_to_the_end():
    assert parse('Ryabkov "Fort Ross').must == [[Term("ryabkov")], [Phrase(("fort", "ross"))]]
    assert parse('"').is_empty


def test_operators_alone_and_short_prefixes_are_ignored():
    assert parse("OR Kamaz OR").must == [[Term("kamaz")]]
    assert parse("a* -").is_empty
    assert parse("-Moscow").is_empty  # only an exclusion: nothing to search for


def test_stop_words_are_ignored_but_kept_in_phrases():
    assert parse("the Kremlin and NOT").must == [[Term("kremlin")]]
    assert parse('"head of state"').must == [[Phrase(("head", "of", "state"))]]


def test_length_and_clause_caps_and_control_characters():
    q = parse("trucks " * 5000)
    assert q.truncated and len(q.text) <= MAX_QUERY_LENGTH
    assert len(parse(" ".join(f"word{n}" for n in range(50))).must) == MAX_CLAUSES
    assert parse("\x00Kamaz\x1b[0m").must == [[Term("kamaz")], [Term("0m")]]


def test_back_ends_quote_every_word():
    q = parse('NEAR(Kamaz trucks) "x" -AND col:term')
    words = '"near kamaz" AND "trucks" AND "x" AND "col term"'
    assert match_expression(q) == "{headline lead body keywords} : (" + words + ")"
    # a filter's tokens are matched in the tags column only, quoted like words
    assert match_expression(q, "xs3 xp12") == (
        "{headline lead body keywords} : (" + words + ') AND tags : ("xs3" AND "xp12")'
    )
    sql, params = tsquery_sql(parse("Kamaz OR Sollers -trucks econ*"))
    assert "%s" in sql and "Kamaz" not in sql and params == ["kamaz", "sollers", "'econ':*", "trucks"]


def test_replace_words_keeps_operators():
    q = parse('Kamaz truks -"death tol"')
    assert replace_words(q, {"truks": "trucks", "tol": "toll"}) == 'Kamaz trucks -"death toll"'
