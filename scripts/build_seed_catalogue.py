#!/usr/bin/env python3
"""Build Veiviser's shipped seed catalogue (HSDS 3.0 service objects).

Re-run from the repository root (standard library only, no arguments):

    python scripts/build_seed_catalogue.py

It (re)writes national.json and one <city>.json per city in this folder.
All ids are uuid5(NAMESPACE_URL, "veiviser:" + slug), so re-running gives
identical ids; change a slug and that object gets a new id.

THE HARD RULE this file follows: no phone number, address, opening hour,
coordinate, URL path or waiting time is written unless it is known-true.
The only phone numbers used are the ones listed in /work/shared/DOMAIN.md
(verified 2026-11-22). Unknown fields are left out (not null), because the
HSDS 3.0 JSON schema types them as strings/numbers and rejects null.
Organisation websites are domain roots only, and only where well known.

Schema notes:
- HSDS 3.0 types schedule.timezone as a number (UTC offset). Norway shifts
  between +1 and +2, so timezone is left out; all times are Norwegian local
  time (Europe/Oslo), as each schedule's description says.
- service_at_locations is left out everywhere: no address or coordinate has
  been verified. Geography is carried by service_areas (urn:ssb:kommune:NNNN,
  urn:ssb:fylke:NN, urn:iso:country:NO; 2024 numbers).
"""
from __future__ import annotations

import json
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent / "services_catalog" / "data" / "catalogue"
ASSURED = "2026-11-22"  # date the stated facts were checked against DOMAIN.md / seeds


def uid(slug: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "veiviser:" + slug))


# ---------------------------------------------------------------- sources
SRC_DOMAIN = "DOMAIN.md (prosjektets verifiserte nummerliste, verifisert 2026-11-22)"
SEED = {
    "000": "seeds/000 (prosjektrapport rehabiliteringssenter, Kristiansand 2009)",
    "001": "seeds/001 (IRIS, evaluering av rusreformen 2007)",
    "002": "seeds/002 (IRIS/Rokkansenteret, tilskudd til frivillig rusarbeid 2009)",
    "003": "seeds/003 (kartlegging av kommunalt rusarbeid, ca. 2014)",
    "004": "seeds/004 (Prop. 15 S (2015–2016), opptrappingsplanen for rusfeltet)",
}
NOT_VERIFIED = "adresse, telefon og åpningstider ikke verifisert"


def src_seed(*keys: str, extra: str = "") -> str:
    names = " og ".join(SEED[k] for k in keys)
    s = f"Navngitt i {names}; finnes etter offentlig kjent kunnskap; {NOT_VERIFIED}"
    return s + (f". {extra}" if extra else "")


def src_public(extra: str = "") -> str:
    s = f"Offentlig kjent organisasjon/tjeneste (ikke navngitt i kildedokumentene); {NOT_VERIFIED}"
    return s + (f". {extra}" if extra else "")


SRC_KOMMUNE = ("Kommunens plikt og tilgang uten henvisning og uten krav om rusfrihet: DOMAIN.md. "
               "Enhetens navn, adresse, telefon og åpningstider ikke verifisert")
SRC_NAV = ("NAV-kontor finnes i alle kommuner; at NAV/sosialtjenesten kan henvise til TSB: DOMAIN.md. "
           "Adresse, telefon og åpningstider ikke verifisert")
SRC_LEGEVAKT = ("Nummeret 116 117: DOMAIN.md. Legevaktens adresse og åpningstider ikke verifisert")
SRC_HF = ("Helseforetakets ansvar for TSB, henvisningsvei, 10 virkedagers vurderingsfrist og rett til å velge "
          "behandlingssted: DOMAIN.md. Avdelingens navn fra offentlig kjent kunnskap; "
          "adresse, telefon, åpningstider og ventetid ikke verifisert")

