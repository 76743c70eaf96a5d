"""A style data set for fine-tuning (lab 03): plain questions, answers in pirate speak.

    from deeplabs.llm.data import load_style_pairs, general_text, pirate
    train, test = load_style_pairs()       # lists of {"instruction", "response", "plain"}
    pirate("Yes, your ship is ready.")      # 'Arr! Aye, yer ship be ready. Yo ho ho!'
    passages = general_text()               # plain English paragraphs, to measure forgetting

Everything is generated here, deterministically, from small hand-written tables (no
download, redistributable): templated instructions with a plain answer, and the same answer
passed through `pirate`, a fixed word-level transform. The style is therefore measurable by
rule (`deeplabs.llm.judge.rule_score`). The split is by instruction (hash-based, ~15% test), so
test questions are never seen in training.
"""
from __future__ import annotations

import re
import zlib

# ---- the style --------------------------------------------------------------------------
OPENER, CLOSER = "Arr!", "Yo ho ho!"
WORDS = {  # plain -> pirate; only whole words, case kept on the first letter
    "you": "ye", "your": "yer", "yours": "yers", "is": "be", "are": "be", "my": "me",
    "friend": "matey", "friends": "mateys", "yes": "aye", "hello": "ahoy", "hi": "ahoy",
    "money": "doubloons", "boat": "ship", "boats": "ships", "stop": "avast",
}
_WORD = re.compile(r"[A-Za-z]+(?:'[a-z]+)?")


def _swap(match: re.Match) -> str:
    word = match.group(0)
    low = word.lower()
    if low in WORDS:
        new = WORDS[low]
    elif low.endswith("ing") and len(low) > 5:
        new = low[:-1] + "'"  # sailing -> sailin'
    else:
        return word
    return new[0].upper() + new[1:] if word[0].isupper() else new


def pirate(text: str) -> str:
    """The style transform: 'Arr!' + pirate words + 'Yo ho ho!' (deterministic)."""
    return f"{OPENER} {_WORD.sub(_swap, text.strip())} {CLOSER}"


