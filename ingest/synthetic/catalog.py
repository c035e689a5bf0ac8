"""The business side of the synthetic world: our company, products, companies, campaigns."""

from __future__ import annotations

from typing import NamedTuple

# The operating company: its staff are people in the graph too.
BRAND = "Brightwell"
BRAND_DOMAIN = "brightwell.example"

# Fictional competitors that unhappy or shopping customers name.
COMPETITORS = ("Lumora", "Nexigo", "Haldenware", "Quillstone", "Orbitel")


class Product(NamedTuple):
    """A product of the operating company; price in euros."""

    sku: str
    name: str
    price_eur: float
    subscription: bool


PRODUCTS: tuple[Product, ...] = (
    Product("BW-SPK-MINI", "Brightwell Speaker Mini", 59.0, False),
    Product("BW-SPK-MAX", "Brightwell Speaker Max", 199.0, False),
    Product("BW-HUB", "Brightwell Hub", 129.0, False),
    Product("BW-HUB-PRO", "Brightwell Hub Pro", 249.0, False),
    Product("BW-CAM-IN", "Brightwell Indoor Cam", 89.0, False),
    Product("BW-CAM-OUT", "Brightwell Outdoor Cam", 149.0, False),
    Product("BW-BULB-4", "Brightwell Smart Bulb 4-pack", 49.0, False),
    Product("BW-THERMO", "Brightwell Thermostat", 179.0, False),
    Product("BW-LOCK", "Brightwell Smart Lock", 229.0, False),
    Product("BW-DOORBELL", "Brightwell Video Doorbell", 169.0, False),
    Product("BW-SENSOR-3", "Brightwell Sensor Kit", 79.0, False),
    Product("BW-ROUTER", "Brightwell Mesh Router", 279.0, False),
    Product("BW-CLOUD", "Brightwell Cloud Plus", 4.99, True),
    Product("BW-CLOUD-PRO", "Brightwell Cloud Pro", 9.99, True),
    Product("BW-CARE", "Brightwell CarePlan", 7.99, True),
    Product("BW-TEAM", "Brightwell for Teams", 24.0, True),
)

# Departments of the operating company, in the order staff numbers are dealt to them.
DEPARTMENTS = (
    "Sales",
    "Customer Service",
    "Marketing",
    "Technical Support",
    "Product",
    "Engineering",
    "Finance",
)

STAFF_TITLES: dict[str, tuple[str, str]] = {
    "Sales": ("Head of Sales", "Account Executive"),
    "Customer Service": ("Head of Customer Service", "Customer Service Agent"),
    "Marketing": ("CMO", "Marketing Manager"),
    "Technical Support": ("Head of Technical Support", "Support Engineer"),
    "Product": ("VP Product", "Product Manager"),
    "Engineering": ("CTO", "Software Engineer"),
    "Finance": ("CFO", "Accountant"),
}

JOB_TITLES = (
    "CEO",
    "CTO",
    "CFO",
    "COO",
    "Founder",
    "Managing Director",
    "Head of Procurement",
    "Procurement Manager",
    "Office Manager",
    "IT Manager",
    "Facilities Manager",
    "Head of IT",
    "Operations Manager",
    "Software Engineer",
    "Data Analyst",
    "Product Manager",
    "Project Manager",
    "Marketing Manager",
    "Sales Manager",
    "Account Manager",
    "HR Manager",
    "Accountant",
    "Consultant",
    "Designer",
    "Architect",
    "Teacher",
    "Nurse",
    "Pharmacist",
    "Lawyer",
    "Engineer",
    "Store Manager",
    "Team Lead",
    "Business Analyst",
    "Customer Success Manager",
    "VP Operations",
    "Head of Marketing",
    "Research Scientist",
    "Logistics Coordinator",
    "Buyer",
    "Photographer",
)

