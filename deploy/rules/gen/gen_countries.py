#!/usr/bin/env python3
"""gen_countries.py - writes deploy/rules/countries.json from Debian's
iso-codes (ISO 3166-1: names, official names, common names) plus the reader
aliases, demonyms, capitals and vetoes kept in this file.

Usage: python3 deploy/rules/gen/gen_countries.py [ISO_JSON] > deploy/rules/countries.json
Both this script and its output are committed, so the build needs no Python.
"""
import json
import sys
import unicodedata

ISO = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/iso-codes/json/iso_3166-1.json"

# Canonical names a reader expects, where iso-codes' short name is not it.
CANON = {
    "RU": "Russia", "TR": "Turkey", "CZ": "Czech Republic", "BN": "Brunei",
    "CD": "Democratic Republic of the Congo", "CG": "Republic of the Congo",
    "VA": "Vatican City", "PS": "Palestine", "FM": "Micronesia",
    "CV": "Cape Verde", "ST": "São Tomé and Príncipe", "FK": "Falkland Islands",
    "CC": "Cocos (Keeling) Islands", "MF": "Saint Martin", "SX": "Sint Maarten",
    "VG": "British Virgin Islands", "VI": "US Virgin Islands", "SH": "Saint Helena",
    "MO": "Macau", "PN": "Pitcairn Islands", "KR": "South Korea", "KP": "North Korea",
    "LA": "Laos", "SY": "Syria", "IR": "Iran", "VN": "Vietnam", "TZ": "Tanzania",
    "MD": "Moldova", "BO": "Bolivia", "VE": "Venezuela", "TW": "Taiwan",
}

# Reader aliases (weight 1). "US"-style acronyms are case-proper: upper case
# letters in an alias must be upper case in the text, so "US" never fires on
# "us".
ALIASES = {
    "US": ["United States of America", "U.S.", "US", "USA", "U.S.A.", "America"],
    "GB": ["UK", "U.K.", "Britain", "Great Britain", "England", "Scotland", "Wales", "Northern Ireland"],
    "RU": ["Russian Federation"], "TR": ["Türkiye", "Turkiye"], "CZ": ["Czechia"],
    "BN": ["Brunei Darussalam"], "CD": ["DR Congo", "DRC", "Democratic Republic of Congo", "Congo-Kinshasa", "Congo"],
    "CG": ["Republic of Congo", "Congo-Brazzaville"], "VA": ["Vatican", "Holy See", "Vatican City State"],
    "PS": ["Palestinian Territories", "Palestinian territories", "State of Palestine", "Occupied Palestinian Territory"],
    "CV": ["Cabo Verde"], "ST": ["Sao Tome and Principe", "São Tomé", "Sao Tome"],
    "FK": ["Falklands", "Malvinas", "Islas Malvinas"], "CC": ["Cocos Islands", "Keeling Islands"],
    "MF": ["St Martin", "St. Martin"], "SH": ["St Helena", "St. Helena"], "MO": ["Macao"],
    "KR": ["Republic of Korea", "Korea"], "KP": ["DPRK", "Democratic People's Republic of Korea"],
    "LA": ["Lao People's Democratic Republic", "Lao PDR"], "SY": ["Syrian Arab Republic"],
    "VN": ["Viet Nam"], "TW": ["Republic of China", "Chinese Taipei"], "MK": ["Macedonia", "FYROM"],
    "SZ": ["Swaziland"], "MM": ["Burma"], "CI": ["Ivory Coast", "Cote d'Ivoire"],
    "NL": ["Holland", "The Netherlands"], "AE": ["UAE", "U.A.E."], "TL": ["East Timor"],
    "BA": ["Bosnia", "Bosnia-Herzegovina"], "TT": ["Trinidad"], "AG": ["Antigua"],
    "KN": ["St Kitts and Nevis", "St. Kitts and Nevis", "St Kitts", "Saint Kitts"],
    "LC": ["St Lucia", "St. Lucia"], "VC": ["St Vincent and the Grenadines", "St. Vincent", "St Vincent"],
    "PM": ["St Pierre and Miquelon"], "BL": ["St Barthélemy", "St Barts", "Saint Barts"],
    "IE": ["Republic of Ireland", "Eire"], "GM": ["The Gambia"], "BS": ["The Bahamas"],
    "SA": ["Saudi"], "HK": ["Hong Kong SAR"], "PG": ["PNG"], "CF": ["CAR"],
    "NZ": ["Aotearoa"], "GS": ["South Georgia"], "BQ": ["Bonaire", "Caribbean Netherlands"],
    "IN": ["Bharat"], "DE": ["Deutschland"], "CH": ["Swiss Confederation"],
}

