"""Words named rather than used: "spelt Brejnev", "Aachen en allemand", "le terme stakeholders",
"the film Cashmere", "the colt Parme", "Tamil Nadou: Carnets de route". No detector rewrites
them (the glossary matcher and the name-spelling rule ask here)."""

from __future__ import annotations

import regex

# A word named as a word, not used: "known as X", "le terme X", "X en allemand".
_MENTION_BEFORE = regex.compile(
    r"(?i)(?:\b(?:spel(?:t|led|ls?)(?:\s+(?:the|its|their|his|her)\s+[\p{L}-]+(?:\s+[\p{L}-]+)?)?|transliterat\w+|known\s+as|calls?\s+itself|labell?ed|labels?|appears?\s+as|rendered(?:\s+[^.;,]{0,25}?)?\s+as"
    r"|codenamed|code-named|(?:legend|sign|banner)s?\s+(?:reads?|says?|indicates?)"
    r"|s['’]écri(?:t|vent|vait)|écri(?:re|vent|t)|graphies?|(?:légende|indiquée?|indique|notée?)\s*:|s['’]appell?e(?:nt)?|(?:est|sont|était|étaient)\s+(?:appelée?s?|nommée?s?)|the\s+(?:words?|terms?|expressions?|phrases?|names?|spellings?)"
    r"|the\s+(?:French|German|English|Spanish|Italian|Russian)\s+(?:word|term|name|spelling)s?\s+(?:for\s+[^.;]{0,30}?)?,?"
    r"|sous\s+la\s+graphie|la\s+graphie|orthographi[ée]e?s?|translittération|sous\s+le\s+nom\s+d[e'’]|connue?s?\s+comme"
    r"|surnomm[ée]e?s?|baptis[ée]e?s?|intitul[ée]e?s?|(?:le|les)\s+(?:mots?|termes?)(?:\s+(?:anglais|français|allemand|espagnol|italien))?"
    r"|l['’]expression|appellent(?:\s+(?:la|le|les|l['’]))?|traduction\s+de|(?:le\s+)?titre\s+d[e'’]"
    r"|(?:l['’])?orthographe\s+(?:anglaise|française|allemande|locale)\s*,?"
    r"|(?:its|their|the)\s+(?:French|German|English|Spanish|Italian|Russian|Dutch|local)\s+(?:name|spelling|title|form)s?\s*,?"
    r"|referred\s+to\s+[^.;]{0,40}?\s+as|labels?\s+(?:it|them|the\s+[\p{L}-]+)\s+(?:simply\s+)?"
    r"|call(?:s|ed)?\s+(?:it|that\s+[^.;,]{0,25}?|this\s+[^.;,]{0,25}?)|reads?(?:\s+out)?|read\s+out"
    r"|(?:is|are|was|were)\s+called(?:\s+the)?|(?:address(?:es|ed)?|refer(?:s|red)?\s+to)\s+(?:him|her|them|it)\s+as(?:\s+[\p{L}-]+\s+or)?"
    # "calling her X", "there is no (such place as) X", "listed under X", "marks the city as X",
    # "the acronym X", "(be) titled X", "in Romanian, X"; French "ce que la loi appelle un X",
    # "qualifiés de X", "désigné par X", "se présente comme X", "le sigle X"
    r"|(?:credited|listed|billed)\s+as|calling\s+(?:him|her|them|it)(?:\s+simply)?|there\s+(?:is|was)\s+no(?:\s+such\s+[\p{L}-]+\s+as)?"
    # "the job is styled X", "known in French as X", "appeared in French as X", "a banner
    # reading X", "calling the town X", "the French say X"
    r"|styled|(?:known|appear(?:s|ed)?|published|released|sold|marketed)\s+in\s+\p{L}+\s+as"
    r"|(?:banner|sign|placard|poster|slogan|headline|shirt|T-shirt|plaque|board)s?\s+(?:reading|that\s+reads?|which\s+reads?|saying)"
    r"|call(?:s|ed|ing)?\s+(?:the\s+)?(?:town|city|island|village|country|region|river|place|area|dish|job|post)"
    r"|(?:the\s+)?(?:French|Italians|Germans|Spaniards|Quebecers|Belgians|Swiss|locals|francophones)\s+(?:call|say|write|spell)(?:\s+it)?"
    # a sign, a chant, a headline or a title given after a colon: "les panneaux indiquent : X",
    # "les manifestants scandaient : X", "le film s'intitule simplement : X"
    r"|(?:indiqu|proclam|scand|affich|intitul|titr|clam)\p{L}*(?:\s+simplement|\s+simply)?\s*:|chant(?:ed|ing|s|ent|aient|ait)?\s*:"
    r"|(?:sous\s+le\s+)?pseudonyme\s+(?:de\s+|d['’])?|pseudonym"
    r"|(?:figur|apparaî?t|apparaiss)\p{L}*\s+(?:simplement\s+|seulement\s+)?comme"
    # "christened X", "misspelt X as", "the misspelling X", "the exonym X", "labels it both X",
    # "on lisait simplement : X", "les Britanniques parlent de X"
    r"|christened|misspel\w*(?:\s+[^.;]{0,40}?\s+as)?|(?:the\s+)?(?:exonyms?|endonyms?)|labels?\s+(?:it|them|the\s+[\p{L}-]+)\s+both"
    r"|(?<![\p{L}])(?:lis|lit|lisait|lisaient|lisent)(?:\s+simplement)?\s*:"
    r"|(?:les\s+)?(?:Britanniques|Américains|Anglais|Anglo-Saxons|anglophones)\s+(?:parlent\s+de|disent|appellent)"
    r"|list(?:s|ed)?\s+(?:[^.;,]{0,30}?\s+)?(?:under|as)|marks?\s+[^.;,]{0,30}?\s+as|(?:acronym|abbreviation|initials)"
    r"|(?:translat\w+|garbl\w+)\s+(?:[^.;]{0,40}?\s+)?into|(?:turn(?:s|ed|ing)?|render\w*)\s+(?:[^.;]{0,40}?\s+)?into\s*(?=[«\"“‘'])"
    r"|(?:be|been|is|was|are|were)\s+titled|(?:en|in)\s+(?:roumain|polonais|ukrainien|turc|grec|chinois|japonais|catalan|basque|breton|corse"
    r"|Romanian|Polish|Ukrainian|Turkish|Greek|Chinese|Japanese|Catalan|Basque|Breton|Corsican)\s*,"
    r"|appel(?:le|lent|ait|aient)\s+(?:(?:un|une|le|la|les|des)\s+|l['’]\s*)?|qualifi[ée]e?s?\s+(?:de\s+|d['’])"
    r"|désign[ée]e?s?\s+(?:par|sous)|se\s+présent(?:e|ent|ait|aient)\s+(?:simplement\s+|seulement\s+)?comme|(?:le\s+)?sigle|l['’](?:acronyme|abréviation)"
    r"|(?:le|les)\s+termes?\s+(?:de\s+|d['’])|le\s+nom\s+(?:de\s+|d['’]))"
    r")\s*[«\"“‘':]?\s*$")
