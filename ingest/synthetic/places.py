"""Hand-written places per country: cities, streets, mail providers, currencies (data only)."""

from __future__ import annotations

from random import Random
from typing import NamedTuple

from ingest.synthetic.seeds import between, pick


class City(NamedTuple):
    """A locality with its region and the fixed start of its postcodes."""

    locality: str
    region: str
    postcode_prefix: str


class Address(NamedTuple):
    """A canonical postal address of a person."""

    street_number: str
    street: str
    locality: str
    postcode: str
    region: str
    country: str


CITIES: dict[str, tuple[City, ...]] = {
    "US": (
        City("New York", "NY", "100"),
        City("Brooklyn", "NY", "112"),
        City("San Francisco", "CA", "941"),
        City("Los Angeles", "CA", "900"),
        City("Chicago", "IL", "606"),
        City("Boston", "MA", "021"),
        City("Seattle", "WA", "981"),
        City("Austin", "TX", "787"),
        City("Denver", "CO", "802"),
        City("Atlanta", "GA", "303"),
        City("Miami", "FL", "331"),
    ),
    "GB": (
        City("London", "Greater London", "SW1A"),
        City("London", "Greater London", "EC2A"),
        City("London", "Greater London", "N1"),
        City("Manchester", "Greater Manchester", "M1"),
        City("Birmingham", "West Midlands", "B2"),
        City("Leeds", "West Yorkshire", "LS1"),
        City("Bristol", "Bristol", "BS1"),
        City("Edinburgh", "Scotland", "EH1"),
        City("Cardiff", "Wales", "CF10"),
    ),
    "DE": (
        City("Berlin", "Berlin", "10"),
        City("Hamburg", "Hamburg", "20"),
        City("München", "Bayern", "80"),
        City("Köln", "Nordrhein-Westfalen", "50"),
        City("Frankfurt am Main", "Hessen", "60"),
        City("Stuttgart", "Baden-Württemberg", "70"),
        City("Düsseldorf", "Nordrhein-Westfalen", "40"),
        City("Leipzig", "Sachsen", "04"),
    ),
    "FR": (
        City("Paris", "Île-de-France", "750"),
        City("Lyon", "Auvergne-Rhône-Alpes", "690"),
        City("Marseille", "Provence-Alpes-Côte d'Azur", "130"),
        City("Toulouse", "Occitanie", "310"),
        City("Nice", "Provence-Alpes-Côte d'Azur", "060"),
        City("Nantes", "Pays de la Loire", "440"),
        City("Bordeaux", "Nouvelle-Aquitaine", "330"),
    ),
    "ES": (
        City("Madrid", "Comunidad de Madrid", "280"),
        City("Barcelona", "Cataluña", "080"),
        City("Valencia", "Comunidad Valenciana", "460"),
        City("Sevilla", "Andalucía", "410"),
        City("Bilbao", "País Vasco", "480"),
        City("Málaga", "Andalucía", "290"),
        City("Zaragoza", "Aragón", "500"),
    ),
    "IT": (
        City("Roma", "Lazio", "001"),
        City("Milano", "Lombardia", "201"),
        City("Napoli", "Campania", "801"),
        City("Torino", "Piemonte", "101"),
        City("Bologna", "Emilia-Romagna", "401"),
        City("Firenze", "Toscana", "501"),
        City("Palermo", "Sicilia", "901"),
    ),
}

