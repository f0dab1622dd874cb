"""Where an idea came from, in the barometer's categories of idea sources (ideas.models.IdeaSource): derived from
who sent it. Plain Python: the codes are the values of IdeaSource and OrganisationKind."""

from collections.abc import Iterable

# The kind of the sender's own organisation → the source, when it is not the receiving organisation.
SOURCE_BY_KIND = {
    "municipality": "other_municipalities",
    "joint_authority": "other_municipalities",
    "company": "companies",
    "university": "universities",
    "uas": "universities",
    "research_institute": "universities",
    "third_sector": "third_sector",
    "state_agency": "state_agencies",
    "ministry": "state_agencies",
    "international": "international",
}
OWN_STAFF = "own_staff"
USERS = "users"
OTHER = "other"


def source_of(*, receiver_id: int, memberships: Iterable[tuple[int, str]]) -> str:
    """The default source of an idea sent to organisation `receiver_id` by a person with these memberships
    ((organisation id, organisation kind) pairs, the earliest first):

    - staff of the receiving organisation: own staff;
    - a member of another organisation: by that organisation's kind (the first membership decides), other for
      kinds the barometer has no category for (e.g. a wellbeing services county);
    - nobody's member (a resident, or a sender without an account): service users and residents."""
    memberships = list(memberships)
    if any(organisation_id == receiver_id for organisation_id, _kind in memberships):
        return OWN_STAFF
    if memberships:
        return SOURCE_BY_KIND.get(memberships[0][1], OTHER)
    return USERS
