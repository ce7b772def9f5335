"""A seeded multilingual world of events for scoring grouping and expectations (`onrecord sim run events`).

Five fictional governments speak English, German, Russian, French and Greek, each on its own feed (two
of them also on a page for one readout); two news outlets relay them in English and Russian. Leaders call
and meet in pairs; the one who calls publishes a readout naming the other in its headline, the other
answers in its own language with names in its own script, usually within 25-110 minutes, sometimes
hours late. Around the readouts the same governments publish unrelated statements (the hard negatives),
some of which mention the counterpart in passing, and a pair sometimes meets again the same day on
another subject.

Ground truth, written into the scenario: every publish carries its event; an `overdue` is expected for a
late answer once the answering side has at least three earlier answers to the same caller already seen
(or a rule covers the pair), between the latest usual answer time and the late answer, and an
`expectation_met` when that answer comes. An actor with no history and no rule must never be overdue.

    python -m onrecord.sim.eventsworld --events 60 --seed 12 > src/onrecord/sim/scenarios/events.toml
"""

from __future__ import annotations

import argparse
import json
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

START = datetime(2026, 5, 4, 6, 0, tzinfo=UTC)
NORMAL = (25 * 60, 110 * 60)  # usual answer delay, seconds
LATE = (6 * 3600, 9 * 3600)
POLL = 600  # principals' feeds
MIN_HISTORY = 3
RULE_S = 3 * 3600  # the scenario's rule: Ostria answers Aldoria within 3 h


