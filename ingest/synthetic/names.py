"""Hand-written name lists per country and a nickname table (data only).

Lists are `|`-separated strings because some names contain spaces ("De Luca").
"""

from __future__ import annotations


def _split(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split("|") if part.strip())


# Countries the world is drawn from, with their weight (share of people, in percent).
COUNTRY_WEIGHTS: tuple[tuple[str, int], ...] = (
    ("US", 30),
    ("GB", 18),
    ("DE", 18),
    ("FR", 14),
    ("ES", 10),
    ("IT", 10),
)

FEMALE: dict[str, tuple[str, ...]] = {
    "US": _split(
        "Jennifer|Elizabeth|Patricia|Susan|Jessica|Sarah|Karen|Nancy|Margaret|Ashley|Emily|"
        "Katherine|Rebecca|Samantha|Deborah|Victoria|Madison|Abigail|Chloe|Zoë|Danielle|"
        "Christina|Olivia|Hannah|Megan"
    ),
    "GB": _split(
        "Charlotte|Olivia|Amelia|Isla|Emily|Sophie|Elizabeth|Margaret|Victoria|Rebecca|Lucy|"
        "Eleanor|Harriet|Imogen|Siobhan|Niamh|Catherine|Alexandra|Jessica|Katherine|Fiona|"
        "Gemma|Chloë|Rosie|Abigail"
    ),
    "DE": _split(
        "Anna|Katharina|Sophie|Lena|Franziska|Stefanie|Elisabeth|Julia|Christine|Jana|Sabine|"
        "Ursula|Jutta|Gisela|Birgit|Marlene|Hannelore|Lea|Mia|Charlotte|Johanna|Anja|Jülide|"
        "Käthe|Dörte"
    ),
    "FR": _split(
        "Camille|Chloé|Léa|Manon|Hélène|Élodie|Amélie|Cécile|Inès|Zoé|Océane|Catherine|Isabelle|"
        "Nathalie|Sophie|Anaïs|Margaux|Juliette|Pauline|Clémence|Gaëlle|Maëlle|Noémie|Agnès|"
        "Béatrice"
    ),
    "ES": _split(
        "María|Lucía|Sofía|Carmen|Dolores|Concepción|Guadalupe|Paula|Laura|Marta|Ana|Elena|"
        "Isabel|Pilar|Rocío|Inés|Begoña|Nuria|Ainhoa|Lourdes|María José|Francisca|Cristina|"
        "Alba|Irene"
    ),
    "IT": _split(
        "Giulia|Francesca|Chiara|Sara|Martina|Alessandra|Elisabetta|Federica|Valentina|Silvia|"
        "Paola|Roberta|Giovanna|Caterina|Beatrice|Ilaria|Noemi|Aurora|Ginevra|Lucrezia|Bianca|"
        "Serena|Antonella|Rosa|Teresa"
    ),
}

MALE: dict[str, tuple[str, ...]] = {
    "US": _split(
        "Robert|William|James|Michael|Richard|Joseph|Thomas|Christopher|Daniel|Matthew|"
        "Anthony|Jonathan|Nicholas|Andrew|Steven|Timothy|Edward|Benjamin|Samuel|Alexander|"
        "Tyler|Brandon|Kevin|Jacob|Zachary"
    ),
    "GB": _split(
        "Oliver|Harry|George|William|James|Thomas|Edward|Charles|Henry|Alexander|Robert|"
        "Richard|Jonathan|Matthew|Samuel|Benjamin|Daniel|Nicholas|Callum|Rhys|Liam|Owen|"
        "Declan|Seán|Patrick"
    ),
    "DE": _split(
        "Johannes|Maximilian|Alexander|Friedrich|Wolfgang|Jürgen|Jörg|Björn|Günther|Uwe|"
        "Matthias|Stefan|Thomas|Michael|Andreas|Tobias|Florian|Sebastian|Lukas|Jonas|Felix|"
        "Dieter|Klaus|Rüdiger|Sören"
    ),
    "FR": _split(
        "François|Jérôme|Loïc|Frédéric|Nicolas|Guillaume|Sébastien|Étienne|Benoît|Hervé|"
        "Jean-Pierre|Jean-Luc|Thibault|Mathéo|Noël|Raphaël|Gaël|Léo|Hugo|Louis|Antoine|"
        "Dominique|Pierre|Rémi|Cédric"
    ),
    "ES": _split(
        "José|Francisco|Manuel|Antonio|Jesús|Ignacio|Enrique|Javier|Alejandro|Álvaro|Íñigo|"
        "Sergio|Pablo|Raúl|Rubén|Andrés|Joaquín|Tomás|Adrián|Héctor|Óscar|Ramón|Julián|"
        "Martín|Nicolás"
    ),
    "IT": _split(
        "Giuseppe|Francesco|Alessandro|Giovanni|Salvatore|Roberto|Niccolò|Nicolò|Mattia|"
        "Lorenzo|Andrea|Luca|Marco|Matteo|Davide|Simone|Federico|Riccardo|Stefano|Gabriele|"
        "Tommaso|Emanuele|Vincenzo|Pietro|Fabrizio"
    ),
}

