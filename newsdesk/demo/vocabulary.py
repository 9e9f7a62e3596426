"""Persons and topics the demo tags articles with: matched by name in the real texts, never invented."""

# name, description, Wikidata id, the phrases that mention them
PERSONS = [
    ("Vladimir Putin", "President of Russia", "Q7747", ["Vladimir Putin", "President Putin"]),
    ("Donald Trump", "45th President of the United States", "Q22686", ["Donald Trump", "President Trump"]),
    ("Sergey Lavrov", "Russian Foreign Minister", "Q150851", ["Sergey Lavrov", "Lavrov"]),
    ("Dmitry Peskov", "Kremlin spokesman", "Q4160393", ["Dmitry Peskov", "Peskov"]),
    ("Dmitry Medvedev", "Prime Minister of Russia", "Q23530", ["Dmitry Medvedev", "Medvedev"]),
    ("Sergey Shoigu", "Russian Defense Minister", "Q313094", ["Sergey Shoigu", "Shoigu"]),
    ("Maria Zakharova", "Russian Foreign Ministry spokeswoman", "Q4281386", ["Maria Zakharova", "Zakharova"]),
    ("Sergey Ryabkov", "Russian Deputy Foreign Minister", "Q4401574", ["Sergey Ryabkov", "Ryabkov"]),
    ("Angela Merkel", "Chancellor of Germany", "Q567", ["Angela Merkel", "Merkel"]),
    ("Recep Tayyip Erdogan", "President of Turkey", "Q39723", ["Erdogan"]),
    ("Bashar al-Assad", "President of Syria", "Q44329", ["Bashar al-Assad", "Assad"]),
    ("Petro Poroshenko", "President of Ukraine", "Q3785", ["Poroshenko"]),
    ("Barack Obama", "44th President of the United States", "Q76", ["Barack Obama", "Obama"]),
    ("Theresa May", "Prime Minister of the United Kingdom", "Q264766", ["Theresa May"]),
    ("Xi Jinping", "President of China", "Q15031", ["Xi Jinping"]),
]

# name, IPTC Media Topic code, description, phrases
TOPICS = [
    ("Foreign policy", "medtop:20000638", "Russia's relations with other states.", ["foreign minist", "diplomat", "bilateral relations", "foreign policy"]),
    ("Syria", "medtop:20000056", "The Syrian war and its settlement.", ["Syria"]),
    ("Ukraine", "medtop:20000056", "Ukraine, Donbass and the Minsk agreements.", ["Ukraine", "Donbass", "Kiev"]),
    ("Sanctions", "medtop:20000642", "Sanctions and counter-sanctions.", ["sanction"]),
    ("Oil and gas", "medtop:20001243", "Oil, gas and pipelines.", ["oil", "gas pipeline", "Gazprom", "OPEC"]),
    ("Space", "medtop:20000739", "Space exploration and launches.", ["space", "cosmonaut", "Roscosmos", "orbit"]),
    ("Elections", "medtop:20000574", "Elections in Russia and abroad.", ["election"]),
    ("Terrorism", "medtop:20000103", "Terrorist attacks and counter-terrorism.", ["terror"]),
    ("Football", "medtop:20001065", "Football, the 2017 Confederations Cup and the 2018 World Cup.", ["football", "World Cup"]),
    ("Doping", "medtop:20001105", "Doping in sport.", ["doping", "WADA"]),
]  # fmt: skip