# A work, a venue, a horse or a ship named after the word: "the film Cashmere", "the colt Parme",
# "le restaurant « Le Pavé »" (a title: the match starts with a capital or a quote).
_TITLE_BEFORE = regex.compile(
    r"(?i)\b(?:film|thriller|série|series|sitcom|album|tube|single|song|chanson|roman|novel|livre|book|essai|journal|exposition|exhibition"
    r"|pièce|play|documentaire|documentary|opéra|opera|émission|programme|magazine|restaurant|hôtel|hotel|club|bar|café|brasserie"
    r"|navire|ship|vraquier|groupe|band|bistro|brand|perfume|parfum|shade|mare|filly|colt|gelding|stallion|horse|jument|pouliche|poulain"
    r"|cheval|trawler|chalutier|vessel|yacht|memoir|mémoires|poem|poème|biography|biographie|station|radio|label|collection|exhibit"
    r"|podcast|musical|ballet|painting|tableau|statue|champagne|wine|vin|cuvée|perfume|titled|entitled|intitulée?|auteure?\s+d[e'’]"
    r"|succès\s+d[e'’]|paru|sortie|racehorse|liner|paquebot|à\s+bord\s+(?:du|de\s+la|de\s+l['’]|d['’]|de|des)|aboard(?:\s+the)?)"
    r"\s*,?\s*(?:simply\s+|just\s+)?(?P<quote>[«\"“‘':]\s*)?$")