# ---------------------------------------------------------------- taxonomy
SERVICE_TYPES = {
    "akutt": ("Akutt hjelp", "Nødhjelp, overdoser og akutt sykdom; legevakt og 113."),
    "lavterskel-helse": ("Lavterskel helsetilbud", "Sårstell, vaksiner, helsesjekk og pleie uten timeavtale."),
    "skadereduksjon": ("Skadereduksjon", "Rent brukerutstyr, nalokson og brukerrom/helserom."),
    "lavterskel-substitusjon": ("Lavterskel substitusjonsbehandling",
                                "Rask opioidsubstitusjon med lave krav for de mest utsatte (LASSO-modellen)."),
    "lar": ("LAR", "Legemiddelassistert rehabilitering med metadon eller buprenorfin og oppfølging."),
    "avrusning": ("Avrusning", "Planlagt avrusning/avgiftning i spesialisthelsetjenesten."),
    "tsb-poliklinikk": ("TSB poliklinikk", "Poliklinisk tverrfaglig spesialisert rusbehandling."),
    "tsb-dogn": ("TSB døgnbehandling", "Døgnbehandling, korttid eller langtid, kollektiv eller terapeutisk samfunn."),
    "kommunal-rustjeneste": ("Kommunal rustjeneste",
                             "Råd, samtaler, kartlegging, henvisning og oppfølging i kommunen og NAV."),
    "bolig": ("Bolig og overnatting", "Natthjem, hospits, akuttbolig og bolig med oppfølging."),
    "varested": ("Værested", "Mat, dusj og fellesskap uten krav."),
    "parorende": ("Pårørendetilbud", "Støtte, grupper og veiledning for pårørende."),
    "barn-unge": ("Barn og unge", "Tilbud til barn og unge, også barn som pårørende."),
    "brukerorganisasjon": ("Brukerorganisasjon", "Likepersonsstøtte og interessepolitikk fra brukerne selv."),
    "selvhjelp": ("Selvhjelp", "Selvhjelpsgrupper og fellesskap som AA og NA."),
    "ettervern": ("Ettervern", "Oppfølging etter behandling, arbeid og aktivitet."),
    "hjelpetelefon": ("Hjelpetelefon", "Anonym rådgivning og veiledning på telefon eller chat."),
}
PROPERTIES = {
    "drop-in": ("Drop-in", "Man kan møte opp uten avtale."),
    "referral-required": ("Krever henvisning", "Tilbudet krever henvisning."),
    "anonymous": ("Anonymt", "Man kan bruke tilbudet uten å oppgi navn."),
    "free": ("Gratis", "Tilbudet er gratis for brukeren."),
    "sobriety-required": ("Krav om rusfrihet", "Tilbudet krever at man er rusfri."),
    "accepts-lar": ("Tar imot LAR-pasienter", "Tilbudet tar imot pasienter i LAR."),
    "for-relatives": ("For pårørende", "Tilbudet er (også) for pårørende."),
    "right-to-choose": ("Rett til å velge behandlingssted",
                        "Eid av eller avtale med et RHF; kan velges etter pasient- og brukerrettighetsloven § 2-4."),
    "source": ("Kilde", "Hvor opplysningene i posten kommer fra og hva som ikke er verifisert."),
}


def term(taxonomy: str, code: str, name: str, desc: str) -> dict:
    return {"id": uid(f"taxonomy_term/{taxonomy}/{code}"), "code": code, "name": name,
            "description": desc, "taxonomy": taxonomy}


# ---------------------------------------------------------------- geography
KOMMUNER = {  # slug: (name, 2024 kommune number, website root)
    "oslo": ("Oslo", "0301", "https://www.oslo.kommune.no"),
    "bergen": ("Bergen", "4601", "https://www.bergen.kommune.no"),
    "trondheim": ("Trondheim", "5001", "https://www.trondheim.kommune.no"),
    "stavanger": ("Stavanger", "1103", "https://www.stavanger.kommune.no"),
    "drammen": ("Drammen", "3301", "https://www.drammen.kommune.no"),
    "fredrikstad": ("Fredrikstad", "3107", "https://www.fredrikstad.kommune.no"),
    "kristiansand": ("Kristiansand", "4204", "https://www.kristiansand.kommune.no"),
    "sandnes": ("Sandnes", "1108", "https://www.sandnes.kommune.no"),
    "tromso": ("Tromsø", "5501", "https://www.tromso.kommune.no"),
    "sarpsborg": ("Sarpsborg", "3105", "https://www.sarpsborg.kommune.no"),
    "bodo": ("Bodø", "1804", "https://www.bodo.kommune.no"),
    "alesund": ("Ålesund", "1508", "https://www.alesund.kommune.no"),
}
FYLKER = {  # 2024 numbers
    "03": "Oslo", "11": "Rogaland", "15": "Møre og Romsdal", "18": "Nordland", "31": "Østfold",
    "32": "Akershus", "33": "Buskerud", "34": "Innlandet", "39": "Vestfold", "40": "Telemark",
    "42": "Agder", "46": "Vestland", "50": "Trøndelag", "55": "Troms", "56": "Finnmark",
}


def area(spec: str) -> tuple[str, str]:
    """'kommune:oslo' | 'fylke:46' | 'NO' -> (name, uri)."""
    if spec == "NO":
        return "Hele Norge", "urn:iso:country:NO"
    kind, key = spec.split(":")
    if kind == "kommune":
        name, nr, _ = KOMMUNER[key]
        return name, f"urn:ssb:kommune:{nr}"
    return FYLKER[key], f"urn:ssb:fylke:{key}"


# ---------------------------------------------------------------- organisations
ORGS: dict[str, dict] = {}


def org(key: str, name: str, desc: str, website: str | None = None) -> str:
    o = {"id": uid(f"organization/{key}"), "name": name, "description": desc}
    if website:
        o["website"] = website
    ORGS[key] = o
    return key


org("amk", "AMK – akuttmedisinsk kommunikasjonssentral",
    "Helseforetakenes nødmeldesentraler som tar imot anrop til 113 og setter i gang akutt medisinsk hjelp.")
org("legevakt", "Legevakt (kommunene)",
    "Kommunene har ansvar for legevakt; 116 117 setter deg over til legevakten der du er.")
org("mental-helse", "Mental Helse", "Landsdekkende organisasjon for psykisk helse.", "https://www.mentalhelse.no")
org("kirkens-sos", "Kirkens SOS", "Krisetjeneste for mennesker i krise, på telefon og skriftlig.",
    "https://www.kirkens-sos.no")
org("giftinfo", "Giftinformasjonen", "Nasjonal faglig tjeneste for spørsmål om forgiftninger.")
org("alarmtelefonen", "Alarmtelefonen for barn og unge",
    "Nasjonal telefon for barn og unge som opplever vold, overgrep eller omsorgssvikt.")
