"""The roundabout's words in Dutch (the agency's own, from "Het terugkeerproces in beeld") and
English. Short labels for the picture, fuller ones for the text alternative."""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {
    "nl": {
        "title": "Het terugkeerproces in beeld",
        "period": "{start} tot en met {end}",
        "aim": "Het streven is dat vreemdelingen die niet in Nederland mogen blijven, het land "
               "aantoonbaar verlaten: bij voorkeur zelfstandig (vrijwillig).",
        "inflow": "Instroom",
        "inflow_via": "via o.a. IND, Politie en KMar",
        "IND": "IND", "POLITIE": "Politie", "KMAR": "KMar", "other": "overig",
        "island": "afgesloten\nzaken",
        "independent": "Zelfstandig vertrek",
        "reintegration": "herintegratieondersteuning",
        "basic_departure": "basisvertrekondersteuning",
        "none": "overig of geen",
        "forced": "Gedwongen vertrek",
        "removal": "Uitzetproces",
        "conditions": "Vier voorwaarden, tegelijk:",
        "legally_removable": "juridisch uitzetbaar",
        "available": "beschikbaar",
        "detained": "in bewaring gesteld",
        "travel_document": "geldig reisdocument",
        "absconded": "Zelfstandig vertrek zonder toezicht",
        "absconded_note": "(met onbekende bestemming vertrokken)",
        "exit": "Uitstroom zonder vertrek",
        "asylum_procedure": "asielprocedure",
        "residence_permit": "verblijfsvergunning",
        "exit_other": "overig",
        "destination": "Bestemming",
        "cooperating": "werkt mee aan vertrek",
        "not_cooperating": "werkt niet mee",
        "after_all": "alsnog meewerken",
        "scale": "Dikte van de pijlen naar aantal:",
        "scale_unit": "= {n}",
        "scale_minimum": "kleine stromen minstens zo dik:",
        "note_flows": "Instroom: nieuwe vertrekprocedures in de periode. Uitgaande pijlen: "
                      "vertrekprocedures afgesloten in de periode.",
        "note_stance": "Meewerken: de houding bij het (eerste) vertrekgesprek van wie zo vertrok. "
                       "De rotonde zelf is niet op schaal.",
        "note_rounded": "Aantallen afgerond op tientallen, onder de 5 als <5.",
        "note_exact": "Exacte aantallen (niet voor publicatie).",
        # the text alternative
        "alt_summary": "Tekstversie van de figuur: dezelfde aantallen.",
        "alt_figure": "Onderdeel",
        "alt_count": "Aantal",
        "alt_inflow": "Instroom (nieuwe vertrekprocedures)",
        "alt_inflow_source": "via {source}",
        "alt_closed": "Afgesloten vertrekprocedures",
        "alt_removal": "Gedwongen vertrek, via het uitzetproces (vier voorwaarden tegelijk: "
                       "juridisch uitzetbaar, beschikbaar, in bewaring gesteld, "
                       "geldig reisdocument)",
        "alt_stances": "Houding bij het vertrekgesprek, naar uitgang",
        "alt_stance": "Houding",
        "alt_total": "totaal",
        "st_cooperating": "werkt mee (vanaf het eerste gesprek)",
        "st_after_all": "alsnog meewerken",
        "st_not_cooperating": "werkt niet mee",
        "st_no_interview": "geen vertrekgesprek",
        "desc": "Instroom van {inflow} via IND ({IND}), Politie ({POLITIE}), KMar ({KMAR}) en "
                "overig ({other}) komt op een rotonde. Uitgangen ({closed} afgesloten): "
                "zelfstandig vertrek {independent}, gedwongen vertrek via het uitzetproces "
                "{forced}, zelfstandig vertrek zonder toezicht {absconded}, uitstroom zonder "
                "vertrek {exit}. De tekstversie bij de figuur noemt alle aantallen.",
    },
    "en": {
        "title": "The return process at a glance",
        "period": "{start} to {end}",
        "aim": "The aim is that foreign nationals who may not stay in the Netherlands leave "
               "the country demonstrably: preferably independently (voluntarily).",
        "inflow": "Inflow",
        "inflow_via": "via IND, Police, KMar and others",
        "IND": "IND", "POLITIE": "Police", "KMAR": "KMar", "other": "other",
        "island": "cases\nclosed",
        "independent": "Independent departure",
        "reintegration": "reintegration support",
        "basic_departure": "basic departure support",
        "none": "other or none",
        "forced": "Forced departure",
        "removal": "Removal process",
        "conditions": "Four conditions, all at once:",
        "legally_removable": "legally removable",
        "available": "available",
        "detained": "in detention",
        "travel_document": "valid travel document",
        "absconded": "Departure without supervision",
        "absconded_note": "(left for an unknown destination)",
        "exit": "Outflow without departure",
        "asylum_procedure": "asylum procedure",
        "residence_permit": "residence permit",
        "exit_other": "other",
        "destination": "Destination",
        "cooperating": "cooperating with departure",
        "not_cooperating": "not cooperating",
        "after_all": "cooperating after all",
        "scale": "Arrow width by number:",
        "scale_unit": "= {n}",
        "scale_minimum": "small flows at least:",
        "note_flows": "Inflow: return procedures opened in the period. Outgoing arrows: "
                      "return procedures closed in the period.",
        "note_stance": "Cooperating: the stance at the (first) departure interview of those who "
                       "left that way. The roundabout itself is not to scale.",
        "note_rounded": "Numbers rounded to tens, under 5 as <5.",
        "note_exact": "Exact numbers (not for publication).",
        "alt_summary": "Text version of the figure: the same numbers.",
        "alt_figure": "Part",
        "alt_count": "Number",
        "alt_inflow": "Inflow (return procedures opened)",
        "alt_inflow_source": "via {source}",
        "alt_closed": "Return procedures closed",
        "alt_removal": "Forced departure, through the removal process (four conditions at "
                       "once: legally removable, available, in detention, valid travel "
                       "document)",
        "alt_stances": "Stance at the departure interview, by exit",
        "alt_stance": "Stance",
        "alt_total": "total",
        "st_cooperating": "cooperating (from the first interview)",
        "st_after_all": "cooperating after all",
        "st_not_cooperating": "not cooperating",
        "st_no_interview": "no departure interview",
        "desc": "Inflow of {inflow} via IND ({IND}), Police ({POLITIE}), KMar ({KMAR}) and "
                "others ({other}) enters a roundabout. Exits ({closed} closed): independent "
                "departure {independent}, forced departure through the removal process "
                "{forced}, departure without supervision {absconded}, outflow without "
                "departure {exit}. The text version beside the figure gives every number.",
    },
}  # fmt: skip

#: The four conditions of removal, in the agency's order.
CONDITIONS = ("legally_removable", "available", "detained", "travel_document")
