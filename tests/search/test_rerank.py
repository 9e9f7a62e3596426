"""The ranking's second stage reads the best candidates' text: which of the query's words are in the headline,
in the opening, anywhere, and which adjacent pairs stand side by side (docs/search.md)."""

from newsdesk.search.query import adjacent_pairs, parse
from newsdesk.search.rerank import features

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