org("rusinfo", "RUSinfo", "Nasjonal opplysningstjeneste om rusmidler og hjelpetilbud (tidligere RUStelefonen).",
    "https://www.rusinfo.no")
org("hso", "Helse Sør-Øst RHF", "Regionalt helseforetak for Oslo, Akershus, Østfold, Buskerud, Innlandet, "
    "Vestfold, Telemark og Agder.", "https://www.helse-sorost.no")
org("hv", "Helse Vest RHF", "Regionalt helseforetak for Rogaland og Vestland.", "https://www.helse-vest.no")
org("hmn", "Helse Midt-Norge RHF", "Regionalt helseforetak for Trøndelag og Møre og Romsdal.",
    "https://www.helse-midt.no")
org("hn", "Helse Nord RHF", "Regionalt helseforetak for Nordland, Troms og Finnmark.", "https://www.helse-nord.no")
org("rio", "RIO – Rusmisbrukernes interesseorganisasjon",
    "Brukerorganisasjon for mennesker med rusproblemer og erfaring fra rusbehandling.", "https://www.rio.no")
org("prolar", "proLAR Nett", "Interesseorganisasjon for pasienter i legemiddelassistert rehabilitering (LAR).")
org("a-larm", "A-larm", "Bruker- og pårørendeorganisasjon på rusfeltet.", "https://www.a-larm.no")
org("lar-nett", "LAR-nett Norge", "Brukerorganisasjon og nettverk for personer i LAR.")
org("ivareta", "Ivareta – pårørende berørt av rus",
    "Landsdekkende organisasjon for pårørende til mennesker med rusproblemer; tidligere "
    "Landsforbundet mot stoffmisbruk (LMS).")
org("na", "Anonyme Narkomane (NA)", "Fellesskap av mennesker som hjelper hverandre å leve uten rusmidler.")
org("aa", "Anonyme Alkoholikere (AA)", "Fellesskap av mennesker som hjelper hverandre å leve uten alkohol.")
org("tyrili", "Tyrilistiftelsen", "Ideell stiftelse som driver rusbehandling og rehabilitering.",
    "https://www.tyrili.no")
org("evangeliesenteret", "Evangeliesenteret",
    "Kristen ideell stiftelse som driver rehabiliteringssentre for rusavhengige flere steder i landet.")
org("blakors", "Blå Kors Norge", "Diakonal organisasjon med behandlingsinstitusjoner og sosiale tilbud på rusfeltet.",
    "https://www.blakors.no")
org("frelsesarmeen", "Frelsesarmeen", "Kirke og diakonal organisasjon med sosialt arbeid, blant annet rusomsorg.",
    "https://www.frelsesarmeen.no")
org("fransiskushjelpen", "Fransiskushjelpen", "Diakonal stiftelse i Oslo med oppsøkende og helsefaglige tilbud.")
org("nav", "NAV", "Arbeids- og velferdsforvaltningen; NAV-kontoret i kommunen gir blant annet økonomisk "
    "sosialhjelp, råd og veiledning.", "https://www.nav.no")
for slug, (kname, _nr, site) in KOMMUNER.items():
    org(f"kommune-{slug}", f"{kname} kommune",
        f"{kname} kommune har ansvar for helse- og omsorgstjenester og sosiale tjenester til innbyggerne, "
        "også ved rusproblemer.", site)
    if slug not in ("sandnes", "sarpsborg", "fredrikstad", "tromso", "alesund"):
        org(f"bymisjon-{slug}", "Kirkens Bymisjon Rogaland" if slug == "stavanger" else f"Kirkens Bymisjon ({kname})",
            f"Diakonal organisasjon med sosiale tilbud til mennesker i vanskelige livssituasjoner i {kname}.",
            "https://www.bymisjon.no")
HF = {  # key: (name, website)
    "ous": ("Oslo universitetssykehus HF", "https://www.oslo-universitetssykehus.no"),
    "helse-bergen": ("Helse Bergen HF", "https://www.helse-bergen.no"),
    "stolav": ("St. Olavs hospital HF", "https://www.stolav.no"),
    "helse-stavanger": ("Helse Stavanger HF (Stavanger universitetssjukehus)", "https://www.helse-stavanger.no"),
    "vestre-viken": ("Vestre Viken HF", "https://www.vestreviken.no"),
    "so": ("Sykehuset Østfold HF", "https://www.sykehuset-ostfold.no"),
    "sshf": ("Sørlandet sykehus HF", "https://www.sshf.no"),
    "unn": ("Universitetssykehuset Nord-Norge HF (UNN)", "https://www.unn.no"),
    "nlsh": ("Nordlandssykehuset HF", "https://www.nordlandssykehuset.no"),
    "helse-mr": ("Helse Møre og Romsdal HF", "https://www.helse-mr.no"),
}
for k, (n, w) in HF.items():
    org(k, n, "Offentlig helseforetak som blant annet gir tverrfaglig spesialisert rusbehandling (TSB).", w)
org("bergensklinikkene", "Stiftelsen Bergensklinikkene",
    "Ideell stiftelse i Bergen som gir spesialisert rusbehandling.")