_MENTION_AFTER = regex.compile(
    r"\s*[»\"”’']?\s*,?\s*\(?(?:(?:en|in)\s+(?:anglais|allemand|français|espagnol|italien|arabe|russe|néerlandais|portugais"
    r"|English|French|German|Spanish|Italian|Arabic|Russian|Dutch|Portuguese)\b(?=\s*(?:[)\],.;:»\"”’']|$))"
    r"|(?:pour|chez)\s+les\s+(?:\p{L}+phones|Allemands|Anglais|Américains|Britanniques|Français|Néerlandais|Espagnols|Italiens|Russes)\b"
    r"|(?:is\s+)?the\s+(?:French|German|English|Spanish|Italian|Russian|local)\s+(?:name|word|spelling)\b"
    r"|(?:le|la)\s+nom\s+(?:allemand|anglais|français|espagnol|italien|russe|local)\b"
    r"|(?:un|une|le|la)\s+(?:hôtel|restaurant|navire|bateau|groupe|club|bar|café|film|série|roman|album|tube|vraquier)\b"
    r"(?!\s+(?:a|ont|est|sont|avait|était|va|doit|peut|fait|se|s['’]|n['’]|ne)\b)"  # not a new clause: ", le club a été relégué"
    r"|,\s*(?:an?|her|his|their|its)\s+(?:[\p{L}-]+\s+){0,2}(?:hotel|restaurant|bistro|ship|trawler|band|club|bar|café|film|series|novel|album|song|mare|colt|filly|horse|brand|perfume)\b"
    # a word explained: "The French blessure can mean a wound"
    r"|\s+(?:can|may|could)\s+mean\b|\s+means\b|\s+\(meaning\b"
    r"|,\s*(?:an?|the)\s+(?:[\p{L}-]+\s+){0,4}(?:company|firm|think\s+tank|start-?up|maker|retailer|airline|insurer)\s*[,.;)]"
    r"|,\s*its\s+name\s+in\s+(?:French|German|English|Spanish|Italian|Russian|Dutch)\b"
    # "Bucharest est écrit sous le nom roumain"
    r"|\s+(?:est|sont|était|étaient)\s+(?:écrite?s?|orthographiée?s?)\b"
    # "Brandenburg v. Ohio" (a case); "la spending review, selon l'expression consacrée"
    r"|\s+(?:v\.|vs\.?|versus|contre)\s+\p{Lu}|,?\s*(?:selon|comme\s+dit|pour\s+reprendre)\s+l['’]expression\b"
    r"|,\s*as\s+the\s+(?:phrase|saying|expression)\s+goes\b"
    # "the fourrière, as the municipal pound is known"; "X is not a real place"
    r"|,\s*as\s+[^,.;]{0,40}?\s+(?:is|are|was|were)\s+(?:known|called)\b"
    r"|\s+(?:is|was)\s+not\s+a\s+real\b|\s+(?:does|did)\s+not\s+exist\b"
    # a title and its subtitle: "Tamil Nadou: Carnets de route", "Pope Francis: A Man of His Word"
    r"|:[ \u00a0]+(?:(?:A|An|The|Le|La|Les|Un|Une)\s+\p{Lu}|\p{L}+\s+(?:d['’]|de|du|des|of)\s+\p{L}))")


