"""SQLAlchemy models that mirror the Open Referral HSDS 3.0 tables we use.

Table and column names follow HSDS so that an HSDS reader recognises them;
the fields people choose by (drop-in, anonymous, LAR-friendly, ...) are
columns on `service` here and HSDS attributes on the wire.
Written in the 2.0 style that SQLAlchemy 1.4 (pinned by Rasa) already runs.
"""
from __future__ import annotations

from sqlalchemy import JSON, BigInteger, Boolean, Column, Date, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import declarative_base, relationship
from sqlalchemy.sql import Select, select

Base = declarative_base()
# What a source's page date is when the page shows none (DATA-SOURCING.md).
UNDATED = "undated"


class Organization(Base):
    __tablename__ = "organization"

    id = Column(String(36), primary_key=True)
    name = Column(Text, nullable=False)
    description = Column(Text, nullable=False, default="")
    website = Column(Text)
    email = Column(Text)

    services = relationship("Service", back_populates="organization")


class Service(Base):
    __tablename__ = "service"

    id = Column(String(36), primary_key=True)
    organization_id = Column(String(36), ForeignKey("organization.id"), index=True)
    name = Column(Text, nullable=False)
    alternate_name = Column(Text)
    description = Column(Text)
    url = Column(Text)
    email = Column(Text)
    status = Column(String(32), nullable=False, default="active")
    application_process = Column(Text)
    fees_description = Column(Text)
    eligibility_description = Column(Text)
    minimum_age = Column(Integer)
    maximum_age = Column(Integer)
    assured_date = Column(Date)
    # Extension fields (HSDS attributes of taxonomy "veiviser-egenskap").
    drop_in = Column(Boolean)
    referral_required = Column(Boolean)
    anonymous = Column(Boolean)
    free = Column(Boolean)
    sobriety_required = Column(Boolean)
    accepts_lar = Column(Boolean)
    for_relatives = Column(Boolean)
    right_to_choose = Column(Boolean)
    open_on_holidays = Column(Boolean)
    wait_weeks = Column(Float)
    wait_measured = Column(Date)
    wait_source_url = Column(Text)
    # A reviewer's note on the sourcing; the pages themselves are `sources`.
    source = Column(Text, nullable=False, default="")
    # The free-text fields in other languages, as we wrote them: {"en": {"description": "..."}}
    # (the extension `x_translations`, docs/catalogue-format.md). The columns above are Norwegian.
    translations = Column(JSON)
    # The HSDS object as its feed gave it, so an export gives back the fields the product does not use.
    hsds_original = Column(JSON)

    organization = relationship("Organization", back_populates="services", lazy="joined")
    types = relationship("ServiceTypeLink", cascade="all, delete-orphan", lazy="selectin")
    phones = relationship("Phone", cascade="all, delete-orphan", lazy="selectin")
    schedules = relationship("Schedule", cascade="all, delete-orphan", lazy="selectin")
    service_areas = relationship("ServiceArea", cascade="all, delete-orphan", lazy="selectin")
    languages = relationship("Language", cascade="all, delete-orphan", lazy="selectin")
    service_at_locations = relationship(
        "ServiceAtLocation", cascade="all, delete-orphan", lazy="selectin"
    )
    sources = relationship("ServiceSource", cascade="all, delete-orphan", lazy="selectin",
                           order_by="ServiceSource.position")
    points = relationship("ServicePoint", cascade="all, delete-orphan", lazy="noload")

    @property
    def type_codes(self) -> list[str]:
        return [link.code for link in self.types]


class ServiceSource(Base):
    """A public page that states facts of a service: where a reader can check them.

    Not an HSDS table; carried in HSDS as the documented extension `x_sources`
    (docs/catalogue-format.md). Phones, opening hours, addresses and waiting
    times each name the URL of the source they come from.
    """

    __tablename__ = "service_source"

    id = Column(String(36), primary_key=True)
    service_id = Column(String(36), ForeignKey("service.id"), index=True, nullable=False)
    position = Column(Integer, nullable=False, default=0)
    url = Column(Text, nullable=False)
    page_date = Column(Date)  # the page's own date; None: the page shows none ("undated")
    checked = Column(Date, nullable=False)
    note = Column(Text)


class ServiceTypeLink(Base):
    """An HSDS attribute linking a service to a term of the service-type taxonomy."""

    __tablename__ = "service_type"

    id = Column(String(36), primary_key=True)
    service_id = Column(String(36), ForeignKey("service.id"), index=True, nullable=False)
    code = Column(String(64), index=True, nullable=False)