# Demonyms and adjectives (weight 0.7: evidence, not a named reference).
DEMONYMS = {
    "AF": ["Afghan", "Afghans", "Afghani"], "AL": ["Albanian", "Albanians"], "DZ": ["Algerian", "Algerians"],
    "AD": ["Andorran"], "AO": ["Angolan", "Angolans"], "AR": ["Argentine", "Argentinian", "Argentinians", "Argentines"],
    "AM": ["Armenian", "Armenians"], "AU": ["Australian", "Australians", "Aussie"], "AT": ["Austrian", "Austrians"],
    "AZ": ["Azerbaijani", "Azerbaijanis", "Azeri", "Azeris"], "BS": ["Bahamian"], "BH": ["Bahraini", "Bahrainis"],
    "BD": ["Bangladeshi", "Bangladeshis"], "BB": ["Barbadian", "Bajan"], "BY": ["Belarusian", "Belarusians"],
    "BE": ["Belgian", "Belgians"], "BZ": ["Belizean"], "BJ": ["Beninese"], "BT": ["Bhutanese"],
    "BO": ["Bolivian", "Bolivians"], "BA": ["Bosnian", "Bosnians"], "BW": ["Botswanan", "Motswana"],
    "BR": ["Brazilian", "Brazilians"], "BN": ["Bruneian"], "BG": ["Bulgarian", "Bulgarians"],
    "BF": ["Burkinabe", "Burkinabé"], "BI": ["Burundian", "Burundians"], "KH": ["Cambodian", "Cambodians"],
    "CM": ["Cameroonian", "Cameroonians"], "CA": ["Canadian", "Canadians"], "CV": ["Cape Verdean"],
    "CF": ["Central African"], "TD": ["Chadian", "Chadians"], "CL": ["Chilean", "Chileans"],
    "CN": ["Chinese"], "CO": ["Colombian", "Colombians"], "KM": ["Comorian"], "CR": ["Costa Rican", "Costa Ricans"],
    "HR": ["Croatian", "Croatians", "Croat", "Croats"], "CU": ["Cuban", "Cubans"], "CY": ["Cypriot", "Cypriots"],
    "CZ": ["Czech", "Czechs"], "DK": ["Danish", "Dane", "Danes"], "DJ": ["Djiboutian"],
    "DO": ["Dominican"], "EC": ["Ecuadorian", "Ecuadorean", "Ecuadorians"], "EG": ["Egyptian", "Egyptians"],
    "SV": ["Salvadoran", "Salvadorean", "Salvadorans"], "GQ": ["Equatoguinean"], "ER": ["Eritrean", "Eritreans"],
    "EE": ["Estonian", "Estonians"], "SZ": ["Swazi"], "ET": ["Ethiopian", "Ethiopians"], "FJ": ["Fijian", "Fijians"],
    "FI": ["Finnish", "Finn", "Finns"], "FR": ["French", "Frenchman", "Frenchwoman"], "GA": ["Gabonese"],
    "GM": ["Gambian", "Gambians"], "GE": ["Georgian", "Georgians"], "DE": ["German", "Germans"],
    "GH": ["Ghanaian", "Ghanaians"], "GR": ["Greek", "Greeks"], "GD": ["Grenadian"], "GT": ["Guatemalan", "Guatemalans"],
    "GN": ["Guinean", "Guineans"], "GY": ["Guyanese"], "HT": ["Haitian", "Haitians"], "HN": ["Honduran", "Hondurans"],
    "HU": ["Hungarian", "Hungarians"], "IS": ["Icelandic", "Icelander", "Icelanders"], "IN": ["Indian", "Indians"],
    "ID": ["Indonesian", "Indonesians"], "IR": ["Iranian", "Iranians", "Persian"], "IQ": ["Iraqi", "Iraqis"],
    "IE": ["Irish"], "IL": ["Israeli", "Israelis"], "IT": ["Italian", "Italians"], "JM": ["Jamaican", "Jamaicans"],
    "JP": ["Japanese"], "JO": ["Jordanian", "Jordanians"], "KZ": ["Kazakh", "Kazakhs", "Kazakhstani"],
    "KE": ["Kenyan", "Kenyans"], "KW": ["Kuwaiti", "Kuwaitis"], "KG": ["Kyrgyz", "Kyrgyzstani"],
    "LA": ["Laotian", "Lao"], "LV": ["Latvian", "Latvians"], "LB": ["Lebanese"], "LS": ["Basotho", "Mosotho"],
    "LR": ["Liberian", "Liberians"], "LY": ["Libyan", "Libyans"], "LI": ["Liechtensteiner"],
    "LT": ["Lithuanian", "Lithuanians"], "LU": ["Luxembourgish", "Luxembourger"], "MG": ["Malagasy"],
    "MW": ["Malawian", "Malawians"], "MY": ["Malaysian", "Malaysians"], "MV": ["Maldivian", "Maldivians"],
    "ML": ["Malian", "Malians"], "MT": ["Maltese"], "MR": ["Mauritanian", "Mauritanians"], "MU": ["Mauritian"],
    "MX": ["Mexican", "Mexicans"], "MD": ["Moldovan", "Moldovans"], "MC": ["Monegasque"], "MN": ["Mongolian", "Mongolians"],
    "ME": ["Montenegrin", "Montenegrins"], "MA": ["Moroccan", "Moroccans"], "MZ": ["Mozambican", "Mozambicans"],
    "MM": ["Burmese", "Myanmarese"], "NA": ["Namibian", "Namibians"], "NP": ["Nepali", "Nepalese"],
    "NL": ["Dutch", "Dutchman"], "NZ": ["New Zealander", "New Zealanders", "Kiwis"], "NI": ["Nicaraguan", "Nicaraguans"],
    "NE": ["Nigerien", "Nigeriens"], "NG": ["Nigerian", "Nigerians"], "KP": ["North Korean", "North Koreans"],
    "MK": ["Macedonian", "North Macedonian"], "NO": ["Norwegian", "Norwegians"], "OM": ["Omani", "Omanis"],
    "PK": ["Pakistani", "Pakistanis"], "PS": ["Palestinian", "Palestinians"], "PA": ["Panamanian", "Panamanians"],
    "PG": ["Papua New Guinean"], "PY": ["Paraguayan", "Paraguayans"], "PE": ["Peruvian", "Peruvians"],
    "PH": ["Filipino", "Filipinos", "Philippine"], "PL": ["Polish", "Pole", "Poles"], "PT": ["Portuguese"],
    "QA": ["Qatari", "Qataris"], "RO": ["Romanian", "Romanians"], "RU": ["Russian", "Russians"],
    "RW": ["Rwandan", "Rwandans"], "WS": ["Samoan", "Samoans"], "SA": ["Saudis", "Saudi Arabian"],
    "SN": ["Senegalese"], "RS": ["Serbian", "Serbians", "Serb", "Serbs"], "SL": ["Sierra Leonean"],
    "SG": ["Singaporean", "Singaporeans"], "SK": ["Slovak", "Slovaks", "Slovakian"], "SI": ["Slovenian", "Slovene", "Slovenians"],
    "SO": ["Somali", "Somalis"], "ZA": ["South African", "South Africans"], "KR": ["South Korean", "South Koreans"],
    "SS": ["South Sudanese"], "ES": ["Spanish", "Spaniard", "Spaniards"], "LK": ["Sri Lankan", "Sri Lankans"],
    "SD": ["Sudanese"], "SR": ["Surinamese"], "SE": ["Swedish", "Swede", "Swedes"], "CH": ["Swiss"],
    "SY": ["Syrian", "Syrians"], "TW": ["Taiwanese"], "TJ": ["Tajik", "Tajiks", "Tajikistani"],
    "TZ": ["Tanzanian", "Tanzanians"], "TH": ["Thai", "Thais"], "TL": ["Timorese"], "TG": ["Togolese"],
    "TO": ["Tongan"], "TT": ["Trinidadian"], "TN": ["Tunisian", "Tunisians"], "TR": ["Turkish", "Turks"],
    "TM": ["Turkmen"], "UG": ["Ugandan", "Ugandans"], "UA": ["Ukrainian", "Ukrainians"],
    "AE": ["Emirati", "Emiratis"], "GB": ["British", "Briton", "Britons", "Brit", "Brits", "Scottish", "Welsh", "Northern Irish", "Scot", "Scots"],
    "US": ["American", "Americans"], "UY": ["Uruguayan", "Uruguayans"], "UZ": ["Uzbek", "Uzbeks", "Uzbekistani"],
    "VU": ["Vanuatuan", "Ni-Vanuatu"], "VE": ["Venezuelan", "Venezuelans"], "VN": ["Vietnamese"],
    "YE": ["Yemeni", "Yemenis"], "ZM": ["Zambian", "Zambians"], "ZW": ["Zimbabwean", "Zimbabweans"],
    "HK": ["Hongkonger"], "PR": ["Puerto Rican", "Puerto Ricans"], "GL": ["Greenlandic", "Greenlander"],
    "CG": ["Congolese"], "VA": ["Vatican's"],
}
DEMONYMS["VA"] = []

