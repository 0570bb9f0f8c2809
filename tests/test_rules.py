"""Golden cases for each rule: must change, must not change; language-aware."""

import pytest

from cleanup import Cleaner, Settings

RULE_CASES = {
    "space_before_hyphen": {
        "en": [("calling for de -escalation now", "calling for de-escalation now"),
               ("using long -range weapons", "using long-range weapons")],
        "fr": [("appelle à la dé -escalade", "appelle à la dé-escalade")],
        "en_keep": ["a war - the worst in decades - began", "temperatures of -5 degrees", "pre- and post-war"],
    },
    "space_before_punctuation": {
        "en": [("said Carlos Mazón . He left.", "said Carlos Mazón. He left."),
               ("In Paris , the police said.", "In Paris, the police said.")],
        "fr": [("a dit Mazón , puis il est parti.", "a dit Mazón, puis il est parti.")],
        "en_keep": ["He waited ... then left.", "It cost 3 .5 million", "Version .NET",
                    "Fans chanted « Allez, allez ! » as he climbed."],
        "fr_keep": ["Il a dit : « non » !", "Pourquoi ? Parce que."],
    },
    "foreign_number_format": {
        "en": [("inflation reached 7,5 % in May", "inflation reached 7.5% in May"),
               ("some 1 200 people fled", "some 1,200 people fled"),
               ("a deficit of 3,2 billion euros", "a deficit of 3.2 billion euros")],
        "fr": [("l'inflation a atteint 3.5% en mai", "l'inflation a atteint 3,5 % en mai"),
               ("un déficit de 2.5 milliards d'euros", "un déficit de 2,5 milliards d'euros")],
        "en_keep": ["inflation reached 7.5% in May", "some 1,200 people fled", "in 2019 200 people",
                    "the score was 3,2 after extra time", "call 020 7946 0958"],
        "fr_keep": ["l'inflation a atteint 7,5 % en mai", "quelque 1 200 personnes"],
    },
    "untranslated_acronym": {
        "en": [("OTAN allies met in Brussels.", "NATO allies met in Brussels."),
               ("the ONU Security Council", "the UN Security Council"),
               ("a loan from the FMI", "a loan from the IMF")],
        "fr": [("Selon le NATO, les alliés se sont réunis.", "Selon l’OTAN, les alliés se sont réunis."),
               ("La EU a voté.", "L’UE a voté."),
               ("Un rapport du IMF publié mardi.", "Un rapport du FMI publié mardi.")],
        "en_keep": ["NATO allies met.", "built in 300 BCE", "the CPI rose 3% in May", "a CONVOY OF OTAN TRUCKS HEADLINE"],
        "fr_keep": ["l'OTAN et l'ONU", "le sommet de l'UE"],
    },
    "boilerplate_line": {
        "en": [("First para.\nAfter promoting the newsletter\nSecond para.\n", "First para.\nSecond para.\n"),
               ("First.\nRead also: Why the war began\nSecond.", "First.\nSecond."),
               ("First.\nAdvertisement\nSecond.", "First.\nSecond.")],
        "fr": [("Premier.\nLire aussi : Pourquoi la guerre\nSecond.", "Premier.\nSecond."),
               ("Premier.\nPublicité", "Premier.")],
        "en_keep": ["The newsletter, launched in 2019, has 40,000 readers.\nAnother line.",
                    "She said she would read also the report.\n"],
        "fr_keep": ["La newsletter du journal compte 40 000 abonnés.\n"],
    },
}


def _cases(kind):
    for name, cases in RULE_CASES.items():
        for key, items in cases.items():
            lang = key.split("_")[0]
            if kind == "change" and not key.endswith("_keep"):
                for before, after in items:
                    yield pytest.param(name, lang, before, after, id=f"{name}-{lang}-{before[:20]}")
            elif kind == "keep" and key.endswith("_keep"):
                for text in items:
                    yield pytest.param(name, lang, text, id=f"{name}-{lang}-{text[:20]}")


@pytest.fixture(scope="module")
def only_rule():
    cache = {}

    def get(name):
        if name not in cache:
            cache[name] = Cleaner(settings=Settings(only=(name,)))
        return cache[name]

    return get


@pytest.mark.parametrize(("rule", "lang", "before", "after"), list(_cases("change")))
def test_rule_changes(only_rule, rule, lang, before, after):
    result = only_rule(rule).fix(before, lang)
    assert result.output == after
    assert all(e.rule == rule for e in result.edits)


@pytest.mark.parametrize(("rule", "lang", "text"), list(_cases("keep")))
def test_rule_keeps(only_rule, rule, lang, text):
    result = only_rule(rule).fix(text, lang)
    assert result.findings == [], result.findings


def test_english_rules_do_not_fire_on_french(cleaner):
    text = "L'OTAN et l'ONU appellent à la désescalade ; l'inflation atteint 7,5 % selon l'UE : c'est l'escalade !"
    result = cleaner.fix(text, "fr")
    assert result.output == text, result.edits


def test_french_rules_do_not_fire_on_english(cleaner):
    text = "NATO and the UN called for de-escalation; inflation hit 7.5%, the EU said: escalation!"
    result = cleaner.fix(text, "en")
    assert result.output == text, result.edits


def test_language_detection(cleaner):
    assert cleaner.detect("The two countries said on Saturday that they would talk.") == "en"
    assert cleaner.detect("Les deux pays ont déclaré samedi qu'ils allaient discuter.") == "fr"
