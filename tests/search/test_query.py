"""The query language parser: what readers type becomes words, phrases, exclusions, OR groups, prefixes."""

import datetime as dt
import zoneinfo

from newsdesk.search.analysis import MAX_AMPERSAND_TERMS, ampersand_terms
from newsdesk.search.backends.postgres import required_phrases, tsquery_sql
from newsdesk.search.backends.sqlite import match_expression
from newsdesk.search.documents import document_tags, filter_groups
from newsdesk.search.query import (
    MAX_CLAUSES,
    MAX_QUERY_LENGTH,
    Phrase,
    Term,
    adjacent_pairs,
    broken,
    loosened,
    parse,
    replace_words,
    unbroken_words,
    word_splits,
)


def test_words_phrases_exclusions_or_and_prefix():
    q = parse('Putin "foreign trade" -sanctions -"death toll" Kamaz OR Sollers econom*')
    assert q.must == [[Term("putin")], [Phrase(("foreign", "trade"))], [Term("kamaz"), Term("sollers")],
                      [Term("econom", prefix=True)]]  # fmt: skip
    assert q.must_not == [Term("sanctions"), Phrase(("death", "toll"))]


def test_punctuation_splits_words_and_hyphenated_words_are_phrases():
    assert parse("Russian-US ties!").must == [[Phrase(("russian", "us")), Term("russianus")], [Term("ties")]]
    assert parse("Kamaz;").must == [[Term("kamaz")]]


def test_a_phrase_typed_without_quotes_loosens_into_its_words():
    # Reuters' topic codes as typed: when no story has the words side by side, the search looks for them apart.
    assert loosened(parse("money-fx")).must == [[Term("money")], [Term("fx")]]
    assert loosened(parse("nat-gas prices")).must == [[Term("nat")], [Term("gas")], [Term("prices")]]
    assert loosened(parse("l-cattle")).must == [[Term("cattle")]]  # a letter alone is no word to look for
    assert loosened(parse("west-germany -east")).must_not == [Term("east")]
    # Not a phrase in quotes (asked for as written), an abbreviation, an OR, a code's alternative.
    for kept in ('"money fx"', "u.s.", "g-7", "money-fx OR forex", "covid19", "Kamaz trucks", "the-who"):
        assert loosened(parse(kept)) is None, kept
    # An abbreviation's letters only when nothing matches as written: "u" beside "U.S." would add "U.N.".
    assert loosened(parse("a b c"), letters=True).must == [[Term("b")], [Term("c")]]  # "a": a stop word
    assert loosened(parse("u.s."), letters=True).must == [[Term("u")]]
    # A phrase in quotes only when asked (a query nothing matches as written).
    assert loosened(parse('"money fx"'), quoted=True).must == [[Term("money")], [Term("fx")]]
    assert loosened(parse('"the who"'), quoted=True) is None


def test_single_letters_typed_apart_are_the_abbreviation_they_spell():
    # "u s dollar" as "U.S. dollar": PostgreSQL reads "U.S." in a story as one token, which "u" alone missed.
    assert parse("u s dollar").must == parse("U.S. dollar").must == [[Phrase(("u", "s"))], [Term("dollar")]]
    assert parse("J P Morgan").must == [[Phrase(("j", "p")), Term("jp", variant=True)], [Term("morgan")]]
    # Also the word the letters spell, as most copy writes it ("UN", "EU"), not "us" (the pronoun).
    assert parse("U.N.").must == parse("u n").must == [[Phrase(("u", "n")), Term("un", variant=True)]]
    assert parse('"U.N."').must == [[Phrase(("u", "n"))]]
    assert parse("oil u").must == [[Term("oil")], [Term("u")]]  # one letter alone stays a word
    assert parse("-u s").must_not == [Term("u")] and parse('"u s" dollar').must[0] == [Phrase(("u", "s"))]


def test_a_word_of_letters_and_digits_is_also_its_code_with_a_hyphen():
    assert parse("covid19").must == [[Term("covid19"), Phrase(("covid", "19"))]]
    assert parse("Су35").must == [[Term("су35"), Phrase(("су", "35"))]]
    assert parse("s400").must == [[Term("s400"), Phrase(("s", "400"))]]  # "s" a stop word too: "S-400"
    assert parse("2q covid19*").must == [[Term("2q")], [Term("covid19", prefix=True)]]


def test_a_number_typed_whole_is_also_its_thousands_apart_and_commas_also_the_whole():
    assert parse("150000").must == [[Term("150000"), Phrase(("150", "000"))]]
    assert parse("1234567").must == [[Term("1234567"), Phrase(("1", "234", "567"))]]
    assert parse("150,000").must == [[Phrase(("150", "000")), Term("150000")]]
    assert parse("2017").must == [[Term("2017")]]  # four digits: mostly years, written whole
    assert parse("1.500").must == [[Phrase(("1", "500"))]]  # a decimal point, not thousands
    assert parse("150000*").must == [[Term("150000", prefix=True)]]