def _usual(delays: list[float]) -> float:
    """The usual delay as docs/events.md defines it: the longest (fewer than ten) or the 90th percentile
    of the delays that are at most three times the median."""
    ordered = sorted(delays)
    n = len(ordered)
    median = ordered[n // 2] if n % 2 else (ordered[n // 2 - 1] + ordered[n // 2]) / 2
    kept = [d for d in ordered if d <= 3 * median] or ordered
    return kept[-1] if len(kept) < 10 else kept[-(-len(kept) * 90 // 100) - 1]


@dataclass(frozen=True)
class Gov:
    key: str
    actor: str
    site_title: str
    lang: str
    feed: str
    leader: dict[str, str]  # language -> leader's name as written in it (native script)
    title: dict[str, str]  # language -> the leader's office as written in it
    aliases: tuple[str, ...]


GOVS = [
    Gov(
        "aldoria",
        "President of Aldoria",
        "Office of the President of Aldoria",
        "en",
        "rss",
        {"en": "Holt", "de": "Holt", "ru": "Хольт", "fr": "Holt", "el": "Χολτ"},
        {"en": "President", "de": "Präsident", "ru": "Президент", "fr": "le Président", "el": "Πρόεδρος"},
        ("Holt", "Χολτ"),  # Greek Χ folds to "ch": the folding does not reach it
    ),
    Gov(
        "vestmark",
        "Chancellor of Vestmark",
        "Bundeskanzleramt Vestmark",
        "de",
        "atom",
        {"en": "Falk", "de": "Falk", "ru": "Фальк", "fr": "Falk", "el": "Φαλκ"},
        {"en": "Chancellor", "de": "Bundeskanzler", "ru": "Канцлер", "fr": "le Chancelier", "el": "Καγκελάριος"},
        ("Falk",),
    ),
    Gov(
        "rusovia",
        "President of Rusovia",
        "Администрация Президента Русовии",
        "ru",
        "rss",
        {"en": "Gromov", "de": "Gromow", "ru": "Громов", "fr": "Gromov", "el": "Γκρόμοφ"},
        {"en": "President", "de": "Präsident", "ru": "Президент", "fr": "le Président", "el": "Πρόεδρος"},
        ("Громов", "Gromov", "Gromow", "Γκρόμοφ"),
    ),
    Gov(
        "valmont",
        "President of Valmont",
        "Présidence de la République de Valmont",
        "fr",
        "rss",
        {"en": "Lefèvre", "de": "Lefèvre", "ru": "Лефевр", "fr": "Lefèvre", "el": "Λεφέβρ"},
        {"en": "President", "de": "Präsident", "ru": "Президент", "fr": "le Président", "el": "Πρόεδρος"},
        ("Lefèvre", "Лефевр", "Λεφέβρ"),
    ),
    Gov(
        "ostria",
        "Prime Minister of Ostria",
        "Γραφείο Πρωθυπουργού της Οστρίας",
        "el",
        "atom",
        {"en": "Papadakis", "de": "Papadakis", "ru": "Пападакис", "fr": "Papadakis", "el": "Παπαδάκης"},
        {
            "en": "Prime Minister",
            "de": "Ministerpräsident",
            "ru": "Премьер-министр",
            "fr": "le Premier ministre",
            "el": "Πρωθυπουργός",
        },
        ("Papadakis", "Παπαδάκης"),
    ),
]
RELAYS = [
    ("ledger", "The Northern Ledger", "en", "json"),
    ("vestnik", "Вестник Севера", "ru", "rss"),
]
PLACES = [
    {"en": "Geneva", "de": "Genf", "ru": "Женеве", "fr": "Genève", "el": "Γενεύη"},
    {"en": "Vienna", "de": "Wien", "ru": "Вене", "fr": "Vienne", "el": "Βιέννη"},
    {"en": "Brussels", "de": "Brüssel", "ru": "Брюсселе", "fr": "Bruxelles", "el": "Βρυξέλλες"},
    {"en": "Danube", "de": "Donau", "ru": "Дунае", "fr": "Danube", "el": "Δούναβη"},
    {"en": "Baltic", "de": "Ostsee", "ru": "Балтике", "fr": "Baltique", "el": "Βαλτική"},
    {"en": "Oslo", "de": "Oslo", "ru": "Осло", "fr": "Oslo", "el": "Όσλο"},
]
TOPICS = [
    {
        "en": "the gas pipeline and energy prices",
        "de": "die Gasleitung und die Energiepreise",
        "ru": "газопровод и цены на энергоносители",
        "fr": "le gazoduc et les prix de l'énergie",
        "el": "τον αγωγό φυσικού αερίου και τις τιμές ενέργειας",
    },
    {
        "en": "the exchange of detained citizens",
        "de": "den Austausch inhaftierter Staatsbürger",
        "ru": "обмен задержанными гражданами",
        "fr": "l'échange de ressortissants détenus",
        "el": "την ανταλλαγή κρατουμένων πολιτών",
    },
    {
        "en": "grain exports through the ports",
        "de": "Getreideexporte über die Häfen",
        "ru": "экспорт зерна через порты",
        "fr": "les exportations de céréales par les ports",
        "el": "τις εξαγωγές σιτηρών μέσω των λιμανιών",
    },
    {
        "en": "the border crossing points",
        "de": "die Grenzübergänge",
        "ru": "пункты пропуска на границе",
        "fr": "les points de passage frontaliers",
        "el": "τα σημεία διέλευσης των συνόρων",
    },
    {
        "en": "the nuclear power plant's safety",
        "de": "die Sicherheit des Kernkraftwerks",
        "ru": "безопасность атомной электростанции",
        "fr": "la sûreté de la centrale nucléaire",
        "el": "την ασφάλεια του πυρηνικού σταθμού",
    },
]
DOMESTIC = [
    {
        "en": (
            "{T} {L} opens the new hospital in {C}",
            "{T} {L} opened a hospital with {n} beds in {C}. The project cost {m} million.",
        ),
        "de": (
            "{T} {L} eröffnet Krankenhaus in {C}",
            "{T} {L} hat in {C} ein Krankenhaus mit {n} Betten eröffnet. Das Projekt kostete {m} Millionen.",
        ),
        "ru": (
            "{T} {L} открыл новую больницу в городе {C}",
            "{T} {L} открыл в городе {C} больницу на {n} коек. Проект стоил {m} миллионов.",
        ),
        "fr": (
            "{T} {L} inaugure l'hôpital de {C}",
            "{T} {L} a inauguré à {C} un hôpital de {n} lits. Le projet a coûté {m} millions.",
        ),
        "el": (
            "Ο {T} {L} εγκαινίασε νοσοκομείο στην {C}",
            "Ο {T} {L} εγκαινίασε στην {C} νοσοκομείο {n} κλινών. Το έργο κόστισε {m} εκατομμύρια.",
        ),
    },
    {
        "en": (
            "Statement on the flood in {C}",
            "{T} {L} expressed condolences after the flood in {C}, where {n} homes "
            "were damaged. Aid of {m} million was approved.",
        ),
        "de": (
            "Erklärung zum Hochwasser in {C}",
            "{T} {L} sprach nach dem Hochwasser in {C}, bei dem {n} Häuser "
            "beschädigt wurden, sein Beileid aus. Hilfen von {m} Millionen wurden bewilligt.",
        ),
        "ru": (
            "Заявление в связи с наводнением в городе {C}",
            "{T} {L} выразил соболезнования после наводнения в "
            "городе {C}, где пострадали {n} домов. Выделено {m} миллионов.",
        ),
        "fr": (
            "Déclaration sur les inondations à {C}",
            "{T} {L} a exprimé ses condoléances après les inondations à "
            "{C}, où {n} maisons ont été endommagées. Une aide de {m} millions a été approuvée.",
        ),
        "el": (
            "Δήλωση για την πλημμύρα στην {C}",
            "Ο {T} {L} εξέφρασε συλλυπητήρια μετά την πλημμύρα στην {C}, "
            "όπου υπέστησαν ζημιές {n} σπίτια. Εγκρίθηκε βοήθεια {m} εκατομμυρίων.",
        ),
    },
]
CITIES = {
    "aldoria": ["Port Calder", "Westbury", "Hallam"],
    "vestmark": ["Kornhafen", "Steinau", "Lindwerder"],
    "rusovia": ["Северск", "Озёрск", "Камень"],
    "valmont": ["Saint-Aubin", "Mirecourt", "Valbonne"],
    "ostria": ["Κάστρο", "Λιμένα", "Ορεινή"],
}
PASSING = {
    "en": " The {T} also recalled last year's talks with {O}.",
    "de": " Der {T} erinnerte zudem an die Gespräche mit {O} im vergangenen Jahr.",
    "ru": " {T} также напомнил о прошлогодних переговорах с {O}.",
    "fr": " {T} a aussi rappelé les entretiens de l'an dernier avec {O}.",
    "el": " Ο {T} θύμισε επίσης τις περσινές συνομιλίες με τον {O}.",
}


FILLER = {
    "en": [
        "The conversation was frank and businesslike.",
        "Both leaders noted the progress of the working groups.",
        "Humanitarian questions were also touched upon.",
        "The call was held at the initiative of the other side.",
        "Further steps will be prepared by the foreign ministries.",
        "Regional security was also on the agenda.",
        "Both sides stressed the importance of regular dialogue.",
        "A follow-up meeting of experts is planned.",
    ],
    "de": [
        "Das Gespräch verlief offen und sachlich.",
        "Beide würdigten die Fortschritte der Arbeitsgruppen.",
        "Auch humanitäre Fragen wurden angesprochen.",
        "Das Telefonat fand auf Initiative der anderen Seite statt.",
        "Weitere Schritte bereiten die Außenministerien vor.",
        "Auch die regionale Sicherheit war Thema.",
        "Beide betonten die Bedeutung eines regelmäßigen Dialogs.",
        "Ein Expertentreffen ist geplant.",
    ],
    "ru": [
        "Разговор носил откровенный и деловой характер.",
        "Отмечен прогресс в работе рабочих групп.",
        "Затронуты также гуманитарные вопросы.",
        "Разговор состоялся по инициативе другой стороны.",
        "Дальнейшие шаги подготовят министерства иностранных дел.",
        "Обсуждалась и региональная безопасность.",
        "Стороны подчеркнули важность регулярного диалога.",
        "Запланирована встреча экспертов.",
    ],
    "fr": [
        "L'entretien a été franc et constructif.",
        "Les progrès des groupes de travail ont été salués.",
        "Les questions humanitaires ont également été abordées.",
        "L'appel a eu lieu à l'initiative de l'autre partie.",
        "Les ministères des affaires étrangères prépareront la suite.",
        "La sécurité régionale a aussi été évoquée.",
        "Les deux parties ont souligné l'importance d'un dialogue régulier.",
        "Une réunion d'experts est prévue.",
    ],
    "el": [
        "Η συνομιλία ήταν ειλικρινής και εποικοδομητική.",
        "Σημειώθηκε πρόοδος στις ομάδες εργασίας.",
        "Συζητήθηκαν επίσης ανθρωπιστικά ζητήματα.",
        "Η κλήση έγινε με πρωτοβουλία της άλλης πλευράς.",
        "Τα επόμενα βήματα θα προετοιμάσουν τα υπουργεία εξωτερικών.",
        "Συζητήθηκε και η περιφερειακή ασφάλεια.",
        "Τονίστηκε η σημασία του τακτικού διαλόγου.",
        "Προγραμματίζεται συνάντηση εμπειρογνωμόνων.",
    ],
}


def _vary(rng: random.Random, lang: str, text: str) -> str:
    """Two to four stock sentences in a random order after the text, so readouts of one kind differ."""
    extra = rng.sample(FILLER[lang], rng.randint(2, 4))
    return " ".join([text, *extra])


def _readout(
    kind: str, lang: str, me: Gov, other: Gov, topic: dict[str, str], place: dict[str, str], n1: int, n2: int, day: int
) -> tuple[str, str]:
    T, L = me.title[lang], me.leader[lang]
    OT, OL = other.title[lang], other.leader[lang]
    t, p = topic[lang], place[lang]
    if lang == "en":
        head = f"Telephone conversation with {OT} {OL}" if kind == "call" else f"{T} {L} meets {OT} {OL} in {p}"
        body = (
            f"On {day} May {T} {L} held talks with {OT} {OL}. They discussed {t}, including {n1} "
            f"specialists to be sent to {p}. The sides agreed on a package of {n2} million and to stay in contact."
        )
    elif lang == "de":
        head = f"Telefonat mit {OT} {OL}" if kind == "call" else f"{T} {L} trifft {OT} {OL} in {p}"
        body = (
            f"Am {day}. Mai führte {T} {L} Gespräche mit {OT} {OL}. Erörtert wurden {t}, darunter die "
            f"Entsendung von {n1} Fachleuten nach {p}. Vereinbart wurde ein Paket von {n2} Millionen; "
            f"man bleibt in Kontakt."
        )
    elif lang == "ru":
        ot = OT.lower() + "ом"
        inst = OL + ("ом" if OL[-1] not in "аяс" else "")
        head = f"Телефонный разговор с {ot} {inst}" if kind == "call" else f"{T} {L} встретился с {ot} {inst} в {p}"
        body = (
            f"{day} мая {T} {L} провёл переговоры с {ot} {inst}. Обсуждались {t}, в том числе направление "
            f"{n1} специалистов в {p}. Стороны договорились о пакете в {n2} миллионов и продолжат контакты."
        )
    elif lang == "fr":
        head = (
            f"Entretien téléphonique avec {OT} {OL}"
            if kind == "call"
            else f"{T.capitalize()} {L} reçoit {OT} {OL} à {p}"
        )
        body = (
            f"Le {day} mai, {T} {L} s'est entretenu avec {OT} {OL}. Ils ont évoqué {t}, dont l'envoi de {n1} "
            f"spécialistes à {p}. Les deux parties sont convenues d'un paquet de {n2} millions."
        )
    else:
        head = (
            f"Τηλεφωνική επικοινωνία με τον {OT} {OL}"
            if kind == "call"
            else f"Ο {T} {L} συναντήθηκε με τον {OT} {OL} στη {p}"
        )
        body = (
            f"Στις {day} Μαΐου ο {T} {L} είχε συνομιλίες με τον {OT} {OL}. Συζήτησαν {t}, μεταξύ άλλων την "
            f"αποστολή {n1} ειδικών στη {p}. Συμφωνήθηκε πακέτο {n2} εκατομμυρίων."
        )
    return head, body


def _relay(lang: str, a: Gov, b: Gov, topic: dict[str, str], n1: int, n2: int) -> tuple[str, str]:
    if lang == "en":
        return (
            f"{a.leader['en']} and {b.leader['en']} discuss {topic['en']}",
            f"{a.title['en']} {a.leader['en']} and {b.title['en']} {b.leader['en']} discussed {topic['en']}, "
            f"their offices said. {n1} specialists and {n2} million are part of the plan.",
        )
    return (
        f"{a.leader['ru']} и {b.leader['ru']} обсудили {topic['ru']}",
        f"{a.leader['ru']} и {b.leader['ru']} обсудили {topic['ru']}, сообщили их пресс-службы. "
        f"План предусматривает {n1} специалистов и {n2} миллионов.",
    )


def _iso(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def generate(events: int = 60, seed: int = 12, name: str = "events") -> dict[str, Any]:
    rng = random.Random(seed)
    govs = {g.key: g for g in GOVS}
    principals = ["aldoria", "vestmark", "rusovia", "valmont"]
    pubs: list[dict[str, Any]] = []
    expect: list[dict[str, Any]] = []
    answers: dict[tuple[str, str], list[tuple[datetime, float]]] = {}  # (caller, answerer) -> (time, delay)
    rules = [{"actor": govs["ostria"].actor, "after": govs["aldoria"].actor, "within": f"{RULE_S}s"}]
    ruled = {("aldoria", "ostria")}
    t = START + timedelta(hours=1)
    seq = 0
    last_pair: tuple[str, str] | None = None
    page_items: dict[str, str] = {}
    page_at: dict[str, datetime] = {}

    def pub(at: datetime, site: str, title: str, text: str, lang: str, event: str) -> str:
        nonlocal seq
        seq += 1
        item = f"{site}-{seq:04d}"
        pubs.append(
            {
                "at": _iso(at),
                "do": "publish",
                "site": site,
                "item": item,
                "title": title,
                "text": text,
                "lang": lang,
                "event": event,
            }
        )
        return item

    for i in range(events):
        ev = f"ev{i + 1:03d}"
        # who calls whom: mostly the four principals; Ostria (Greek) joins in the second half
        if i >= events // 2 and rng.random() < 0.25:
            caller, answerer = rng.choice([("aldoria", "ostria"), ("ostria", "vestmark"), ("ostria", "aldoria")])
        elif last_pair is not None and rng.random() < 0.12:
            caller, answerer = last_pair[1], last_pair[0]  # the same pair again, the same day: hard
        else:
            caller, answerer = rng.sample(principals, 2)
        last_pair = (caller, answerer)
        a, b = govs[caller], govs[answerer]
        kind = rng.choice(["call", "call", "meeting"])
        topic, place = rng.choice(TOPICS), rng.choice(PLACES)
        n1, n2 = rng.randint(12, 480), rng.randint(20, 990)
        day = t.day
        ta = t
        h, txt = _readout(kind, a.lang, a, b, topic, place, n1, n2, day)
        txt = _vary(rng, a.lang, txt)
        item_a = pub(ta, caller, h, txt, a.lang, ev)
        past = answers.get((caller, answerer), [])
        seen = [d for x, d in past if x + timedelta(seconds=2 * POLL + 60) < ta]
        maybe = [d for x, d in past if x < ta]
        ruled_pair = (caller, answerer) in ruled
        can_fire = len(seen) >= MIN_HISTORY or ruled_pair
        unsure = (len(seen) >= MIN_HISTORY) != (len(maybe) >= MIN_HISTORY) and not ruled_pair
        if (caller, answerer) == ("ostria", "aldoria"):
            late = not can_fire and not unsure  # late while there is no history and no rule: never overdue
        else:
            late = can_fire and not unsure and rng.random() < 0.25
        delay = rng.uniform(*LATE) if late else rng.uniform(*NORMAL)
        tb = ta + timedelta(seconds=delay)
        h, txt = _readout(kind, b.lang, b, a, topic, place, n1, n2, day)
        txt = _vary(rng, b.lang, txt)
        item_b = pub(tb, answerer, h, txt, b.lang, ev)
        answers.setdefault((caller, answerer), []).append((tb, delay))
        if can_fire:
            # when the answering side is due: a rule's time, or twice its usual delay (docs/events.md), the
            # usual one leaving out exceptions over three times the median; first seen up to a poll later
            if ruled_pair and len(seen) < MIN_HISTORY:
                due: float = RULE_S
            else:
                due = 2 * max(_usual(seen), 900) + POLL
            if late and due + 2 * POLL < delay:
                expect.append(
                    {
                        "kind": "overdue",
                        "source": f"{b.key} feed",
                        "at": _iso(ta + timedelta(seconds=NORMAL[1])),
                        "until": _iso(tb),
                        "note": f"{ev}: {b.actor} late after {a.actor}",
                        "optional": unsure,
                    }
                )
            elif late:  # too close to call
                expect.append(
                    {
                        "kind": "overdue",
                        "source": f"{b.key} feed",
                        "at": _iso(ta),
                        "until": _iso(tb),
                        "note": f"{ev}: {b.actor} late, due unclear",
                        "optional": True,
                    }
                )
            expect.append(
                {
                    "kind": "expectation_met",
                    "item": item_b,
                    "at": _iso(tb),
                    "until": _iso(tb + timedelta(seconds=3 * POLL)),
                    "note": f"{ev}: {b.actor} answers",
                    "optional": unsure,
                }
            )
        if caller in ("aldoria", "vestmark") and answerer in ("aldoria", "vestmark") and len(page_items) < 4:
            page_items.setdefault(caller, item_a)
            page_at.setdefault(caller, ta)
        # relays carry it after both, or after the caller when the answer is late
        for rsite, _actor, rlang, _feed in RELAYS:
            if rng.random() < 0.6:
                rt = min(ta, tb) + timedelta(seconds=rng.uniform(40 * 60, 150 * 60))
                h, txt = _relay(rlang, a, b, topic, n1, n2)
                txt = _vary(rng, rlang, txt)
                pub(rt, rsite, h, txt, rlang, ev)
        # hard negatives: the same governments on other matters, close in time
        for g in (a, b):
            if rng.random() < 0.55:
                dom = rng.choice(DOMESTIC)[g.lang]
                city = rng.choice(CITIES[g.key])
                h = dom[0].format(T=g.title[g.lang], L=g.leader[g.lang], C=city)
                txt = dom[1].format(
                    T=g.title[g.lang], L=g.leader[g.lang], C=city, n=rng.randint(12, 480), m=rng.randint(20, 990)
                )
                txt = _vary(rng, g.lang, txt)
                if rng.random() < 0.4:
                    other = b if g is a else a
                    txt += PASSING[g.lang].format(T=g.title[g.lang], O=other.leader[g.lang])
                pub(
                    ta + timedelta(seconds=rng.uniform(-3 * 3600, 3 * 3600)),
                    g.key,
                    h,
                    txt,
                    g.lang,
                    f"{ev}-{g.key}-home",
                )
        t += timedelta(seconds=rng.uniform(1.2 * 3600, 2.6 * 3600))
    end = max(datetime.fromisoformat(p["at"].replace("Z", "+00:00")) for p in pubs) + timedelta(hours=2)
    sites = [{"id": g.key, "title": g.site_title, "lang": g.lang, "feed": g.feed, "feed_window": 30} for g in GOVS]
    sites += [
        {"id": k, "title": actor, "lang": lang, "feed": feed, "feed_window": 30} for k, actor, lang, feed in RELAYS
    ]
    feedpath = {"rss": "/feed.xml", "atom": "/feed.atom", "json": "/feed.json"}
    sources = [
        {
            "site": g.key,
            "kind": "feed",
            "path": feedpath[g.feed],
            "name": f"{g.key} feed",
            "actor": g.actor,
            "every": f"{POLL}s",
        }
        for g in GOVS
    ]
    sources += [
        {"site": k, "kind": "feed", "path": feedpath[feed], "name": f"{k} feed", "actor": actor, "every": "15m"}
        for k, actor, _lang, feed in RELAYS
    ]
    for site, item in page_items.items():
        sources.append(
            {
                "site": site,
                "kind": "page",
                "path": f"/statements/{item}",
                "name": f"{site} page {item}",
                "actor": govs[site].actor,
                "every": "20m",
                "selector": "article.statement h1, article.statement p",
                "add_at": _iso(page_at[site] + timedelta(minutes=30)),
            }
        )
    actors: list[dict[str, Any]] = [{"name": g.actor, "aliases": list(g.aliases)} for g in GOVS]
    actors += [{"name": actor, "aliases": [], "relay": True} for _k, actor, _l, _f in RELAYS]
    return {
        "name": name,
        "settings": {"hot_window": "1h", "recheck_max": 5},
        "description": f"{events} events across five languages with relays and hard negatives (seed {seed})",
        "start": _iso(START),
        "duration": f"{int((end - START).total_seconds())}s",
        "sites": sites,
        "sources": sources,
        "actors": actors,
        "rules": rules,
        "events": sorted(pubs, key=lambda p: p["at"]),
        "expect": expect,
    }


def _value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        return str(v)
    if isinstance(v, list):
        return "[" + ", ".join(_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{k} = {_value(x)}" for k, x in v.items()) + " }"
    return json.dumps(v, ensure_ascii=False)


def to_toml(doc: dict[str, Any]) -> str:
    """The scenario as TOML (tables of scalars and arrays of tables are all it needs)."""
    lines = ["# Generated by `python -m onrecord.sim.eventsworld`; do not edit by hand."]
    for k, v in doc.items():
        if not isinstance(v, list) or (v and not isinstance(v[0], dict)):
            lines.append(f"{k} = {_value(v)}")
    for k, v in doc.items():
        if isinstance(v, list) and v and isinstance(v[0], dict):
            for row in v:
                lines.append("")
                lines.append(f"[[{k}]]")
                lines.extend(f"{rk} = {_value(rv)}" for rk, rv in row.items() if rv is not None)
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=60)
    ap.add_argument("--seed", type=int, default=12)
    ap.add_argument("--name", default="events")
    a = ap.parse_args()
    print(to_toml(generate(a.events, a.seed, a.name)), end="")


if __name__ == "__main__":
    main()