# A name's other part: "rue Copernic", "Fondation Copernic", "the Limbourg brothers", "Lucques
# olives" (the match is capitalised: part of the name of a street, a body, a family, a product).
_NAME_BEFORE = regex.compile(
    r"(?i)\b(?:rue|avenue|boulevard|quai|impasse|allée|Fondation|Foundation|Institut|lycée|collège|stade|gare|métro)\s+$")
# A name followed by what it names, in apposition: "Loutsk, the Paris-based folk ensemble",
# "Péloponnèse, a Greek taverna", "Aosta Valley, la marque collective", "Modena, ancien pilote".
_THING_AFTER = regex.compile(
    r"\s*,\s*(?:an?|the|un|une|le|la|l['’]|son|sa|leur|ancien|ancienne|former)\s*(?:[\p{L}-]+\s+){0,4}?"
    r"(?:start-?up|district|quarter|neighbou?rhood|quartier|ensemble|band|group|groupe|album|documentary|documentaire|film|brand|marque|taverna|restaurant"
    r"|bistro|brasserie|café|bar|bakery|boulangerie|shop|boutique|label|novel|roman|play|pièce|comedy|comédie|show|series"
    r"|série|podcast|app|application|magazine|newspaper|journal|company|firm|société|entreprise|club|team|équipe"
    r"|pilote|pilot|driver|singer|chanteur|chanteuse|player|joueur|joueuse|rapper|rappeur|actor|actress|acteur|actrice"
    r"|horse|cheval|ship|navire|hotel|hôtel|festival|collective|collectif|association|charity|choir|chœur|orchestra"
    r"|orchestre|exhibition|exposition|museum|musée|game|jeu|song|chanson|model|modèle|car|voiture|wine|vin)s?\b"
    # ... ending the apposition (not "Saint-Paul-of-Vence, the film follows ...": a new clause)
    r"(?:\s+[\p{L}-]+){0,2}?(?=\s*(?:[,.;:)]|$)|\s+(?:in|from|of|de|du|des|à|based|named|called|that|which|who|qui|dont"
    r"|produite?s?|enregistrée?s?|sortie?s?|founded|fondée?s?|créée?s?|launched|lancée?s?)\b)")
# A French apposition without an article: "Salerno, avocat de la famille", "Prussia, la favorite",
# "Ecuador, tube planétaire de Sash", "Bergamo, surnommé le « monstre »" (the match is a name).
_FRENCH_APPOSITION = regex.compile(
    r"\s*,\s*(?:la\s+|le\s+)?(?:chef|avocate?|milieu|attaquante?|défenseure?|gardien(?:ne)?|joueuse|joueur|entraîneur|entraîneuse|pilote"
    r"|paquebot|navire|cargo|pétrolier|chalutier|tube|single|surnommée?|dite?|alias|favorite?|jument|étalon|poulain|pouliche"
    r"|porte-parole|fondat(?:eur|rice)|président(?:e)?|direct(?:eur|rice)|maire|députée?|sénat(?:eur|rice)|chanteu(?:r|se)|rappeu(?:r|se)"
    r"|act(?:eur|rice)|romanci(?:er|ère)|aut(?:eur|rice)|parrain|capitaine|skipper|patron(?:ne)?)\b")
_NAME_AFTER = regex.compile(r"\s+(?:brothers|frères|sisters|sœurs|olives?|cheese|harvest|variety|cultivars?"
                            r"|neighbou?rhood|district|quarter)\b")
# A capitalised word before an acronym is a company's name ("Gazoduc TQM said"; not a regnal
# number, "Elizabeth II").
_ACRONYM_AFTER = regex.compile(r"[ \u00a0](?!(?:I{1,3}|IV|VI{0,3}|IX|XI{0,3})\b)(?-i:\p{Lu}{2,5})\b(?![-'’])")
_ONE_CAPITALISED_WORD = regex.compile(r"\p{Lu}[\p{L}-]+")