org("rogaland-a-senter", "Rogaland A-senter", "Ideell stiftelse i Stavanger som gir spesialisert rusbehandling.")
org("parorendesenteret", "Stiftelsen Pårørendesenteret",
    "Senter i Stavanger som gir støtte og veiledning til pårørende.")
org("blakors-lade", "Lade behandlingssenter (Blå Kors)", "Blå Kors' behandlingssenter for rusavhengige i Trondheim.")


# ---------------------------------------------------------------- service builder
def service(slug: str, *, name: str, org_key: str, description: str, types: list[str], source: str,
            areas: list[str], props: dict[str, str] | None = None, application_process: str | None = None,
            alternate_name: str | None = None, phones: list[tuple[str, str]] | None = None,
            schedules: list[dict] | None = None, fees_description: str | None = None,
            eligibility_description: str | None = None, minimum_age: int | None = None,
            maximum_age: int | None = None, url: str | None = None) -> dict:
    base = f"service/{slug}"
    s: dict = {"id": uid(base), "name": name}
    if alternate_name:
        s["alternate_name"] = alternate_name
    s["description"] = description
    if url:
        s["url"] = url
    s["status"] = "active"
    if application_process:
        s["application_process"] = application_process
    if fees_description:
        s["fees_description"] = fees_description
    if eligibility_description:
        s["eligibility_description"] = eligibility_description
    if minimum_age is not None:
        s["minimum_age"] = minimum_age
    if maximum_age is not None:
        s["maximum_age"] = maximum_age
    s["assured_date"] = ASSURED
    s["organization"] = dict(ORGS[org_key])
    if phones:
        s["phones"] = [{"id": uid(f"{base}/phone/{num}"), "number": num, "type": "voice", "description": d}
                       for num, d in phones]
    if schedules:
        s["schedules"] = [dict({"id": uid(f"{base}/schedule/{i}")}, **sch) for i, sch in enumerate(schedules)]
    s["service_areas"] = []
    for a in areas:
        aname, uri = area(a)
        s["service_areas"].append({"id": uid(f"{base}/area/{uri}"), "name": aname,
                                   "extent_type": "text", "uri": uri})
    s["languages"] = [{"id": uid(f"{base}/language/nb"), "name": "Norwegian", "code": "nb"}]
    attrs = []
    for code in types:
        n, d = SERVICE_TYPES[code]  # KeyError = not a DOMAIN.md code
        attrs.append({"id": uid(f"{base}/attr/type/{code}"),
                      "taxonomy_term": term("veiviser-tjenestetype", code, n, d)})
    for code, value in (props or {}).items():
        n, d = PROPERTIES[code]
        attrs.append({"id": uid(f"{base}/attr/prop/{code}"), "value": value,
                      "taxonomy_term": term("veiviser-egenskap", code, n, d)})
    n, d = PROPERTIES["source"]
    attrs.append({"id": uid(f"{base}/attr/prop/source"), "value": source,
                  "taxonomy_term": term("veiviser-egenskap", "source", n, d)})
    s["attributes"] = attrs
    return s


HF_APPLY = ("Henvisning fra fastlege, annen lege eller NAV/kommunens sosialtjeneste. Henvisningen skal "
            "vurderes innen 10 virkedager. Du kan også velge et annet godkjent behandlingssted.")
HF_PROPS = {"referral-required": "true", "right-to-choose": "true"}
KOMMUNE_APPLY = "Ta kontakt med kommunen selv. Du trenger ikke henvisning, og du må ikke være rusfri."
NAV_APPLY = "Du kan kontakte NAV-kontoret selv; ingen henvisning trengs."


def legevakt(city: str) -> dict:
    kname = KOMMUNER[city][0]
    return service(f"{city}/legevakt", name=f"Legevakt – {kname}", org_key=f"kommune-{city}",
                   description=f"Legevakten gir akutt hjelp når fastlegen ikke er tilgjengelig. Ring 116 117 for å "
                               f"komme til legevakten som dekker {kname}. Ved fare for liv, ring 113.",
                   types=["akutt"], source=SRC_LEGEVAKT, areas=[f"kommune:{city}"],
                   props={"referral-required": "false"},
                   application_process="Ring 116 117. Ved fare for liv: ring 113.",
                   phones=[("116 117", "Nasjonalt legevaktnummer; kobler til nærmeste legevakt")])


def kommunal(city: str, name: str | None = None, extra: str = "") -> dict:
    kname = KOMMUNER[city][0]
    return service(f"{city}/kommunal-rustjeneste",
                   name=name or f"Rus- og psykisk helsetjenester i {kname} kommune",
                   org_key=f"kommune-{city}",
                   description=f"Kommunen gir råd, samtaler, kartlegging og oppfølging ved rusproblemer, og kan hjelpe "
                               f"med henvisning til behandling og med tiltak mens du venter.{extra}",
                   types=["kommunal-rustjeneste"], source=SRC_KOMMUNE, areas=[f"kommune:{city}"],
                   props={"referral-required": "false", "sobriety-required": "false"},
                   application_process=KOMMUNE_APPLY)


def nav(city: str, name: str | None = None) -> dict:
    kname = KOMMUNER[city][0]
    return service(f"{city}/nav", name=name or f"NAV {kname}", org_key="nav",
                   description="NAV-kontoret gir økonomisk sosialhjelp, råd og veiledning, og kan henvise til "
                               "spesialisert rusbehandling.",
                   types=["kommunal-rustjeneste"], source=SRC_NAV, areas=[f"kommune:{city}"],
                   props={"referral-required": "false"}, application_process=NAV_APPLY)


