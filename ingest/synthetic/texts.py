"""Text templates whose words carry the ground-truth sentiment and intent (data + fill-in)."""

from __future__ import annotations

from random import Random
from typing import NamedTuple

from ingest.synthetic.seeds import pick


class Template(NamedTuple):
    """One utterance pattern with the sentiment its words express."""

    sentiment: str
    text: str
    language: str = "en"


INTENTS = (
    "purchase_intent",
    "complaint",
    "praise",
    "question",
    "churn_risk",
    "recommendation",
    "other",
)
SENTIMENTS = ("positive", "neutral", "negative")

# Slots: {product} {brand} {competitor} {days} {mention} (an @handle plus a space, or "").
TEMPLATES: dict[str, tuple[Template, ...]] = {
    "praise": (
        Template(
            "positive",
            "Absolutely love my new {product}! Setup took two minutes and it "
            "just works. Well done {brand}.",
        ),
        Template(
            "positive",
            "{mention}The {product} is the best thing I bought this year. "
            "Great sound, zero hassle.",
        ),
        Template(
            "positive",
            "Huge thanks to the {brand} support team, they fixed my {product} "
            "issue in one call. Brilliant service!",
        ),
        Template(
            "positive",
            "Six months with the {product} and still impressed. Rock solid, highly recommended.",
        ),
        Template(
            "positive",
            "Credit where it's due: {brand} replaced my faulty {product} the "
            "next day. Fantastic customer service.",
        ),
        Template(
            "positive",
            "Ich bin begeistert vom {product}! Einfach einzurichten und läuft super stabil.",
            "de",
        ),
        Template(
            "positive",
            "Franchement ravi de mon {product}, installation rapide et qualité au top.",
            "fr",
        ),
        Template(
            "positive",
            "Encantada con mi {product}, funciona genial y el soporte de {brand} es excelente.",
            "es",
        ),
    ),
    "complaint": (
        Template(
            "negative",
            "Third time this month my {product} has stopped working. {brand}, "
            "this is unacceptable.",
        ),
        Template(
            "negative",
            "Still waiting {days} days for a refund on my {product}. Worst "
            "customer service I have ever dealt with.",
        ),
        Template(
            "negative",
            "{mention}Don't buy the {product}. Mine died after two weeks and "
            "{brand} keeps ignoring my emails.",
        ),
        Template(
            "negative",
            "The latest update broke my {product} completely. Really disappointed, {brand}.",
        ),
        Template(
            "negative",
            "Paid for express delivery and my {product} arrived broken. Terrible experience.",
        ),
        Template(
            "negative",
            "Mein {product} ist schon wieder kaputt. Der Support von {brand} ist eine Katastrophe.",
            "de",
        ),
        Template(
            "negative",
            "Mon {product} ne marche plus depuis {days} jours, service client "
            "injoignable. Très déçu.",
            "fr",
        ),
        Template(
            "negative",
            "Mi {product} ha dejado de funcionar y nadie de {brand} me responde. Fatal.",
            "es",
        ),
    ),
    "churn_risk": (
        Template(
            "negative",
            "Seriously thinking about cancelling my {brand} subscription and "
            "switching to {competitor}.",
        ),
        Template(
            "negative",
            "{competitor} is cheaper and actually works. Why am I still paying "
            "{brand} for the {product}?",
        ),
        Template(
            "negative",
            "Done with {brand}. Moving everything to {competitor} at the end of the month.",
        ),
        Template("negative", "How do I cancel my {product}? Not worth the money anymore."),
        Template("negative", "Ich kündige mein {product}-Abo und wechsle zu {competitor}.", "de"),
        Template(
            "negative", "Je vais résilier mon abonnement {brand} et passer chez {competitor}.", "fr"
        ),
    ),
    "purchase_intent": (
        Template("neutral", "Considering the {product}, any alternatives I should look at?"),
        Template(
            "neutral", "{mention}Is the {product} worth it? Thinking of getting one for the office."
        ),
        Template("positive", "Ready to buy the {product} this weekend, can't wait to try it!"),
        Template("neutral", "Comparing the {product} with {competitor}. Which one would you pick?"),
        Template(
            "neutral",
            "Looking for a quote for {days} units of the {product} for our "
            "team. Who should I talk to?",
        ),
        Template("neutral", "Überlege, mir den {product} zu kaufen. Hat jemand Erfahrungen?", "de"),
        Template("neutral", "¿Alguien tiene el {product}? Estoy pensando en comprarlo.", "es"),
    ),
    "question": (
        Template(
            "neutral",
            "Does the {product} work with {competitor} accessories? Can't find it in the manual.",
        ),
        Template("neutral", "How do I reset my {product} to factory settings?"),
        Template("neutral", "Quick question: can the {product} run without Wi-Fi?"),
        Template("neutral", "{mention}do you know if the {product} supports two accounts?"),
        Template("neutral", "When will the {product} be back in stock?"),
        Template("neutral", "Comment on connecte le {product} à l'application ?", "fr"),
        Template("neutral", "Wie aktualisiere ich die Firmware vom {product}?", "de"),
    ),
    "recommendation": (
        Template(
            "positive", "{mention}you should get the {product}, best purchase I made this year."
        ),
        Template(
            "positive",
            "If you're setting up a smart home, start with the {product}. "
            "Can't recommend {brand} enough.",
        ),
        Template(
            "positive",
            "{mention}told you about the {product} last week, here's my "
            "referral link, you'll love it.",
        ),
        Template(
            "positive", "Everyone asking what I use: the {product} by {brand}. Worth every penny."
        ),
    ),
    "other": (
        Template("neutral", "Busy week ahead, coffee first."),
        Template("neutral", "Anyone going to the smart home meetup on Thursday?"),
        Template("neutral", "{mention}see you at the conference tomorrow."),
        Template("positive", "What a beautiful morning for a run."),
        Template("neutral", "Moving offices this week, expect slow replies."),
        Template("negative", "Train delayed again. Great start to Monday."),
    ),
}

