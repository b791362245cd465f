"""The options offered for the self-declared equality fields on a man's details.

He does not have to answer: a blank field means not asked or not given, and "Prefers not to
say" is an answer in its own right. The lists follow the broad groups of the 2021 Census for
England and Wales; the reports count by these words, so keep them stable (older free-text
answers are still counted, under their own words).
"""

PREFERS_NOT_TO_SAY = "Prefers not to say"

ETHNIC_GROUPS = (
    "Asian or Asian British",
    "Black, Black British, Caribbean or African",
    "Mixed or multiple ethnic groups",
    "White",
    "Other ethnic group",
    PREFERS_NOT_TO_SAY,
)

RELIGIONS = (
    "No religion",
    "Buddhist",
    "Christian",
    "Hindu",
    "Jewish",
    "Muslim",
    "Sikh",
    "Any other religion or belief",
    PREFERS_NOT_TO_SAY,
)