def hf_tsb(city: str, hf: str, name: str, areas: list[str], extra: str = "",
           types: list[str] | None = None) -> dict:
    return service(f"{city}/{hf}/tsb", name=name, org_key=hf,
                   description="Helseforetakets tverrfaglige spesialiserte rusbehandling: poliklinikk, avrusning "
                               f"og LAR.{extra}",
                   types=types or ["tsb-poliklinikk", "avrusning", "lar"], source=SRC_HF, areas=areas,
                   props=HF_PROPS, application_process=HF_APPLY)


def bymisjon(city: str, seeds: tuple[str, ...] = ()) -> dict:
    kname = KOMMUNER[city][0]
    src = (src_seed(*seeds, extra="Hvilke konkrete tilbud som drives nå, er ikke verifisert") if seeds
           else src_public("Hvilke konkrete tilbud som drives nå, er ikke verifisert"))
    return service(f"{city}/kirkens-bymisjon", name=f"Kirkens Bymisjon i {kname}", org_key=f"bymisjon-{city}",
                   description=f"Kirkens Bymisjon driver møteplasser og sosiale tilbud for mennesker som sliter, også "
                               f"med rus, i {kname}. Ta kontakt for å høre hvilke tilbud som finnes nå.",
                   types=["varested"], source=src, areas=[f"kommune:{city}"])