# Capitals and seats of government (weight 0.5: weaker evidence).
CAPITALS = {
    "AF": ["Kabul"], "AL": ["Tirana"], "DZ": ["Algiers"], "AO": ["Luanda"], "AR": ["Buenos Aires"],
    "AM": ["Yerevan"], "AU": ["Canberra"], "AT": ["Vienna"], "AZ": ["Baku"], "BH": ["Manama"],
    "BD": ["Dhaka"], "BY": ["Minsk"], "BE": ["Brussels"], "BJ": ["Porto-Novo"], "BT": ["Thimphu"],
    "BO": ["La Paz", "Sucre"], "BA": ["Sarajevo"], "BW": ["Gaborone"], "BR": ["Brasilia", "Brasília"],
    "BG": ["Sofia"], "BF": ["Ouagadougou"], "BI": ["Gitega", "Bujumbura"], "KH": ["Phnom Penh"],
    "CM": ["Yaounde", "Yaoundé"], "CA": ["Ottawa"], "CF": ["Bangui"], "TD": ["N'Djamena"], "CL": ["Santiago"],
    "CN": ["Beijing"], "CO": ["Bogota", "Bogotá"], "CD": ["Kinshasa"], "CG": ["Brazzaville"],
    "CR": ["San Jose", "San José"], "HR": ["Zagreb"], "CU": ["Havana"], "CY": ["Nicosia"], "CZ": ["Prague"],
    "DK": ["Copenhagen"], "DJ": ["Djibouti City"], "DO": ["Santo Domingo"], "EC": ["Quito"], "EG": ["Cairo"],
    "SV": ["San Salvador"], "ER": ["Asmara"], "EE": ["Tallinn"], "ET": ["Addis Ababa"], "FI": ["Helsinki"],
    "FR": ["Paris"], "GA": ["Libreville"], "GE": ["Tbilisi"], "DE": ["Berlin"], "GH": ["Accra"],
    "GR": ["Athens"], "GT": ["Guatemala City"], "GN": ["Conakry"], "GW": ["Bissau"], "HT": ["Port-au-Prince"],
    "HN": ["Tegucigalpa"], "HU": ["Budapest"], "IS": ["Reykjavik", "Reykjavík"], "IN": ["New Delhi", "Delhi"],
    "ID": ["Jakarta"], "IR": ["Tehran", "Teheran"], "IQ": ["Baghdad"], "IE": ["Dublin"], "IL": ["Tel Aviv"],
    "IT": ["Rome"], "JM": ["Kingston"], "JP": ["Tokyo"], "JO": ["Amman"], "KZ": ["Astana", "Almaty"],
    "KE": ["Nairobi"], "KW": ["Kuwait City"], "KG": ["Bishkek"], "LA": ["Vientiane"], "LV": ["Riga"],
    "LB": ["Beirut"], "LR": ["Monrovia"], "LY": ["Tripoli", "Benghazi"], "LT": ["Vilnius"], "MG": ["Antananarivo"],
    "MW": ["Lilongwe"], "MY": ["Kuala Lumpur"], "MV": ["Malé"], "ML": ["Bamako"], "MT": ["Valletta"],
    "MR": ["Nouakchott"], "MX": ["Mexico City"], "MD": ["Chisinau", "Chișinău"], "MN": ["Ulaanbaatar", "Ulan Bator"],
    "ME": ["Podgorica"], "MA": ["Rabat"], "MZ": ["Maputo"], "MM": ["Naypyidaw", "Yangon", "Rangoon"],
    "NA": ["Windhoek"], "NP": ["Kathmandu"], "NL": ["Amsterdam", "The Hague"], "NZ": ["Wellington"],
    "NI": ["Managua"], "NE": ["Niamey"], "NG": ["Abuja", "Lagos"], "KP": ["Pyongyang"], "MK": ["Skopje"],
    "NO": ["Oslo"], "OM": ["Muscat"], "PK": ["Islamabad"], "PS": ["Ramallah", "Gaza", "West Bank", "Gaza Strip"],
    "PA": ["Panama City"], "PY": ["Asuncion", "Asunción"], "PE": ["Lima"], "PH": ["Manila"], "PL": ["Warsaw"],
    "PT": ["Lisbon"], "QA": ["Doha"], "RO": ["Bucharest"], "RU": ["Moscow", "Kremlin"], "RW": ["Kigali"],
    "SA": ["Riyadh"], "SN": ["Dakar"], "RS": ["Belgrade"], "SL": ["Freetown"], "SK": ["Bratislava"],
    "SI": ["Ljubljana"], "SO": ["Mogadishu"], "ZA": ["Pretoria", "Johannesburg", "Cape Town"], "KR": ["Seoul"],
    "SS": ["Juba"], "ES": ["Madrid"], "LK": ["Colombo"], "SD": ["Khartoum"], "SE": ["Stockholm"],
    "CH": ["Bern", "Berne"], "SY": ["Damascus"], "TW": ["Taipei"], "TJ": ["Dushanbe"], "TZ": ["Dodoma", "Dar es Salaam"],
    "TH": ["Bangkok"], "TG": ["Lome", "Lomé"], "TN": ["Tunis"], "TR": ["Ankara"], "TM": ["Ashgabat"],
    "UG": ["Kampala"], "UA": ["Kyiv", "Kiev"], "AE": ["Abu Dhabi", "Dubai"], "GB": ["London", "Downing Street", "Westminster"],
    "US": ["Washington", "White House", "Washington DC", "Washington D.C."], "UY": ["Montevideo"], "UZ": ["Tashkent"],
    "VE": ["Caracas"], "VN": ["Hanoi", "Ho Chi Minh City"], "YE": ["Sanaa", "Sana'a", "Aden"], "ZM": ["Lusaka"],
    "ZW": ["Harare"],
}