FAMILY: dict[str, tuple[str, ...]] = {
    "US": _split(
        "Smith|Johnson|Williams|Brown|Jones|Garcia|Miller|Davis|Rodriguez|Martinez|Hernandez|"
        "Lopez|Wilson|Anderson|Taylor|Thomas|Moore|Jackson|Martin|Lee|Thompson|White|Harris|"
        "Clark|Lewis|Robinson|Walker|Young|Allen|King|Wright|Scott|Nguyen|Hill|Green|Adams|"
        "Baker|Nelson|Carter|O'Connor"
    ),
    "GB": _split(
        "Smith|Jones|Taylor|Brown|Williams|Wilson|Johnson|Davies|Robinson|Wright|Thompson|"
        "Evans|Walker|White|Roberts|Green|Hall|Wood|Jackson|Clarke|O'Brien|Fitzgerald|"
        "Hughes|Edwards|Turner|Cooper|Harrison|Ward|Morris|Lloyd|Price|Bennett|Griffiths|"
        "McDonald|Ó Súilleabháin|Patel|Khan|Ashworth-Smith|Llewellyn|Barker"
    ),
    "DE": _split(
        "Müller|Schmidt|Schneider|Fischer|Weber|Meyer|Wagner|Becker|Schulz|Hoffmann|Schäfer|"
        "Koch|Bauer|Richter|Klein|Wolf|Schröder|Neumann|Schwarz|Zimmermann|Braun|Krüger|"
        "Hofmann|Hartmann|Lange|Schmitt|Werner|Krause|Meier|Lehmann|Köhler|Jäger|Böhm|Günther|"
        "Vogel|Weiß|Groß|Fuchs|Bäcker|von Ahlen"
    ),
    "FR": _split(
        "Martin|Bernard|Dubois|Thomas|Robert|Richard|Petit|Durand|Leroy|Moreau|Simon|Laurent|"
        "Lefèvre|Michel|Garcia|David|Bertrand|Roux|Vincent|Fournier|Morel|Girard|André|"
        "Lefebvre|Mercier|Dupont|Lambert|Bonnet|François|Martínez|Legrand|Garnier|Faure|"
        "Rousseau|Blanc|Guérin|Müller|Lemaître|Chevalier|Hébert"
    ),
    "ES": _split(
        "García|Rodríguez|González|Fernández|López|Martínez|Sánchez|Pérez|Gómez|Martín|"
        "Jiménez|Ruiz|Hernández|Díaz|Moreno|Muñoz|Álvarez|Romero|Alonso|Gutiérrez|Navarro|"
        "Torres|Domínguez|Vázquez|Ramos|Gil|Ramírez|Serrano|Blanco|Molina|Morales|Suárez|"
        "Ortega|Delgado|Castro|Ortiz|Rubio|Marín|Núñez|García-López"
    ),
    "IT": _split(
        "Rossi|Russo|Ferrari|Esposito|Bianchi|Romano|Colombo|Ricci|Marino|Greco|Bruno|"
        "Gallo|Conti|De Luca|Mancini|Costa|Giordano|Rizzo|Lombardi|Moretti|Barbieri|Fontana|"
        "Santoro|Mariani|Rinaldi|Caruso|Ferrara|Galli|Martini|Leone|Longo|Gentile|Martinelli|"
        "Vitale|Lombardo|Serra|Coppola|De Santis|D'Angelo|Marchetti"
    ),
}