# Share of each intent (percent) in what a person of each persona says.
PERSONA_INTENTS: dict[str, tuple[tuple[str, int], ...]] = {
    "promoter": (
        ("praise", 35),
        ("recommendation", 20),
        ("purchase_intent", 15),
        ("question", 10),
        ("other", 20),
    ),
    "passive": (
        ("question", 25),
        ("purchase_intent", 20),
        ("other", 35),
        ("praise", 10),
        ("complaint", 10),
    ),
    "detractor": (
        ("complaint", 40),
        ("churn_risk", 25),
        ("question", 15),
        ("other", 15),
        ("praise", 5),
    ),
}

# What reviewers of each persona write about (no chit-chat, no tagging friends).
REVIEW_INTENTS: dict[str, tuple[str, ...]] = {
    "promoter": ("praise", "praise", "praise", "recommendation"),
    "passive": ("praise", "question", "complaint", "purchase_intent"),
    "detractor": ("complaint", "complaint", "churn_risk"),
}

# Words of our own staff answering in the help desk.
AGENT_REPLIES: tuple[Template, ...] = (
    Template(
        "neutral",
        "Thanks for reaching out about your {product}. Could you send us the "
        "serial number and a photo of the device?",
    ),
    Template(
        "positive",
        "Happy to help! I've issued a replacement {product}; you'll get a tracking link by email.",
    ),
    Template(
        "neutral",
        "Sorry for the trouble with the {product}. Please try a factory reset "
        "and let us know if the issue persists.",
    ),
    Template(
        "positive",
        "Great news: the refund for your {product} has been processed and "
        "should arrive within {days} days.",
    ),
    Template(
        "neutral",
        "I've escalated your case to our technical team and will update you "
        "as soon as I hear back.",
    ),
)

SUPPORT_SUBJECTS = (
    "{product} won't connect to Wi-Fi",
    "Refund for {product}",
    "{product} arrived damaged",
    "Question about my {product} subscription",
    "Cannot log in to the app",
    "{product} firmware update failed",
    "Invoice missing for {product}",
    "How to pair the {product}",
    "Delivery delayed",
    "Change billing address",
)

PRIVATE_NOTES = (
    "Customer was upset on the phone; offered a 10% voucher.",
    "Known firmware issue, linked to the engineering ticket.",
    "Second replacement this year; flag for quality review.",
    "Asked us not to call before 10am.",
    "VIP customer, handle with priority.",
    "Threatened to post a bad review; escalated to team lead.",
    "Payment failed twice; card expired.",
)

HOBBIES = (
    "trail running",
    "coffee snob",
    "amateur photographer",
    "dog person",
    "home cook",
    "cyclist",
    "bookworm",
    "gardener",
    "gamer",
    "traveller",
    "climber",
    "vinyl collector",
    "dad of two",
    "mum of three",
    "smart home nerd",
    "football fan",
    "yoga",
    "sailing",
)


def pick_intent(rng: Random, persona: str) -> str:
    """An intent drawn from the persona's mix."""
    roll = int(rng.random() * 100)
    for intent, share in PERSONA_INTENTS[persona]:
        if roll < share:
            return intent
        roll -= share
    return "other"


def pick_template(rng: Random, intent: str, language: str) -> Template:
    """A template of `intent`, in `language` when one exists and chance says so."""
    choices = TEMPLATES[intent]
    local = [t for t in choices if t.language == language]
    if language != "en" and local and rng.random() < 0.5:
        return pick(rng, local)
    return pick(rng, [t for t in choices if t.language == "en"])