# ---------------------------------------------------------------- national
def national() -> list[dict]:
    NO = ["NO"]
    out = [
        service("national/113", name="Medisinsk nødtelefon 113", org_key="amk",
                description="Ring 113 ved fare for liv, som overdose, bevisstløshet, pustestans eller alvorlig skade. "
                            "Hold personen pustende, legg i stabilt sideleie og gi nalokson hvis du har.",
                types=["akutt"], source=SRC_DOMAIN, areas=NO, props={"referral-required": "false"},
                application_process="Ring 113.",
                phones=[("113", "Medisinsk nødtelefon")]),
        service("national/116117", name="Legevakt 116 117", org_key="legevakt",
                description="Nasjonalt nummer som kobler deg til legevakten der du er, når du trenger lege og "
                            "det ikke kan vente til fastlegen.",
                types=["akutt"], source=SRC_DOMAIN, areas=NO, props={"referral-required": "false"},
                application_process="Ring 116 117. Ved fare for liv: ring 113.",
                phones=[("116 117", "Legevakt")]),
        service("national/rusinfo", name="RUSinfo", alternate_name="RUStelefonen", org_key="rusinfo",
                description="Anonym rådgivning på telefon og chat om rusmidler, egen eller andres bruk og hvor man "
                            "kan få hjelp. For brukere, pårørende og fagfolk.",
                types=["hjelpetelefon"], source=SRC_DOMAIN + ". Nettadresse: domenerot, offentlig kjent", areas=NO,
                props={"anonymous": "true", "referral-required": "false"},
                application_process="Ring eller chat i åpningstiden; du trenger ikke oppgi navn.",
                phones=[("915 08588", "RUSinfo, telefon")],
                schedules=[{"freq": "WEEKLY", "byday": "MO,TU,WE,TH,FR", "opens_at": "11:00", "closes_at": "18:00",
                            "description": "Hverdager kl. 11–18 norsk tid (Europe/Oslo), telefon og chat"}]),
        service("national/mental-helse-116123", name="Mental Helses hjelpetelefon", org_key="mental-helse",
                description="Hjelpetelefon for alle som trenger noen å snakke med, også ved selvmordstanker.",
                types=["hjelpetelefon"], source=SRC_DOMAIN + ". Anonymitet: offentlig kjent", areas=NO,
                props={"anonymous": "true", "referral-required": "false"},
                application_process="Ring 116 123.",
                phones=[("116 123", "Mental Helses hjelpetelefon")]),
        service("national/kirkens-sos", name="Kirkens SOS krisetelefon", org_key="kirkens-sos",
                description="Krisetelefon for mennesker i krise eller med selvmordstanker.",
                types=["hjelpetelefon"], source=SRC_DOMAIN + ". Anonymitet: offentlig kjent", areas=NO,
                props={"anonymous": "true", "referral-required": "false"},
                application_process="Ring 22 40 00 40.",
                phones=[("22 40 00 40", "Kirkens SOS")]),
        service("national/giftinformasjonen", name="Giftinformasjonen", org_key="giftinfo",
                description="Råd ved mistanke om forgiftning, også med rusmidler og legemidler. Ved fare for liv, "
                            "ring 113 først.",
                types=["akutt", "hjelpetelefon"], source=SRC_DOMAIN, areas=NO,
                props={"referral-required": "false"},
                application_process="Ring 22 59 13 00.",
                phones=[("22 59 13 00", "Giftinformasjonen")]),
        service("national/alarmtelefonen", name="Alarmtelefonen for barn og unge 116 111",
                org_key="alarmtelefonen",
                description="Telefon for barn og unge som trenger hjelp fordi de blir utsatt for vold, overgrep "
                            "eller omsorgssvikt.",
                types=["barn-unge", "hjelpetelefon", "akutt"], source=SRC_DOMAIN, areas=NO,
                props={"referral-required": "false"},
                application_process="Ring 116 111.",
                phones=[("116 111", "Alarmtelefonen for barn og unge")]),
    ]
    rhf = [("hso", "Helse Sør-Øst", ["fylke:03", "fylke:32", "fylke:31", "fylke:33", "fylke:34", "fylke:39",
                                     "fylke:40", "fylke:42"]),
           ("hv", "Helse Vest", ["fylke:11", "fylke:46"]),
           ("hmn", "Helse Midt-Norge", ["fylke:50", "fylke:15"]),
           ("hn", "Helse Nord", ["fylke:18", "fylke:55", "fylke:56"])]
    for key, rname, areas in rhf:
        out.append(service(
            f"national/{key}/tsb", name=f"Spesialisert rusbehandling (TSB) i {rname}", org_key=key,
            description=f"{rname} sørger for tverrfaglig spesialisert rusbehandling i regionen, i egne "
                        "helseforetak og hos private og ideelle institusjoner med avtale. Med rett til helsehjelp "
                        "kan du velge behandlingssted i hele landet; ventetider publiseres på helsenorge.no.",
            types=["tsb-poliklinikk", "tsb-dogn", "avrusning", "lar"],
            source="Regionenes ansvar, henvisningsvei, 10 virkedagers frist og rett til å velge behandlingssted: "
                   "DOMAIN.md. Fylkesinndeling per 2024: offentlig kjent. Ingen telefon eller ventetid lagt inn",
            areas=areas, props=HF_PROPS, application_process=HF_APPLY))
    out += [
        service("national/rio", name="RIO – likepersonsstøtte og brukerstemme", org_key="rio",
                description="Brukerorganisasjon drevet av folk med egen ruserfaring. Gir råd, likepersonsstøtte og "
                            "hjelp til å finne fram i hjelpeapparatet.",
                types=["brukerorganisasjon"], source=src_seed("001", "002", "004"), areas=NO),
        service("national/prolar", name="proLAR Nett", org_key="prolar",
                description="Interesseorganisasjon for pasienter i LAR; gir informasjon og støtte om rettigheter i "
                            "LAR.",
                types=["brukerorganisasjon"], source=src_seed("002", "004"), areas=NO),
        service("national/a-larm", name="A-larm", org_key="a-larm",
                description="Bruker- og pårørendeorganisasjon for mennesker med rusproblemer og deres nærmeste; "
                            "tilbyr likepersonsarbeid og samtaler.",
                types=["brukerorganisasjon", "parorende"], source=src_seed("000", "002"), areas=NO,
                props={"for-relatives": "true"}),
        service("national/lar-nett", name="LAR-nett Norge", org_key="lar-nett",
                description="Brukerorganisasjon for personer i legemiddelassistert rehabilitering.",
                types=["brukerorganisasjon"], source=src_seed("001", "002"), areas=NO),
        service("national/ivareta", name="Ivareta – støtte til pårørende", org_key="ivareta",
                alternate_name="Landsforbundet mot stoffmisbruk (LMS)",
                description="Organisasjon for pårørende til mennesker med rusproblemer; tilbyr samtaler, "
                            "samlinger og fellesskap med andre pårørende.",
                types=["parorende"], source=src_seed("000", "002", extra="Navnebytte LMS → Ivareta: offentlig kjent"),
                areas=NO, props={"for-relatives": "true"}),
        service("national/na", name="Anonyme Narkomane (NA)", org_key="na",
                description="Selvhjelpsmøter for alle som ønsker å slutte med rusmidler; bygger på tolv trinn og "
                            "sponsorskap.",
                types=["selvhjelp"], source=src_seed("000", extra="Møtetider og -steder ikke lagt inn"), areas=NO,
                props={"drop-in": "true", "anonymous": "true", "referral-required": "false"},
                application_process="Møt opp på et møte; ingen påmelding."),
        service("national/aa", name="Anonyme Alkoholikere (AA)", org_key="aa",
                description="Selvhjelpsmøter for mennesker som vil slutte å drikke; bygger på tolv trinn.",
                types=["selvhjelp"], source=src_public("Møtetider og -steder ikke lagt inn"), areas=NO,
                props={"drop-in": "true", "anonymous": "true", "referral-required": "false"},
                application_process="Møt opp på et møte; ingen påmelding."),
        service("national/tyrili", name="Tyrilistiftelsen – behandling og rehabilitering", org_key="tyrili",
                description="Ideell stiftelse med døgnbehandling og rehabilitering for rusavhengige på flere steder.",
                types=["tsb-dogn", "ettervern"],
                source=src_seed("000", "002", "004", extra="Avtalestatus med RHF ikke verifisert"), areas=NO,
                application_process="Vanligvis via henvisning til spesialisthelsetjenesten fra fastlege eller NAV."),
        service("national/evangeliesenteret", name="Evangeliesenteret", org_key="evangeliesenteret",
                description="Kristen stiftelse med rusfrie rehabiliteringssentre og ettervern flere steder i landet.",
                types=["tsb-dogn", "ettervern"],
                source=src_seed("000", "002", extra="Inntaksvei, avtalestatus og krav ikke verifisert"), areas=NO),
        service("national/blakors", name="Blå Kors behandling", org_key="blakors",
                description="Blå Kors driver behandlingsinstitusjoner for rusavhengige flere steder i landet.",
                types=["tsb-dogn"],
                source=src_seed("001", "002", "004", extra="Hvilke klinikker som har avtale med RHF, ikke verifisert"),
                areas=NO),
    ]
    return out