# Vetoes: PCRE2 patterns that, when a match overlaps a mention, cancel it.
VETO = {
    "US": [r"\b(?:Latin|South|North|Central|Meso)[\s-]+America", r"\bAmerica'?s\s+Cup",
           r"\b(?:Bank|Captain|Miss|Voice|Hispanic\s+Society)\s+of\s+America", r"\bCaptain\s+America",
           r"\bAmerican\s+(?:Airlines|Express|Idol|Pie|Beauty|Gangster|Psycho|Graffiti|Hustle|Dad|Horror)",
           r"\b(?:LET|TELL|JOIN|FOR|WITH|OF|TO|FROM|HELP|GIVE|ABOUT|AMONG|SHOW|AFTER|BEHIND|SAVE|BEFORE)\s+US\b",
           r"\bUS\s+(?:OPEN|Open)\b(?=.{0,40}(?:tennis|golf|Flushing|Pebble|seed))",
           r"\bDenzel\s+Washington", r"\bGeorge\s+Washington", r"\bWashington\s+(?:state|State|Redskins|Wizards|Capitals|Nationals|Irving|Mutual)",
           r"\bUniversity\s+of\s+Washington", r"\b(?:Seattle|Spokane|Tacoma),?\s+Washington"],
    "GB": [r"\bNew\s+England", r"\bNew\s+South\s+Wales", r"\bBritish\s+Columbia", r"\bBritish\s+Virgin\s+Islands",
           r"\bBank\s+of\s+England(?=.{0,0})(?!)", r"\bLondon,?\s+Ontario", r"\bJack\s+London", r"\bNew\s+Scotland"],
    "GE": [r"\bGeorgia\s+(?:State|Tech|Bulldogs|Southern|Power|Aquarium|Dome|Pacific)", r"\b(?:Atlanta|Savannah|Augusta|Macon|Athens|Columbus),?\s+Georgia",
           r"\bGeorgia,?\s+(?:USA|U\.S\.)", r"\b(?:state|State|governor|Governor|senator|Senator|Republican|Democrat)s?\s+of\s+Georgia",
           r"\bGeorgia(?:'s)?\s+(?:Gov\.|governor|Governor|Sen\.|senator|Senator|Rep\.|legislature|Legislature|primary|voters)",
           r"\bGeorgia\s+(?:May|O'Keeffe|Groome|Toffolo|Stanway|Hall)"],
    "JO": [r"\b(?:Michael|Eddie|Chris|Jim|Katie|Vernon|Barbara|Simon|DeAndre|Tyler|Ian|Joe|Louis)\s+Jordan",
           r"\bJordan\s+(?:Henderson|Pickford|Peterson|Spieth|Brand|Knight|Clarkson|Belfort|Peele|Ayew|Ibe|Rhodes|Banjo|Larsson|Poole|Love|Clark)",
           r"\bJordan\s+(?:Grand\s+Prix|F1|team)\b", r"\bAir\s+Jordans?", r"\bEddie\s+Jordan"],
    "TR": [r"\bTurkey\s+(?:dinner|sandwich(?:es)?|farm(?:er|ers|s)?|meat|breasts?|burgers?|[Tt]wizzlers?|shoot|season|sales|producers?|flocks?|legs?|slices?|crown)",
           r"\b(?:[Rr]oast|Christmas|Thanksgiving|[Ww]ild|[Ff]rozen|[Ss]tuffed|Bernard\s+Matthews)\s+Turkey"],
    "TD": [r"\bChad\s+(?!(?:President|Prime|Foreign|Minister|Army|Government|Basin|Lake|and|or)\b)\p{Lu}\p{Ll}+",
           r"\b(?:hanging|pregnant|dimpled)\s+[Cc]hads?"],
    "NE": [r"\bNiger\s+(?:Delta|River|State)"],
    "GN": [r"\bNew\s+Guinea", r"\bGuinea\s+pigs?"],
    "IN": [r"\bIndian\s+(?:Ocean|Wells|[Ss]ummer|Premier\s+League)(?!\s+cricket)", r"\b(?:American|Red|Native|West|Cleveland)\s+Indians?",
           r"\bWest\s+Indies", r"\bIndiana\b"],
    "IL": [r"\bIsrael\s+(?:Folau|Adesanya|Kamakawiwo)"],
    "JE": [r"\bNew\s+Jersey", r"\bJersey\s+(?:Boys|Shore|City|Devils)"],
    "FR": [r"\bParis\s+(?:Hilton|Saint-Germain|St-Germain|SG|Jackson|Texas)", r"\bFrench\s+(?:fries|Open|Connection|Kiss|Quarter|Guiana|Polynesia|Southern)",
           r"\bParis,?\s+(?:Texas|Tennessee|Ontario)", r"\bDawn\s+French"],
    "ES": [r"\b(?:Real|Atletico|Atlético)\s+Madrid", r"\bSpanish\s+(?:flu|Harlem)"],
    "CL": [r"\bSantiago\s+(?:Bernab[eé]u|de\s+Compostela|Calatrava|Solari)"],
    "IE": [r"\bNorthern\s+Ireland", r"\bNorthern\s+Irish"],
    "DE": [r"\bGerman\s+(?:shepherd|Shepherd|measles)"],
    "CN": [r"\bChinese\s+(?:New\s+Year|whispers)", r"\bRepublic\s+of\s+China\b(?<!People's Republic of China)"],
    "TW": [r"People's\s+Republic\s+of\s+China"],
    "KR": [r"\bNorth\s+Korea"],
    "CD": [r"\bRepublic\s+of\s+(?:the\s+)?Congo\b(?<!Democratic Republic of Congo)(?<!Democratic Republic of the Congo)"],
    "MC": [r"\bMonaco\s+Grand\s+Prix"],
    "SD": [r"\bSouth\s+Sudan"],
    "PS": [r"\bGaza\s+(?:City\s+)?(?:Strip)?(?=\s+Israel)(?!)"],
    "JM": [r"\bKingston\s+(?:upon|Upon|University|Hospital)", r"\bKingston,?\s+(?:Surrey|Ontario|Ont\.|New\s+York)"],
    "NZ": [r"\bWellington\s+(?:boots|College|Duke)", r"\bDuke\s+of\s+Wellington", r"\bArthur\s+Wellesley"],
    "GR": [r"\bAthens,?\s+(?:Georgia|Ohio|Tennessee)"],
    "RU": [r"\bRussian\s+(?:roulette|doll|dolls|dressing)"],
    "SA": [],
    "CU": [r"\bMark\s+Cuban"],
    "PE": [], "DM": [], "MX": [r"\bNew\s+Mexico"],
    "NL": [r"\bDutch\s+(?:courage|auction|elm|oven)", r"\bgo\s+Dutch"],
    "TH": [r"\bThai\s+(?:food|restaurant|curry|boxing)"],
    "PL": [r"\bPolish\s+(?:off|up)", r"\bPoles\s+(?:apart)"],
    "FI": [r"\bFinnish\s+line", r"\bHuckleberry\s+Finn"],
    "GB": [r"\bNew\s+England", r"\bNew\s+South\s+Wales", r"\bBritish\s+Columbia", r"\bLondon,?\s+Ontario",
           r"\bJack\s+London", r"\bNova\s+Scotia", r"\bPrince\s+of\s+Wales\s+(?:Island|Strait)",
           r"\bEnglish\s+(?:Channel)(?!)", r"\bWestminster\s+(?:Abbey|Cathedral|Kennel|School)"],
}
# Whole-document vetoes: the entry is not tagged when one of these matches.
VETO_DOC = {
    "GE": [r"\b(?:Atlanta|Savannah|Peach\s+State|Stacey\s+Abrams|Brian\s+Kemp)\b"],
}
VETO = {k: [p for p in v if "(?!)" not in p] for k, v in VETO.items()}