# A sentence about languages or names: a pivot-language word in it is likely quoted, not used
# ("In Belgium's French-language press the city is Hanovre", "signs listed the delegations in
# French, with Lettonie between Italie and Lituanie").
_LANGUAGE_TALK = regex.compile(
    r"(?i)\b(?:(?:in|into)\s+(?:French|English)(?=\s*[.;:)!?]|\s*,\s+(?:with|where|while|which|as|but)\b|\s+(?:only|by|but)\b)"
    r"|(?:French|English)-(?:language|speaking)|(?:French|English)\s+(?:names?|spellings?|editions?|versions?|translations?|only)\b"
    r"|en\s+(?:anglais|français)\b|(?:nom|noms|orthographe|graphie)\s+(?:anglaise?s?|française?s?)\b"
    r"|(?:langue|version|édition)\s+(?:anglaise|française)\b"
    # "In French, the post is ...", "the French distinguish X from Y", "say X even when
    # speaking English", "the French term"
    r"|(?-i:In)\s+(?:French|English)\s*,|(?:French|English)\s+(?:terms?|words?|expressions?|phrases?|usage)\b"
    r"|\b(?:the\s+)?(?:French|Italians|Germans|Spaniards|Quebecers|Belgians|francophones|anglophones)\s+(?:distinguish|call|say|use\s+the\s+word)\b"
    r"|(?:when|while)\s+speaking\s+(?:English|French)\b|\bdictionnaires?\b|\bdictionar(?:y|ies)\b"
    # "in French histories", "the French title is X", "en droit anglais", "l'équivalent
    # britannique", "selon la transcription pinyin", "l'appellation italienne"
    r"|\bin\s+(?:French|English)\s+(?:histories|sources|texts|documents|press|media)\b|(?:French|English)\s+title\s+(?:is|was)\b"
    r"|\ben\s+droit\s+(?:anglais|britannique|américain)|équivalent\s+(?:britannique|anglais|américain)|\btranscription\b"
    r"|\bappellation\s+(?:italienne|anglaise|allemande|espagnole|officielle|locale)\b)")
_SENTENCE_EDGE = regex.compile(r"[.!?](?=\s)|\n")


def _sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    lo = max(0, start - 240)
    edges = [m.end() for m in _SENTENCE_EDGE.finditer(text, lo, start)]
    after = _SENTENCE_EDGE.search(text, end, min(len(text), end + 240))
    return edges[-1] if edges else lo, after.start() if after else min(len(text), end + 240)


def sentence_of(text: str, start: int, end: int) -> str:
    """The sentence holding text[start:end] (at most 240 characters either side)."""
    lo, hi = _sentence_bounds(text, start, end)
    return text[lo:hi]


def sentence_around(text: str, start: int, end: int) -> str:
    """The rest of the sentence holding text[start:end], the span itself left out."""
    lo, hi = _sentence_bounds(text, start, end)
    return text[lo:start] + " " + text[end:hi]


def named_not_used(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] is a word named as a word, or a title (of a work, a horse, a ship,
    a product: the match starts with a capital or a quote after the cue word)."""
    lo = max(0, start - 40)
    if _MENTION_BEFORE.search(text, lo, start) or _MENTION_AFTER.match(text, end):
        return True
    if _LANGUAGE_TALK.search(sentence_of(text, start, end)):
        return True
    capital = text[start:start + 1].isupper()
    if capital and (_NAME_BEFORE.search(text, lo, start) or _NAME_AFTER.match(text, end) or _THING_AFTER.match(text, end)
                    or _FRENCH_APPOSITION.match(text, end)
                    or (_ONE_CAPITALISED_WORD.fullmatch(text, start, end) and _ACRONYM_AFTER.match(text, end))):
        return True
    title = _TITLE_BEFORE.search(text, lo, start)
    return bool(title and (title.group("quote") or capital))