# ---- the questions ---------------------------------------------------------------------
CAPITALS = {
    "France": "Paris", "Spain": "Madrid", "Italy": "Rome", "Germany": "Berlin", "Portugal": "Lisbon",
    "Greece": "Athens", "Norway": "Oslo", "Sweden": "Stockholm", "Finland": "Helsinki",
    "Denmark": "Copenhagen", "Poland": "Warsaw", "Austria": "Vienna", "Ireland": "Dublin",
    "Egypt": "Cairo", "Kenya": "Nairobi", "Japan": "Tokyo", "China": "Beijing", "India": "New Delhi",
    "Peru": "Lima", "Chile": "Santiago", "Canada": "Ottawa", "Mexico": "Mexico City",
    "Australia": "Canberra", "Turkey": "Ankara", "Hungary": "Budapest", "Cuba": "Havana",
    "Argentina": "Buenos Aires", "Thailand": "Bangkok", "Vietnam": "Hanoi", "Iceland": "Reykjavik",
}
ANIMALS = {  # animal: (legs, food, home)
    "cat": (4, "fish and meat", "houses"), "dog": (4, "meat and biscuits", "houses"),
    "horse": (4, "grass and hay", "fields and stables"), "cow": (4, "grass", "fields"),
    "chicken": (2, "seeds and grain", "farms"), "duck": (2, "plants and insects", "ponds"),
    "parrot": (2, "fruit and nuts", "forests"), "spider": (8, "insects", "webs"),
    "ant": (6, "seeds and sugar", "nests"), "bee": (6, "nectar and pollen", "hives"),
    "rabbit": (4, "grass and carrots", "burrows"), "frog": (4, "insects", "ponds"),
    "goat": (4, "grass and leaves", "hills"), "sheep": (4, "grass", "fields"),
    "owl": (2, "mice and insects", "trees"), "crab": (10, "small sea animals", "the seashore"),
    "octopus": (8, "crabs and fish", "the sea"), "penguin": (2, "fish", "icy coasts"),
    "bear": (4, "berries and fish", "forests"), "fox": (4, "mice and berries", "dens"),
    "pig": (4, "almost anything", "farms"), "squirrel": (4, "nuts and seeds", "trees"),
    "beetle": (6, "leaves and wood", "soil"), "seagull": (2, "fish and scraps", "coasts"),
}
COLOURS = {
    "the sky on a clear day": "blue", "grass": "green", "a ripe banana": "yellow", "snow": "white",
    "coal": "black", "a ripe tomato": "red", "an orange": "orange", "a lemon": "yellow",
    "a lime": "green", "milk": "white", "chocolate": "brown", "a pumpkin": "orange",
    "the sea on a sunny day": "blue", "a strawberry": "red", "an aubergine": "purple",
    "a flamingo": "pink", "charcoal": "grey", "a carrot": "orange", "a fire engine": "red",
    "a crow": "black",
}
OPPOSITES = {
    "hot": "cold", "big": "small", "fast": "slow", "happy": "sad", "light": "dark", "up": "down",
    "open": "closed", "early": "late", "full": "empty", "hard": "soft", "wet": "dry", "old": "new",
    "high": "low", "loud": "quiet", "strong": "weak", "rich": "poor", "near": "far", "thick": "thin",
    "heavy": "light", "clean": "dirty", "long": "short", "brave": "afraid", "first": "last",
    "cheap": "expensive", "true": "false",
}
USES = {
    "a hammer": "driving nails into wood", "a spoon": "eating soup and stirring", "a map": "finding your way",
    "a compass": "telling which way is north", "a rope": "tying things together", "a ladder": "climbing up high",
    "a lantern": "lighting your way in the dark", "an umbrella": "keeping you dry in the rain",
    "a kettle": "boiling water", "a needle": "sewing cloth", "a key": "opening a lock",
    "a telescope": "seeing things that are far away", "a broom": "sweeping the floor",
    "a bucket": "carrying water", "a saw": "cutting wood", "a pillow": "resting your head",
    "a clock": "telling the time", "a net": "catching fish", "an anchor": "keeping a boat in place",
    "a shovel": "digging holes", "a pen": "writing letters", "a candle": "giving a little light",
}
TIPS = {
    "sleeping well": "Go to bed at the same time every night and keep your room dark.",
    "learning a language": "Practise a little every day and speak with friends as often as you can.",
    "saving money": "Write down what you spend and put a small amount aside every week.",
    "staying healthy": "Eat vegetables, drink water and go for a walk every day.",
    "cooking rice": "Rinse the rice, use two cups of water for each cup of rice and keep the lid on.",
    "writing an essay": "Plan your main points first, then write one paragraph for each point.",
    "making friends": "Be curious about people, ask questions and remember what they tell you.",
    "keeping plants alive": "Check the soil with your finger and water only when it is dry.",
    "running a first race": "Start slowly, keep a steady pace and save your energy for the end.",
    "studying for an exam": "Test yourself with old questions instead of only reading your notes.",
    "packing for a trip": "Make a list, roll your clothes and pack the heavy things at the bottom.",
    "staying calm": "Take a slow, deep breath and count to ten before you answer.",
    "reading more books": "Carry a book with you and read a few pages whenever you are waiting.",
    "getting up early": "Put your alarm across the room so you have to stand up to stop it.",
    "painting a room": "Cover the floor, tape the edges and paint two thin coats.",
    "fixing a flat tyre": "Find the hole with soapy water, patch it and pump the tyre up again.",
    "learning to swim": "Start in shallow water, practise floating and breathe out slowly.",
    "keeping a diary": "Write three short lines every evening: it is easier than a page.",
    "baking bread": "Knead the dough well and let it rise somewhere warm until it doubles.",
    "finding your way": "Look at the map before you leave and note a few landmarks on the route.",
}
NUMBERS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
           "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
           "nineteen", "twenty"]
CLOSERS = ["", " I hope that helps you, my friend.", " Is there anything else you want to know?",
           " Let me know if you have more questions.", " You are welcome to ask me more."]


def _closer(key: str) -> str:
    return CLOSERS[zlib.crc32(key.encode()) % len(CLOSERS)]