# ---------------------------------------------------------------- cities
def oslo() -> list[dict]:
    c = "oslo"
    A = ["kommune:oslo"]
    return [
        service("oslo/gatehospitalet", name="Gatehospitalet", org_key="frelsesarmeen",
                description="Frelsesarmeens helsetilbud i Oslo for rusavhengige som er for syke til å klare seg "
                            "ute, men ikke trenger sykehus. Gir pleie og hvile med overnatting.",
                types=["lavterskel-helse"], source=src_seed("002", "004", extra="Inntaksvei ikke verifisert"),
                areas=A),
        service("oslo/lasso", name="LASSO – lavterskel substitusjonsbehandling",
                alternate_name="Legemiddelassistert skadereduserende substitusjonsbehandling i Oslo", org_key="ous",
                description="Rask substitusjonsbehandling med lave krav for de mest utsatte som injiserer opioider, "
                            "drevet av spesialisthelsetjenesten sammen med Oslo kommune. Målet er færre overdoser "
                            "og bedre helse, og eventuelt videre til LAR.",
                types=["lavterskel-substitusjon"],
                source=src_seed("004", extra="Omtalt som prosjekt i 2015; at det drives i dag og inntaksvei "
                                             "ikke verifisert"),
                areas=A),
        hf_tsb(c, "ous", "Avdeling for rus- og avhengighetsbehandling (ARA), Oslo universitetssykehus", A,
               extra=" Deler av Oslo sokner til andre sykehus for rusbehandling; hvilket som gjelder din bydel, "
                     "er ikke lagt inn.", types=["tsb-poliklinikk", "tsb-dogn", "avrusning", "lar"]),
        service("oslo/helserommet", name="Helserommet", org_key="kommune-oslo",
                description="Oslo kommunes brukerrom der rusavhengige kan bruke medbrakte rusmidler med helsepersonell "
                            "til stede, og få rent utstyr og råd.",
                types=["skadereduksjon"], source=src_public("Aldersgrense og vilkår ikke verifisert"), areas=A),
        service("oslo/uteseksjonen", name="Uteseksjonen", org_key="kommune-oslo",
                description="Oslo kommunes oppsøkende tjeneste som møter ungdom og voksne i bymiljøet, med råd "
                            "og hjelp videre.",
                types=["barn-unge"], source=src_public(), areas=A),
        service("oslo/sykepleie-pa-hjul", name="Sykepleie på hjul", org_key="fransiskushjelpen",
                description="Oppsøkende sykepleie til rusavhengige som har vansker med å bruke vanlige "
                            "helsetjenester.",
                types=["lavterskel-helse"], source=src_seed("002", "003", extra="At tilbudet drives i dag, er ikke "
                                                                               "verifisert"),
                areas=A),
        service("oslo/kirkens-bymisjon-motestedet", name="Møtestedet (Kirkens Bymisjon i Oslo)",
                org_key="bymisjon-oslo",
                description="Kirkens Bymisjons møtested i Oslo med mat og fellesskap for mennesker som ruser seg.",
                types=["varested"], source=src_seed("002", extra="At tilbudet drives i dag, er ikke verifisert"),
                areas=A),
        kommunal(c, name="Helse- og sosialtjenesten i bydelen (Oslo kommune)",
                 extra=" I Oslo er det bydelen du bor i som har ansvaret."),
        service("oslo/nav", name="NAV-kontoret i bydelen (Oslo)", org_key="nav",
                description="I Oslo har hver bydel sitt NAV-kontor. NAV gir økonomisk sosialhjelp, råd og "
                            "veiledning, og kan henvise til spesialisert rusbehandling.",
                types=["kommunal-rustjeneste"], source=SRC_NAV, areas=A, props={"referral-required": "false"},
                application_process=NAV_APPLY),
        legevakt(c),
    ]


def bergen() -> list[dict]:
    c, A = "bergen", ["kommune:bergen"]
    return [
        hf_tsb(c, "helse-bergen", "Avdeling for rusmedisin, Helse Bergen", A),
        service("bergen/bergensklinikkene", name="Stiftelsen Bergensklinikkene", org_key="bergensklinikkene",
                description="Ideell stiftelse som gir spesialisert rusbehandling, både poliklinisk og med døgnopphold.",
                types=["tsb-poliklinikk", "tsb-dogn"],
                source=src_seed("000", extra="Avtalestatus med Helse Vest ikke verifisert"), areas=A,
                props={"referral-required": "true"},
                application_process="Henvisning fra fastlege, annen lege eller NAV/kommunens sosialtjeneste."),
        service("bergen/utekontakten", name="Utekontakten i Bergen", org_key="kommune-bergen",
                description="Bergen kommunes oppsøkende tjeneste for ungdom, også når rus er en del av bildet.",
                types=["barn-unge"], source=src_public("Aldersgrenser ikke verifisert"), areas=A),
        bymisjon(c),
        kommunal(c), nav(c), legevakt(c),
    ]