STREETS: dict[str, tuple[str, ...]] = {
    "US": (
        "Main Street",
        "Oak Avenue",
        "Maple Drive",
        "Cedar Lane",
        "Park Avenue",
        "Elm Street",
        "Washington Boulevard",
        "Lakeview Road",
        "Sunset Boulevard",
        "Pine Street",
        "Highland Avenue",
        "Broadway",
        "Church Street",
        "Mill Road",
    ),
    "GB": (
        "High Street",
        "Station Road",
        "Church Lane",
        "Victoria Road",
        "Green Lane",
        "Manor Road",
        "Kings Road",
        "Queen Street",
        "Mill Lane",
        "The Crescent",
        "Park Road",
        "London Road",
        "York Street",
        "Albert Terrace",
    ),
    "DE": (
        "Hauptstraße",
        "Schulstraße",
        "Gartenstraße",
        "Bahnhofstraße",
        "Dorfstraße",
        "Bergstraße",
        "Lindenstraße",
        "Goethestraße",
        "Schillerstraße",
        "Am Markt",
        "Kirchweg",
        "Mühlenweg",
        "Friedrichstraße",
        "Königsallee",
    ),
    "FR": (
        "rue de la Paix",
        "avenue des Champs-Élysées",
        "rue Victor Hugo",
        "boulevard Voltaire",
        "rue de la République",
        "place de l'Église",
        "rue Pasteur",
        "rue Jean Jaurès",
        "avenue Foch",
        "rue du Moulin",
        "chemin des Vignes",
        "rue Émile Zola",
    ),
    "ES": (
        "Calle Mayor",
        "Calle de Alcalá",
        "Gran Vía",
        "Avenida de la Constitución",
        "Calle Real",
        "Plaza de España",
        "Calle del Sol",
        "Paseo de la Castellana",
        "Calle Nueva",
        "Calle de la Iglesia",
        "Rambla de Catalunya",
        "Calle San Martín",
    ),
    "IT": (
        "Via Roma",
        "Via Garibaldi",
        "Corso Vittorio Emanuele",
        "Via Dante",
        "Via Mazzini",
        "Via Verdi",
        "Piazza del Duomo",
        "Via Cavour",
        "Via della Repubblica",
        "Viale Europa",
        "Via San Francesco",
        "Corso Italia",
    ),
}

# Personal mail providers per country, most common first; gmail.com is special-cased.
MAIL_PROVIDERS: dict[str, tuple[str, ...]] = {
    "US": (
        "gmail.com",
        "gmail.com",
        "yahoo.com",
        "outlook.com",
        "hotmail.com",
        "icloud.com",
        "aol.com",
    ),
    "GB": (
        "gmail.com",
        "gmail.com",
        "hotmail.co.uk",
        "yahoo.co.uk",
        "btinternet.com",
        "outlook.com",
    ),
    "DE": ("gmail.com", "web.de", "gmx.de", "t-online.de", "gmx.net", "outlook.de"),
    "FR": ("gmail.com", "gmail.com", "orange.fr", "free.fr", "laposte.net", "hotmail.fr"),
    "ES": ("gmail.com", "gmail.com", "hotmail.es", "yahoo.es", "telefonica.net", "outlook.es"),
    "IT": ("gmail.com", "gmail.com", "libero.it", "virgilio.it", "alice.it", "hotmail.it"),
}

# Top-level domain of companies registered in each country.
COMPANY_TLD: dict[str, str] = {
    "US": "com",
    "GB": "co.uk",
    "DE": "de",
    "FR": "fr",
    "ES": "es",
    "IT": "it",
}

CURRENCY: dict[str, str] = {
    "US": "USD",
    "GB": "GBP",
    "DE": "EUR",
    "FR": "EUR",
    "ES": "EUR",
    "IT": "EUR",
}

# Price of one euro in each currency, fixed so amounts stay byte-stable.
EUR_RATE: dict[str, float] = {"USD": 1.10, "GBP": 0.85, "EUR": 1.0}

_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


def make_address(rng: Random, country: str) -> Address:
    """A plausible address in `country`."""
    city = pick(rng, CITIES[country])
    number = str(between(rng, 1, 219))
    if rng.random() < 0.08:
        number += pick(rng, "abc")
    street = pick(rng, STREETS[country])
    return Address(
        number, street, city.locality, _postcode(rng, country, city), city.region, country
    )


def _postcode(rng: Random, country: str, city: City) -> str:
    """A postcode in the format of `country`, starting like the city's postcodes."""
    prefix = city.postcode_prefix
    if country == "GB":
        return f"{prefix} {between(rng, 1, 9)}{pick(rng, _LETTERS)}{pick(rng, _LETTERS)}"
    if country == "FR" and prefix == "750":
        return f"750{between(rng, 1, 20):02d}"
    width = 5 - len(prefix)
    return prefix + str(int(rng.random() * (10**width))).zfill(width)