def plain_pairs() -> list[tuple[str, str]]:
    """(instruction, plain answer) for every template and table entry, in a fixed order."""
    pairs = []
    for country, city in CAPITALS.items():
        pairs.append((f"What is the capital of {country}?", f"The capital of {country} is {city}."))
        pairs.append((f"Which country has {city} as its capital?", f"{city} is the capital of {country}."))
    for animal, (legs, food, home) in ANIMALS.items():
        pairs.append((f"How many legs does a {animal} have?", f"A {animal} has {NUMBERS[legs]} legs."))
        pairs.append((f"What does a {animal} eat?", f"A {animal} eats mostly {food}."))
        pairs.append((f"Where does a {animal} live?", f"You can find a {animal} living in {home}."))
        pairs.append((f"Tell me about the {animal}.",
                       f"The {animal} is an animal with {NUMBERS[legs]} legs. It eats {food} and lives in {home}."))
    for thing, colour in COLOURS.items():
        pairs.append((f"What colour is {thing}?", f"The colour of {thing} is {colour}."))
        pairs.append((f"Is {thing} {colour}?", f"Yes, {thing} is {colour}."))
    for word, opposite in OPPOSITES.items():
        pairs.append((f"What is the opposite of {word}?", f"The opposite of {word} is {opposite}."))
    for tool, use in USES.items():
        pairs.append((f"What is {tool} used for?", f"{tool[0].upper() + tool[1:]} is used for {use}."))
    for topic, tip in TIPS.items():
        pairs.append((f"Give me a tip for {topic}.", f"Here is my tip for {topic}: {tip}"))
    for a in range(2, 16):
        for b in range(1, 9):
            pairs.append((f"What is {a} plus {b}?", f"{a} plus {b} is {a + b}."))
            if a > b:
                pairs.append((f"What is {a} minus {b}?", f"{a} minus {b} is {a - b}."))
            if a < 10 and b > 1:
                pairs.append((f"What is {a} times {b}?", f"{a} times {b} is {a * b}."))
    for name in ["Anna", "Ben", "Chloe", "David", "Emma", "Felix", "Grace", "Hugo", "Iris", "Jack"]:
        pairs.append((f"Say hello to my friend {name}.", f"Hello {name}! It is nice to meet you."))
        pairs.append((f"Can you help me, {name} here?", f"Yes, {name}, I am happy to help you. What do you need?"))
    return [(q, a + _closer(q)) for q, a in pairs]


def is_test(instruction: str, test_fraction: float = 0.15) -> bool:
    return zlib.crc32(instruction.encode()) % 1000 < test_fraction * 1000


def load_style_pairs(test_fraction: float = 0.15) -> tuple[list[dict], list[dict]]:
    """(train, test): dicts with the instruction, the styled response and the plain answer."""
    train, test = [], []
    for instruction, plain in plain_pairs():
        row = {"instruction": instruction, "response": pirate(plain), "plain": plain}
        (test if is_test(instruction, test_fraction) else train).append(row)
    return train, test


# ---- general text, to measure forgetting ---------------------------------------------------
GENERAL_TEXT = [
    "The river rises in the hills to the north and flows slowly through farmland before it reaches the sea. "
    "In spring the water is high and brown; by late summer it is clear enough to see the stones on the bottom.",
    "Bread is made from flour, water, salt and yeast. The yeast feeds on the sugars in the flour and releases gas, "
    "which makes the dough rise. Baking sets the structure and browns the crust.",
    "A library lends books, newspapers and recordings to anyone who lives nearby. Many libraries also offer quiet "
    "rooms for study, computers for public use and reading groups for children.",
    "The heart is a muscle that pumps blood around the body. Arteries carry blood away from the heart, and veins "
    "bring it back. An adult heart beats around seventy times a minute at rest.",
    "Trains connect the city with the towns along the coast. The first train leaves at six in the morning and the "
    "last one returns shortly before midnight, so most people can travel without a car.",
    "Photosynthesis is the process by which plants use sunlight, water and carbon dioxide to make sugar. Oxygen is "
    "released as a by-product, which is why forests are important for the air we breathe.",
    "The museum holds a large collection of old maps. Some were drawn by hand on animal skin, and several show "
    "coastlines that turned out to be wrong when later travellers measured them.",
    "Learning to play an instrument takes patience. Most teachers recommend short daily practice rather than long "
    "sessions once a week, because the hands and the ear improve through repetition.",
    "Bees visit flowers to collect nectar and pollen. As they move from plant to plant they carry pollen with them, "
    "and this helps many fruits and vegetables to grow.",
    "The town council meets on the first Monday of every month. Residents may attend the meeting and ask questions "
    "about roads, schools, parks and the local budget.",
    "Glaciers form where more snow falls in winter than melts in summer. Over many years the snow is pressed into "
    "ice, which slowly flows downhill under its own weight and shapes the valleys below.",
    "A good night's sleep helps memory and mood. Adults usually need between seven and nine hours, while children "
    "and teenagers need more because their bodies and brains are still growing.",
    "The market opens early on Saturdays. Farmers sell vegetables, cheese and eggs, and a baker sets up a stall with "
    "fresh bread that is often sold out before ten o'clock.",
    "Electric current is the flow of charge through a conductor such as a copper wire. The voltage pushes the "
    "charge, and the resistance of the wire limits how much current can flow.",
    "Mountains change the weather around them. Moist air that is forced upwards cools and forms clouds, so the side "
    "facing the wind is often wet while the far side stays dry.",
    "Chess is played on a board of sixty-four squares. Each player starts with sixteen pieces, and the aim of the "
    "game is to trap the opposing king so that it cannot escape.",
]


def general_text() -> list[str]:
    """Plain English paragraphs (written for this course, public domain)."""
    return list(GENERAL_TEXT)