def test_a_word_with_another_spelling_is_also_that_spelling_and_keeps_its_pair():
    assert parse("defence ministry").must == [[Term("defence"), Term("defense")], [Term("ministry")]]
    assert parse("organization").must == [[Term("organization"), Term("organisation")]]
    assert adjacent_pairs(parse("labour party")) == [("labour", "party")]
    assert parse("colour*").must == [[Term("colour", prefix=True)]]
    assert parse('"defence ministry"').must == [[Phrase(("defence", "ministry"))]]


def test_two_words_joined_by_a_hyphen_are_also_the_compound_written_whole():
    co = Phrase(("co", "operation"), written="co-operation", joined=True)
    assert parse("co-operation talks").must == [[co, Term("cooperation", variant=True)], [Term("talks")]]
    assert parse("E-mail").must[0][1:] == [Term("email", variant=True)]
    assert adjacent_pairs(parse("co-operation talks")) == []  # the phrase is the group's, not a pair of words
    assert loosened(parse("money-fx")).must == [
        [Term("money")],
        [Term("fx")],
    ]  # apart: its words, no compound
    for kept in ('"cease-fire"', "covid-19", "U.S.-British", "nat gas", "24/7", "a-b", "Ростов-на-Дону"):
        assert len(parse(kept).must[0]) == 1, kept  # in quotes as typed; not two runs of Latin letters


def test_a_word_typed_whole_may_be_broken_into_two_as_if_typed_with_a_hyphen():
    assert word_splits("antidoping") == [
        ("ant", "idoping"), ("anti", "doping"), ("antid", "oping"), ("antido", "ping"), ("antidop", "ing")
    ]  # fmt: skip
    assert ("cease", "fire") in word_splits("ceasefire")
    assert word_splits("alnusra")[-1] == ("al", "nusra")  # a prefix of two letters, tried last
    assert ("the", "reof") not in word_splits("thereof")  # never a stop word as a part
    assert ("вице", "премьер") in word_splits("вицепремьер")
    for whole in ("cease", "co2fire", "Ростовнадону", "moskvaмосква", "a" * 31):
        assert word_splits(whole) == [], whole
    query = parse("antidoping rules -russia")
    assert unbroken_words(query) == ["antidoping"]
    apart = broken(query, {"antidoping": ("anti", "doping")})
    assert apart.must == parse("anti-doping rules").must  # the phrase, and the word whole that no story has
    assert apart.must_not == query.must_not and apart.text == query.text
    assert broken(query, {"ceasefire": ("cease", "fire")}) is None
    for kept in ("antidop*", "defence", "anti-doping", '"anti doping"'):
        assert unbroken_words(parse(kept)) == [], kept


def test_a_possessive_typed_alone_is_the_name_and_kept_in_quotes():
    assert parse("Russia's").must == parse("Russia’s,").must == [[Term("russia")]]
    assert parse("Amazon.com's shares").must == [[Phrase(("amazon", "com"))], [Term("shares")]]
    assert parse('"Russia\'s trade"').must == [[Phrase(("russia", "s", "trade"))]]
    assert parse("O'Neil").must == [[Phrase(("o", "neil"))]]  # a name's apostrophe is not a possessive


def test_postgres_reads_a_phrase_of_single_letters_as_one_abbreviation_and_accents_both_ways():
    sql, params = tsquery_sql(parse('"U.S. dollar" J.P. Morgan'))
    assert params == ["u.s dollar", "j.p", "jp", "morgan"]
    sql, params = tsquery_sql(parse("Maâloul"))
    assert params == ["maâloul", "maaloul"] and sql.count("plainto_tsquery") == 2
    # A phrase is also looked for as typed where the parser reads it otherwise than as its words; one of
    # letters and hyphens keeps its one form (and the narrowing by its word pairs).
    assert tsquery_sql(parse("COVID-19"))[1] == ["covid 19", "COVID-19"]
    assert tsquery_sql(parse("Нью-Йорк"))[1] == ["нью йорк"]
    assert required_phrases(parse("Нью-Йорк")) == ["нью йорк"] and required_phrases(parse("9/11")) == []
    assert tsquery_sql(parse("Йошкар"))[1][:1] == ["йошкар"]  # Russian "й" is not an accented Latin letter
    assert not any("и" in word for word in tsquery_sql(parse("Йошкар"))[1])