# Formal given name -> the informal forms people use for it (and may type into a form).
NICKNAMES: dict[str, tuple[str, ...]] = {
    "Robert": ("Bob", "Rob", "Bobby", "Robbie"),
    "William": ("Bill", "Will", "Billy", "Liam"),
    "James": ("Jim", "Jimmy", "Jamie"),
    "Michael": ("Mike", "Mikey", "Mick"),
    "Richard": ("Rick", "Rich", "Dick", "Richie"),
    "Joseph": ("Joe", "Joey"),
    "Thomas": ("Tom", "Tommy"),
    "Christopher": ("Chris", "Kit"),
    "Daniel": ("Dan", "Danny"),
    "Matthew": ("Matt",),
    "Anthony": ("Tony",),
    "Jonathan": ("Jon", "Johnny"),
    "Nicholas": ("Nick", "Nicky"),
    "Andrew": ("Andy", "Drew"),
    "Steven": ("Steve",),
    "Timothy": ("Tim", "Timmy"),
    "Edward": ("Ed", "Eddie", "Ted"),
    "Benjamin": ("Ben", "Benji"),
    "Samuel": ("Sam", "Sammy"),
    "Alexander": ("Alex", "Sasha", "Xander"),
    "Zachary": ("Zach", "Zack"),
    "Jacob": ("Jake",),
    "Charles": ("Charlie", "Chuck"),
    "Henry": ("Harry", "Hank"),
    "Harry": ("Haz",),
    "Patrick": ("Paddy", "Pat"),
    "Elizabeth": ("Liz", "Beth", "Lizzie", "Betty", "Eliza"),
    "Jennifer": ("Jen", "Jenny"),
    "Patricia": ("Pat", "Patty", "Trish"),
    "Susan": ("Sue", "Susie"),
    "Jessica": ("Jess", "Jessie"),
    "Margaret": ("Maggie", "Peggy", "Meg"),
    "Katherine": ("Kate", "Kathy", "Katie", "Kat"),
    "Catherine": ("Cathy", "Cat", "Kate"),
    "Rebecca": ("Becky", "Becca"),
    "Samantha": ("Sam", "Sammy"),
    "Deborah": ("Deb", "Debbie"),
    "Victoria": ("Vicky", "Tori"),
    "Abigail": ("Abby",),
    "Christina": ("Chris", "Tina"),
    "Danielle": ("Dani",),
    "Alexandra": ("Alex", "Lexi", "Sandra"),
    "Charlotte": ("Charlie", "Lottie"),
    "Eleanor": ("Ellie", "Nell"),
    "Amelia": ("Millie",),
    "Johannes": ("Hannes", "Jo"),
    "Maximilian": ("Max", "Maxi"),
    "Friedrich": ("Fritz",),
    "Wolfgang": ("Wolf",),
    "Matthias": ("Matze", "Hias"),
    "Sebastian": ("Basti",),
    "Tobias": ("Tobi",),
    "Florian": ("Flo",),
    "Katharina": ("Kathi", "Katja", "Kati"),
    "Franziska": ("Franzi",),
    "Stefanie": ("Steffi",),
    "Elisabeth": ("Lisa", "Sissi", "Elli"),
    "Christine": ("Chris", "Tina"),
    "Johanna": ("Hanna",),
    "Frédéric": ("Fred",),
    "Nicolas": ("Nico",),
    "Dominique": ("Dom",),
    "Isabelle": ("Isa",),
    "Guillaume": ("Will",),
    "Sébastien": ("Seb",),
    "José": ("Pepe",),
    "Francisco": ("Paco", "Curro", "Fran"),
    "Ignacio": ("Nacho",),
    "Guadalupe": ("Lupe",),
    "Dolores": ("Lola",),
    "Concepción": ("Concha",),
    "Manuel": ("Manolo",),
    "Jesús": ("Chuy",),
    "Enrique": ("Quique",),
    "Antonio": ("Toño", "Toni"),
    "Alejandro": ("Álex",),
    "Francisca": ("Paqui",),
    "Giuseppe": ("Beppe", "Peppe"),
    "Francesco": ("Franco", "Cecco"),
    "Alessandro": ("Sandro", "Ale"),
    "Giovanni": ("Gianni",),
    "Salvatore": ("Totò",),
    "Elisabetta": ("Betta",),
    "Alessandra": ("Ale", "Sandra"),
    "Federica": ("Fede",),
    "Valentina": ("Vale",),
}
