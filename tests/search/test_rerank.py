"""The ranking's second stage reads the best candidates' text: which of the query's words are in the headline,
in the opening, anywhere, and which adjacent pairs stand side by side (docs/search.md)."""

from newsdesk.search.query import adjacent_pairs, parse
from newsdesk.search.rerank import LONG, features, is_subject, length_share, patterns

HEADLINE = "Bank of England holds interest rates"
LEAD = "The Bank of England kept its key rate at 0.25 percent on Thursday."
BODY = "Policymakers voted 7-2. Companies had expected the decision; sterling rose."


def one(q: str, *, anywhere: bool = False, headline=HEADLINE, lead=LEAD, body=BODY):
    return features(parse(q), {1: (headline, lead, body)}, anywhere=anywhere)[1]


def test_shares_of_word_groups_by_field():
    found = one("england sterling")
    assert (found.headline, found.opening) == (0.5, 0.5)  # "england" in both, "sterling" only in the body
    assert one("policymakers voted", anywhere=True).anywhere == 1.0
    assert one("policymakers budget", anywhere=True).anywhere == 0.5
    assert one("budget").headline == 0.0


def test_words_match_every_form_of_their_stem():
    assert one("rate").headline == 1.0  # "rates"
    assert one("company", anywhere=True).anywhere == 1.0  # "Companies": the stem "compani" less its "i"
    assert one("expecting", anywhere=True).anywhere == 1.0  # "expected"
    assert one("ratings").headline == 0.0  # not "rates"


def test_phrases_prefixes_and_word_starts():
    assert one('"interest rates"').headline == 1.0
    assert one('"rates interest"').headline == 0.0
    assert one("inter*").headline == 1.0
    assert one("gland").headline == 0.0  # inside a word, not at its start


def test_adjacent_words_side_by_side_with_at_most_one_between():
    assert adjacent_pairs(parse("Bank of England")) == [("bank", "england")]  # "of" is a stop word
    assert one("Bank of England").proximity == 1.0
    assert one("bank rates").proximity == 0.0  # both present, far apart
    assert one("england bank").proximity == 0.0  # in that order only
    assert one("sterling rose decision").proximity == 0.5  # "sterling rose" yes, "rose decision" no
    assert one("bank OR england").proximity == 0.0  # an OR group is not a pair


def subject(q: str, *leads: str) -> bool:
    return is_subject(patterns(parse(q))[0], list(leads))


def test_a_subject_is_written_in_lower_case_inside_sentences_and_a_name_is_not():
    leads = [
        "Japan's wheat imports rose in May, and the yen fell.",
        "Wheat prices in Japan eased. Traders in Tokyo sold yen.",
    ]
    assert subject("yen", *leads) and subject("wheat", *leads)  # "Wheat" first in a sentence does not count
    assert not subject("japan", *leads)
    # only first in a sentence: no occurrence counts, a name
    assert not subject("wheat", "Wheat Board chairman said. Wheat exports fell.")
    assert subject("japanese yen", "The yen and the yen again, Japanese traders said.")  # 2 of 3 lower case
    assert not subject("james baker", "Treasury Secretary James Baker said on Friday Baker would travel.")
    assert not subject("budget", "")  # the word nowhere: a name, nothing changes
    assert subject("wheat", "İzmir port loaded wheat, the exchange said.", "Turkey bought wheat on Monday.")


def test_the_length_share_grows_with_the_log_of_the_length_up_to_long():
    assert length_share(0) == 0.0
    assert 0.5 < length_share(120) < length_share(800) < length_share(3000) < 1.0
    assert length_share(LONG) == length_share(10 * LONG) == 1.0


def test_the_length_share_is_given_to_a_subject_query_only():
    texts = {1: ("Wheat exports", "Egypt bought wheat from Russia, traders said.", ""), 2: ("Egypt", "", "")}
    lengths = {1: 3000, 2: 100}
    found = features(parse("wheat"), texts, anywhere=False, lengths=lengths)
    assert found[1].length == length_share(3000) and found[2].length == length_share(100)
    assert features(parse("egypt"), texts, anywhere=False, lengths=lengths)[1].length == 0.0
    assert features(parse("wheat"), texts, anywhere=False)[1].length == 0.0  # lengths not read: none