def test_a_name_with_an_ampersand_is_its_phrase_or_its_whole_term():
    # "at t s": stop words only, which neither index holds: the whole term alone.
    assert parse("AT&T's bid").must == [[Term("atandt")], [Term("bid")]]
    assert parse("Ford -S&P").must_not == [Phrase(("s", "p")), Term("sandp")]
    assert parse("Ford OR P&G").must == [[Term("ford"), Phrase(("p", "g")), Term("pandg")]]
    # Not a name of letters: digits, three parts, long words, spaced.
    assert [parse(q).must for q in ("1&2", "R&D&X", "Johnson&Johnson", "AT & T")] == [
        [[Phrase(("1", "2"))]],
        [[Phrase(("r", "d", "x"))]],
        [[Phrase(("johnson", "johnson"))]],
        [],
    ]
    assert ampersand_terms("AT&T bids; S&P falls, AT&T says. R&D&X, 1&2, Texas A&M") == [
        "atandt",
        "sandp",
        "aandm",
    ]
    codes = " ".join(f"{a}&{b}" for a in "ABCDEFGHIJ" for b in "KLMNOPQRST")  # 100 distinct names
    assert len(ampersand_terms(codes)) == MAX_AMPERSAND_TERMS


def test_quotes_a_phone_or_a_russian_keyboard_types_make_a_phrase():
    """iOS and Android type "smart" quotes by default, a Russian layout guillemets: each made a phrase typed
    on them two words searched apart."""
    for q in (
        "“foreign trade”",
        "„foreign trade“",
        "«foreign trade»",
        "〝foreign trade〞",
        "＂foreign trade＂",
    ):
        assert parse(q).must == [[Phrase(("foreign", "trade"), "foreign trade")]], q
    assert parse("«внешняя торговля»").must == [[Phrase(("внешняя", "торговля"), "внешняя торговля")]]
    excluded = parse("oil -“foreign trade”")
    assert excluded.must == [[Term("oil")]] and excluded.must_not == [
        Phrase(("foreign", "trade"), "foreign trade")
    ]
    assert parse("Russia’s").must == [[Term("russia")]]  # an apostrophe stays one


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
    # each word as the index holds it: its Snowball stem ("trucks" -> "truck")
    words = '"near kamaz" AND "truck" AND "x" AND "col term"'
    assert match_expression(q) == words
    # a filter's tokens are matched in the tags column only, quoted like words; a group is any of its tokens
    assert match_expression(q, (("xs3",), ("xm201705", "xm201706"))) == (
        f'({words}) AND tags : (("xs3") AND ("xm201705" OR "xm201706"))'
    )
    # a word that could be a filter token (or stem to one) is looked for in the text columns only
    scoped = "{headline lead body keywords} : "
    assert match_expression(parse('XS3s xs* "the xp12 file" xenon')) == (
        f'{scoped}"xs3s" AND {scoped}"xs"* AND {scoped}"the xp12 file" AND "xenon"'
    )
    sql, params = tsquery_sql(parse("Kamaz OR Sollers -trucks econ*"))
    assert "%s" in sql and "Kamaz" not in sql and params == ["kamaz", "sollers", "'econ':*", "trucks"]


def test_replace_words_keeps_operators():
    q = parse('Kamaz truks -"death tol"')
    assert replace_words(q, {"truks": "trucks", "tol": "toll"}) == 'Kamaz trucks -"death toll"'


def test_replace_words_keeps_each_words_case():
    q = parse("Kamz TRUKS in nato Brusels")
    assert replace_words(q, {"kamz": "kamaz", "truks": "trucks", "brusels": "brussels"}) == (
        "Kamaz TRUCKS in nato Brussels"
    )


def test_filter_groups_hold_every_month_a_date_range_touches_in_utc():
    moscow = zoneinfo.ZoneInfo("Europe/Moscow")
    since = dt.datetime(2016, 12, 1, tzinfo=moscow)  # 2016-11-30 21:00 UTC
    before = dt.datetime(2017, 2, 1, tzinfo=moscow)
    assert filter_groups(section=3, persons=[12], since=since, before=before) == (
        ("xs3",),
        ("xp12",),
        ("xm201611", "xm201612", "xm201701"),
    )
    assert filter_groups(since=since, before=since + dt.timedelta(days=400)) == ()  # 14 months: SQL only
    assert filter_groups(since=before, before=since) == ()
    assert document_tags(section=3, topics=[7], published=since) == "xs3 xt7 xm201611"


def test_a_hostile_text_of_long_words_does_not_fill_the_stems_caches():
    """The index's stems are cached by word; a text of megabyte-long runs of letters must not fill the caches."""
    from newsdesk.search import analysis

    latin = " ".join("q" * 5_000 + "s" * (n + 1) for n in range(40))
    cyrillic = " ".join("ж" * 5_000 + "ами" * (n + 1) for n in range(40))
    cached = len(analysis._ENGLISH_STEMS), analysis._russian_stem.cache_info().currsize
    indexed = analysis.index_text(f"{latin} {cyrillic}", "ru")
    assert len(indexed.split()) == 80  # every word still indexed, one token each
    assert (len(analysis._ENGLISH_STEMS), analysis._russian_stem.cache_info().currsize) == cached
    assert analysis.index_text("Trucks trucks", "en") == "truck truck"  # a word of news is cached as before
    assert analysis._ENGLISH_STEMS["Trucks"] == "truck"