class Location(Base):
    __tablename__ = "location"

    id = Column(String(36), primary_key=True)
    location_type = Column(String(32), nullable=False, default="physical")
    name = Column(Text)
    description = Column(Text)
    latitude = Column(Float)
    longitude = Column(Float)
    address_1 = Column(Text)
    postal_code = Column(String(8))
    city = Column(Text)
    kommune_number = Column(String(4), index=True)
    # How the point was found: "address" (the address itself) or "poststed" (the centre of the postcode's town).
    point_precision = Column(String(16))
    source_url = Column(Text)


class ServiceAtLocation(Base):
    __tablename__ = "service_at_location"

    id = Column(String(36), primary_key=True)
    service_id = Column(String(36), ForeignKey("service.id"), index=True, nullable=False)
    location_id = Column(String(36), ForeignKey("location.id"), index=True, nullable=False)

    location = relationship("Location", lazy="joined")


class Phone(Base):
    __tablename__ = "phone"

    id = Column(String(36), primary_key=True)
    service_id = Column(String(36), ForeignKey("service.id"), index=True)
    number = Column(String(32), nullable=False)
    type = Column(String(16))
    description = Column(Text)
    source_url = Column(Text)


class Schedule(Base):
    """Opening hours as an HSDS (iCal-style) weekly rule."""

    __tablename__ = "schedule"

    id = Column(String(36), primary_key=True)
    service_id = Column(String(36), ForeignKey("service.id"), index=True)
    freq = Column(String(16))
    byday = Column(String(32))
    opens_at = Column(String(8))
    closes_at = Column(String(8))
    timezone = Column(String(32))
    valid_from = Column(Date)
    valid_to = Column(Date)
    description = Column(Text)
    source_url = Column(Text)
    translations = Column(JSON)  # {"en": {"description": "..."}}, as on `service`


class ServiceArea(Base):
    """Where a service is offered: a kommune, a fylke or the whole country.

    HSDS gives only `uri`; we parse it into scope and code for fast lookups
    (urn:ssb:kommune:4601, urn:ssb:fylke:46, urn:iso:country:NO).
    """

    __tablename__ = "service_area"

    id = Column(String(36), primary_key=True)
    service_id = Column(String(36), ForeignKey("service.id"), index=True, nullable=False)
    name = Column(Text)
    uri = Column(Text)
    scope = Column(String(16), index=True)
    code = Column(String(8), index=True)


class Language(Base):
    __tablename__ = "language"

    id = Column(String(36), primary_key=True)
    service_id = Column(String(36), ForeignKey("service.id"), index=True)
    name = Column(Text)
    code = Column(String(8))


class ServicePoint(Base):
    """Search index, not HSDS: where on the map a service can be found.

    Rebuilt from locations and service areas on every import. A service with
    a verified address gets its coordinates; one known only by the kommuner
    it serves gets their centres, flagged approximate, so that a bounding-box
    query on one index finds both without inventing an address.
    """

    __tablename__ = "service_point"
    __table_args__ = (
        Index("ix_service_point_lat_lon", "latitude", "longitude"),
        Index("ix_service_point_kommune_lat_lon", "kommune_number", "latitude", "longitude"),
    )

    id = Column(Integer, primary_key=True, autoincrement=True)
    service_id = Column(String(36), ForeignKey("service.id"), index=True, nullable=False)
    latitude = Column(Float, nullable=False)
    longitude = Column(Float, nullable=False)
    kommune_number = Column(String(4), index=True)
    approximate = Column(Boolean, nullable=False)


class CatalogueRevision(Base):
    """One row whose token changes with every write to what search reads (triggers, migration 0003).

    The search keeps an in-memory snapshot of the catalogue (search_index.py);
    one indexed read of this token per search tells whether the snapshot is
    still the catalogue, whoever wrote to it: importer, bulk loader, psql.
    """

    __tablename__ = "catalogue_revision"

    id = Column(Integer, primary_key=True, autoincrement=False)
    token = Column(BigInteger, nullable=False)


def reviewed_service_ids() -> Select:
    """Services with a source and a service type: the only ones a chat answer may show.

    A feed may bring records without either (feeds.py); staff see those, marked, until reviewed.
    """
    return (select(Service.id)
            .where(Service.id.in_(select(ServiceSource.service_id)))
            .where(Service.id.in_(select(ServiceTypeLink.service_id))))