# Kosovo is not in ISO 3166-1 (XK is a user-assigned code) but readers expect it.
EXTRA = [
    {"alpha_2": "XK", "name": "Kosovo", "official_name": "Republic of Kosovo"},
]
DEMONYMS.setdefault("XK", ["Kosovar", "Kosovars", "Kosovan"])
CAPITALS.setdefault("XK", ["Pristina", "Prishtina"])


def strip_marks(s):
    d = unicodedata.normalize("NFD", s)
    return unicodedata.normalize("NFC", "".join(c for c in d if unicodedata.category(c) != "Mn"))


def inverted(name):
    """'Iran, Islamic Republic of' and 'Virgin Islands, U.S.' are index forms."""
    if ", " not in name:
        return False
    tail = name.split(", ", 1)[1]
    return tail.endswith(" of") or tail.endswith(" of the") or tail in ("British", "U.S.") or tail.startswith("Province of")


def variants(name):
    out = []
    if name.lower().startswith("the "):
        name = name[4:]
    if not inverted(name):
        out.append(name)
        if "(" in name:
            out.append(" ".join(name.split("(")[0].split()))
        if name.startswith("Saint "):
            out.append("St " + name[6:])
            out.append("St. " + name[6:])
    more = [strip_marks(v) for v in out]
    return out + more