_COMPANY_PREFIXES = (
    "Nordwind",
    "Bluepeak",
    "Sunforge",
    "Ironbridge",
    "Silverline",
    "Redwood",
    "Clearwater",
    "Northgate",
    "Eastfield",
    "Westbrook",
    "Highland",
    "Lakeshore",
    "Stonehill",
    "Greenleaf",
    "Brightstar",
    "Oakridge",
    "Riverside",
    "Goldcrest",
    "Blackwood",
    "Whitmore",
    "Falcon",
    "Aurora",
    "Vertex",
    "Summit",
    "Horizon",
    "Pinnacle",
    "Cobalt",
    "Meridian",
    "Atlas",
    "Beacon",
    "Keystone",
    "Lighthouse",
    "Copperfield",
    "Evergreen",
    "Harbor",
    "Granite",
    "Maple",
    "Cedar",
    "Willow",
    "Alder",
    "Solano",
    "Vesuvio",
    "Alpen",
    "Rhein",
    "Lumière",
    "Provence",
    "Castilla",
    "Levante",
    "Toscana",
    "Adriatica",
    "Baltic",
    "Celtic",
    "Pennine",
    "Thames",
    "Elbe",
    "Loire",
    "Ebro",
    "Arno",
    "Danube",
    "Orion",
)
_COMPANY_INDUSTRIES = (
    "Logistics",
    "Analytics",
    "Foods",
    "Systems",
    "Labs",
    "Partners",
    "Media",
    "Health",
    "Energy",
    "Retail",
    "Software",
    "Consulting",
    "Capital",
    "Design",
    "Robotics",
    "Freight",
    "Hospitality",
    "Pharma",
    "Textiles",
    "Motors",
    "Insurance",
    "Realty",
    "Security",
    "Telecom",
    "Electronics",
    "Architecture",
    "Education",
    "Travel",
    "Beverages",
    "Studios",
)
_COMPANY_QUALIFIERS = (
    "",
    "Group",
    "International",
    "Holdings",
    "Digital",
    "Europe",
    "Solutions",
    "Works",
    "Global",
    "Services",
    "Collective",
    "Network",
    "Industries",
    "Ventures",
    "Direct",
    "Technologies",
    "United",
    "Brothers",
    "& Co",
    "Trading",
)
LEGAL_FORMS: dict[str, tuple[str, ...]] = {
    "US": ("Inc.", "LLC", "Corp."),
    "GB": ("Ltd", "Ltd.", "PLC"),
    "DE": ("GmbH", "AG", "GmbH & Co. KG"),
    "FR": ("SAS", "SA", "SARL"),
    "ES": ("S.L.", "S.A."),
    "IT": ("S.r.l.", "S.p.A."),
}
# Shared mailboxes that several employees of a small company give as their address.
ROLE_MAILBOXES = ("info", "office", "contact", "hello", "sales", "team")


def company_parts(index: int) -> tuple[str, str, str, int]:
    """Prefix, industry, qualifier and overflow number of company `index` (all distinct)."""
    prefixes, industries, qualifiers = (
        len(_COMPANY_PREFIXES),
        len(_COMPANY_INDUSTRIES),
        len(_COMPANY_QUALIFIERS),
    )
    prefix = _COMPANY_PREFIXES[index % prefixes]
    # Shifting the industry by the prefix keeps (prefix, industry) unique per block while
    # spreading industries over the low indices, which are the big employers.
    row = (index // prefixes) % industries
    industry = _COMPANY_INDUSTRIES[(row + 7 * (index % prefixes)) % industries]
    qualifier = _COMPANY_QUALIFIERS[(index // (prefixes * industries)) % qualifiers]
    overflow = index // (prefixes * industries * qualifiers)
    return prefix, industry, qualifier, overflow


class Campaign(NamedTuple):
    """A marketing campaign; `start` is seconds before the end of the world."""

    campaign_id: str
    name: str
    channel: str
    days_before_end: int


CAMPAIGNS: tuple[Campaign, ...] = (
    Campaign("CMP-2022-09", "Back to School 2022", "email", 990),
    Campaign("CMP-2022-11", "Black Friday 2022", "email", 920),
    Campaign("CMP-2022-12", "Holiday Gift Guide 2022", "social", 900),
    Campaign("CMP-2023-03", "Spring Smart Home 2023", "email", 800),
    Campaign("CMP-2023-05", "Security Week", "display", 740),
    Campaign("CMP-2023-09", "Hub Pro Launch", "email", 630),
    Campaign("CMP-2023-10", "Smart Home Expo Berlin", "event", 600),
    Campaign("CMP-2023-11", "Black Friday 2023", "email", 560),
    Campaign("CMP-2024-01", "New Year Upgrade", "sms", 510),
    Campaign("CMP-2024-03", "Cloud Plus Trial", "email", 440),
    Campaign("CMP-2024-05", "Refer a Friend 2024", "social", 380),
    Campaign("CMP-2024-09", "Autumn Catalogue", "direct_mail", 260),
    Campaign("CMP-2024-11", "Black Friday 2024", "email", 190),
    Campaign("CMP-2025-01", "Winter Care Plan", "email", 140),
    Campaign("CMP-2025-03", "Spring Upgrade 2025", "email", 80),
    Campaign("CMP-2025-05", "Teams Webinar", "event", 25),
)

# Social networks people have profiles on, with the file each is exported to.
SOCIAL_PLATFORMS = ("x", "instagram", "linkedin")
