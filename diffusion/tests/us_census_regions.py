"""The US Census Bureau's four census regions and nine divisions of the 50 states (DC left out: SPID has no DC),
as the region feature of SPID's states. Source: U.S. Census Bureau, "Census Regions and Divisions of the United
States", https://www2.census.gov/geo/pdfs/maps-data/maps/reference/us_regdiv.pdf (unchanged since 1984)."""

DIVISIONS: dict[str, tuple[str, ...]] = {
    "New England": ("Connecticut", "Maine", "Massachusetts", "New Hampshire", "Rhode Island", "Vermont"),
    "Middle Atlantic": ("New Jersey", "New York", "Pennsylvania"),
    "East North Central": ("Illinois", "Indiana", "Michigan", "Ohio", "Wisconsin"),
    "West North Central": (
        "Iowa",
        "Kansas",
        "Minnesota",
        "Missouri",
        "Nebraska",
        "North Dakota",
        "South Dakota",
    ),
    "South Atlantic": (
        "Delaware",
        "Florida",
        "Georgia",
        "Maryland",
        "North Carolina",
        "South Carolina",
        "Virginia",
        "West Virginia",
    ),
    "East South Central": ("Alabama", "Kentucky", "Mississippi", "Tennessee"),
    "West South Central": ("Arkansas", "Louisiana", "Oklahoma", "Texas"),
    "Mountain": ("Arizona", "Colorado", "Idaho", "Montana", "Nevada", "New Mexico", "Utah", "Wyoming"),
    "Pacific": ("Alaska", "California", "Hawaii", "Oregon", "Washington"),
}
REGION_OF_DIVISION = {
    "New England": "Northeast",
    "Middle Atlantic": "Northeast",
    "East North Central": "Midwest",
    "West North Central": "Midwest",
    "South Atlantic": "South",
    "East South Central": "South",
    "West South Central": "South",
    "Mountain": "West",
    "Pacific": "West",
}
DIVISION_OF_STATE = {state: division for division, states in DIVISIONS.items() for state in states}
REGION_OF_STATE = {state: REGION_OF_DIVISION[division] for state, division in DIVISION_OF_STATE.items()}