def main():
    with open(ISO, encoding="utf-8") as f:
        countries = json.load(f)["3166-1"] + EXTRA
    entries = []
    for c in sorted(countries, key=lambda c: c["alpha_2"]):
        code = c["alpha_2"]
        canon = CANON.get(code) or c.get("common_name") or c["name"]
        names = []
        for n in [canon, c["name"], c.get("official_name"), c.get("common_name")] + ALIASES.get(code, []):
            if n:
                for v in variants(n):
                    if v not in names:
                        names.append(v)
        aliases = [n for n in names if n != canon]
        for d in DEMONYMS.get(code, []):
            aliases.append({"text": d, "weight": 0.7})
        for cap in CAPITALS.get(code, []):
            aliases.append({"text": cap, "weight": 0.5})
        e = {"name": canon, "id": code, "aliases": aliases}
        if VETO.get(code):
            e["veto"] = VETO[code]
        if VETO_DOC.get(code):
            e["veto_doc"] = VETO_DOC[code]
        entries.append(e)
    out = {
        "format": "newsflow-rules/1",
        "description": "Countries and territories of ISO 3166-1 (Debian iso-codes), with the "
                       "aliases, demonyms (weight 0.7) and capitals (weight 0.5) readers use. "
                       "Generated by deploy/rules/gen/gen_countries.py: edit the script, not this file.",
        "source": "iso-codes " + ISO,
        "category": "countries",
        "categories": [{"name": "countries", "kind": "entity", "threshold": 1.0}],
        "entries": entries,
    }
    json.dump(out, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