def trondheim() -> list[dict]:
    c, A = "trondheim", ["kommune:trondheim"]
    return [
        hf_tsb(c, "stolav", "Klinikk for rus- og avhengighetsmedisin, St. Olavs hospital", A),
        service("trondheim/lade", name="Lade behandlingssenter (Blå Kors)", org_key="blakors-lade",
                description="Blå Kors' behandlingssenter i Trondheim med døgnbehandling for rusavhengige.",
                types=["tsb-dogn"], source=src_public("Avtalestatus med Helse Midt-Norge ikke verifisert"), areas=A,
                props={"referral-required": "true"},
                application_process="Henvisning fra fastlege, annen lege eller NAV/kommunens sosialtjeneste."),
        bymisjon(c, ("002",)),
        kommunal(c), nav(c), legevakt(c),
    ]


def stavanger() -> list[dict]:
    c = "stavanger"
    A = ["kommune:stavanger"]
    return [
        hf_tsb(c, "helse-stavanger", "Avdeling for rus og avhengighet, Stavanger universitetssjukehus",
               ["kommune:stavanger", "kommune:sandnes"],
               extra=" Dekker blant annet Stavanger og Sandnes."),
        service("stavanger/rogaland-a-senter", name="Rogaland A-senter", org_key="rogaland-a-senter",
                description="Ideell stiftelse i Stavanger med spesialisert rusbehandling.",
                types=["tsb-poliklinikk"],
                source=src_public("Avtalestatus med Helse Stavanger og hvilke tilbud som gis, ikke verifisert"),
                areas=["kommune:stavanger", "kommune:sandnes"], props={"referral-required": "true"},
                application_process="Henvisning fra fastlege, annen lege eller NAV/kommunens sosialtjeneste."),
        service("stavanger/parorendesenteret", name="Pårørendesenteret", org_key="parorendesenteret",
                description="Samtaler, kurs og støtte for pårørende, også til mennesker med rusproblemer.",
                types=["parorende"], source=src_public("Vilkår og kostnad ikke verifisert"),
                areas=["kommune:stavanger", "kommune:sandnes"], props={"for-relatives": "true",
                                                                       "referral-required": "false"}),
        bymisjon(c, ("002",)),
        kommunal(c), nav(c), legevakt(c),
    ]


def simple_city(c: str, hf: str, hf_name: str, extra_services: list[dict] | None = None,
                hf_areas: list[str] | None = None, include_hf: bool = True) -> list[dict]:
    out = []
    if include_hf:
        out.append(hf_tsb(c, hf, hf_name, hf_areas or [f"kommune:{c}"]))
    out += extra_services or []
    out += [kommunal(c), nav(c), legevakt(c)]
    return out


def cities() -> dict[str, list[dict]]:
    return {
        "oslo": oslo(),
        "bergen": bergen(),
        "trondheim": trondheim(),
        "stavanger": stavanger(),
        "drammen": simple_city("drammen", "vestre-viken", "Rus- og avhengighetsbehandling, Vestre Viken",
                               [bymisjon("drammen", ("002",))]),
        "fredrikstad": simple_city("fredrikstad", "so", "", include_hf=False),
        "kristiansand": simple_city("kristiansand", "sshf",
                                    "Avdeling for rus- og avhengighetsbehandling (ARA), Sørlandet sykehus",
                                    [bymisjon("kristiansand", ("000", "002"))]),
        "sandnes": simple_city("sandnes", "helse-stavanger", "", include_hf=False),
        "tromso": simple_city("tromso", "unn", "Rusbehandling, Universitetssykehuset Nord-Norge (UNN)"),
        "sarpsborg": simple_city("sarpsborg", "so", "Rus- og avhengighetsbehandling, Sykehuset Østfold",
                                 hf_areas=["kommune:sarpsborg", "kommune:fredrikstad", "fylke:31"]),
        "bodo": simple_city("bodo", "nlsh", "Rusbehandling, Nordlandssykehuset",
                            [bymisjon("bodo", ("002",))]),
        "alesund": simple_city("alesund", "helse-mr", "Rusbehandling, Helse Møre og Romsdal"),
    }


CITY_NOTES = {
    "sandnes": " Spesialisert rusbehandling for Sandnes (Helse Stavanger, Rogaland A-senter, Pårørendesenteret) "
               "ligger i stavanger.json med Sandnes som tjenesteområde.",
    "fredrikstad": " Sykehuset Østfolds rusbehandling ligger i sarpsborg.json med Fredrikstad som tjenesteområde.",
}


def main() -> None:
    note = ("Veiviser seed-katalog (HSDS 3.0), generert av _build_seed.py. Telefonnumre kun fra DOMAIN.md "
            "(verifisert 2026-11-22). Organisasjoner og tjenestetyper fra kildedokumentene (seeds/000–004, "
            "2007–2015) og offentlig kjent kunnskap. Adresser, koordinater, åpningstider (unntatt RUSinfo) og "
            "ventetider er IKKE lagt inn fordi de ikke er verifisert. Alt må verifiseres på nytt før lansering; "
            "se egenskapen 'source' på hver tjeneste.")
    files = {"national": national(), **cities()}
    for name, services in files.items():
        payload = {"source_note": note + CITY_NOTES.get(name, ""), "services": services}
        (HERE / f"{name}.json").write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n",
                                           encoding="utf-8")
        print(f"{name}.json: {len(services)} services")


if __name__ == "__main__":
    main()
