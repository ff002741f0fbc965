import { IANAZone } from 'luxon';
import { fold, tokenize } from '../knowledge/text';
import { isValidZone } from './time';

/**
 * Places a participant may name ("in Dakar", "à Kinshasa", "heure de Paris"), in English and
 * French, with their IANA time zone: every African capital (and the larger cities and the
 * countries that have a single zone), and the main cities of the world.
 * Each line: names separated by "|", then "=" and the zone.
 */
const PLACES = `
algiers|alger|algeria|algerie|oran=Africa/Algiers
luanda|angola=Africa/Luanda
porto-novo|porto novo|cotonou|benin=Africa/Porto-Novo
gaborone|botswana=Africa/Gaborone
ouagadougou|ouaga|burkina faso|burkina|bobo-dioulasso=Africa/Ouagadougou
gitega|bujumbura|burundi=Africa/Bujumbura
praia|cabo verde|cape verde|cap-vert|cap vert=Atlantic/Cape_Verde
yaounde|douala|cameroon|cameroun=Africa/Douala
bangui|central african republic|republique centrafricaine|centrafrique=Africa/Bangui
n'djamena|ndjamena|chad|tchad=Africa/Ndjamena
moroni|comoros|comores=Indian/Comoro
brazzaville|pointe-noire|republic of the congo|republique du congo|congo-brazzaville=Africa/Brazzaville
kinshasa|democratic republic of the congo|dr congo|drc|rdc|republique democratique du congo|congo-kinshasa=Africa/Kinshasa
lubumbashi|goma|bukavu=Africa/Lubumbashi
yamoussoukro|abidjan|cote d'ivoire|ivory coast=Africa/Abidjan
djibouti=Africa/Djibouti
cairo|le caire|caire|egypt|egypte|alexandria|alexandrie=Africa/Cairo
malabo|equatorial guinea|guinee equatoriale=Africa/Malabo
asmara|eritrea|erythree=Africa/Asmara
mbabane|lobamba|eswatini|swaziland=Africa/Mbabane
addis ababa|addis-abeba|addis abeba|addis|ethiopia|ethiopie=Africa/Addis_Ababa
libreville|gabon=Africa/Libreville
banjul|gambia|gambie=Africa/Banjul
accra|kumasi|ghana=Africa/Accra
conakry|guinea|guinee=Africa/Conakry
bissau|guinea-bissau|guinee-bissau=Africa/Bissau
nairobi|mombasa|kisumu|kenya=Africa/Nairobi
maseru|lesotho=Africa/Maseru
monrovia|liberia=Africa/Monrovia
tripoli|benghazi|libya|libye=Africa/Tripoli
antananarivo|tananarive|madagascar=Indian/Antananarivo
lilongwe|blantyre|malawi=Africa/Blantyre
bamako|mali=Africa/Bamako
nouakchott|mauritania|mauritanie=Africa/Nouakchott
port louis|port-louis|mauritius|ile maurice|maurice=Indian/Mauritius
rabat|casablanca|marrakech|marrakesh|tangier|tanger|morocco|maroc=Africa/Casablanca
maputo|mozambique=Africa/Maputo
windhoek|namibia|namibie=Africa/Windhoek
niamey|niger=Africa/Niamey
abuja|lagos|kano|ibadan|port harcourt|nigeria=Africa/Lagos
kigali|rwanda=Africa/Kigali
sao tome|sao tome and principe|sao tome-et-principe=Africa/Sao_Tome
dakar|thies|saint-louis|senegal=Africa/Dakar
victoria|seychelles=Indian/Mahe
freetown|sierra leone=Africa/Freetown
mogadishu|mogadiscio|hargeisa|somalia|somalie|somaliland=Africa/Mogadishu
pretoria|tshwane|johannesburg|joburg|cape town|le cap|durban|south africa|afrique du sud=Africa/Johannesburg
juba|djouba|south sudan|soudan du sud=Africa/Juba
khartoum|sudan|soudan=Africa/Khartoum
dodoma|dar es salaam|dar-es-salaam|arusha|zanzibar|tanzania|tanzanie=Africa/Dar_es_Salaam
lome|togo=Africa/Lome
tunis|sfax|tunisia|tunisie=Africa/Tunis
kampala|uganda|ouganda=Africa/Kampala
lusaka|zambia|zambie=Africa/Lusaka
harare|bulawayo|zimbabwe=Africa/Harare
laayoune|el aaiun|western sahara|sahara occidental=Africa/El_Aaiun
london|londres|united kingdom|royaume-uni|uk|england|angleterre=Europe/London
dublin|ireland|irlande=Europe/Dublin
paris|lyon|marseille|france=Europe/Paris
brussels|bruxelles|belgium|belgique=Europe/Brussels
geneva|geneve|zurich|bern|berne|switzerland|suisse=Europe/Zurich
berlin|frankfurt|francfort|germany|allemagne=Europe/Berlin
amsterdam|the hague|la haye|netherlands|pays-bas=Europe/Amsterdam
madrid|barcelona|barcelone|spain|espagne=Europe/Madrid
lisbon|lisbonne|portugal=Europe/Lisbon
rome|milan|italy|italie=Europe/Rome
vienna|wien|austria|autriche=Europe/Vienna
stockholm|sweden|suede=Europe/Stockholm
oslo|norway|norvege=Europe/Oslo
copenhagen|copenhague|denmark|danemark=Europe/Copenhagen
helsinki|finland|finlande=Europe/Helsinki
warsaw|varsovie|poland|pologne=Europe/Warsaw
athens|athenes|greece|grece=Europe/Athens
kyiv|kiev|ukraine=Europe/Kyiv
moscow|moscou=Europe/Moscow
istanbul|ankara|turkey|turquie=Europe/Istanbul
beirut|beyrouth|lebanon|liban=Asia/Beirut
amman|jordan|jordanie=Asia/Amman
jerusalem|tel aviv=Asia/Jerusalem
riyadh|riyad|jeddah|djeddah|saudi arabia|arabie saoudite=Asia/Riyadh
doha|qatar=Asia/Qatar
dubai|dubaï|abu dhabi|abou dabi|united arab emirates|emirats arabes unis=Asia/Dubai
tehran|teheran|iran=Asia/Tehran
karachi|islamabad|lahore|pakistan=Asia/Karachi
new delhi|delhi|mumbai|bombay|bangalore|kolkata|chennai|india|inde=Asia/Kolkata
dhaka|bangladesh=Asia/Dhaka
kathmandu|katmandou|nepal=Asia/Kathmandu
colombo|sri lanka=Asia/Colombo
bangkok|thailand|thailande=Asia/Bangkok
hanoi|ho chi minh city|vietnam|viet nam=Asia/Ho_Chi_Minh
jakarta|indonesia|indonesie=Asia/Jakarta
kuala lumpur|malaysia|malaisie=Asia/Kuala_Lumpur
singapore|singapour=Asia/Singapore
manila|manille|philippines=Asia/Manila
beijing|pekin|shanghai|shenzhen|guangzhou|china|chine=Asia/Shanghai
hong kong=Asia/Hong_Kong
tokyo|osaka|japan|japon=Asia/Tokyo
seoul|south korea|coree du sud=Asia/Seoul
sydney|canberra|melbourne=Australia/Sydney
perth=Australia/Perth
auckland|wellington|new zealand|nouvelle-zelande=Pacific/Auckland
suva|fiji|fidji=Pacific/Fiji
new york|washington|boston|miami|atlanta|montreal|toronto|ottawa|quebec=America/New_York
chicago|houston|dallas=America/Chicago
los angeles|san francisco|seattle|vancouver=America/Los_Angeles
mexico city|mexico|ciudad de mexico=America/Mexico_City
guatemala city|guatemala=America/Guatemala
havana|la havane|cuba=America/Havana
port-au-prince|haiti=America/Port-au-Prince
santo domingo|saint-domingue=America/Santo_Domingo
kingston|jamaica|jamaique=America/Jamaica
panama city|panama=America/Panama
bogota|colombia|colombie=America/Bogota
caracas|venezuela=America/Caracas
quito|ecuador|equateur=America/Guayaquil
lima|peru|perou=America/Lima
la paz|bolivia|bolivie=America/La_Paz
santiago|chile|chili=America/Santiago
buenos aires|argentina|argentine=America/Argentina/Buenos_Aires
montevideo|uruguay=America/Montevideo
sao paulo|rio de janeiro|brasilia=America/Sao_Paulo
`;

/** Short names of zones, as people write them. */
const ABBREVIATIONS: Record<string, string> = {
  eat: 'Africa/Nairobi',
  wat: 'Africa/Lagos',
  cat: 'Africa/Maputo',
  sast: 'Africa/Johannesburg',
  cet: 'Europe/Paris',
  bst: 'Europe/London',
  edt: 'America/New_York',
  pst: 'America/Los_Angeles',
  pdt: 'America/Los_Angeles',
};

export interface Place {
  /** The place as the participant wrote it, folded. */
  readonly name: string;
  readonly zone: string;
}

/** The shipped table's gazetteer, made once per process (its check of every zone costs a clock format each): it never changes. */
let shipped: Gazetteer | undefined;
export function shippedGazetteer(): Gazetteer {
  shipped ??= new Gazetteer();
  return shipped;
}

export class Gazetteer {
  private readonly entries: Array<{ tokens: string[]; name: string; zone: string }> = [];
  /** Entries by their first word, longest names first: a question is looked up word by word. */
  private readonly byFirst = new Map<string, Array<{ tokens: string[]; name: string; zone: string }>>();
  /** Every word of every place name: the bot understands them even if the note never uses them. */
  readonly words: ReadonlySet<string>;

  constructor(table: string = PLACES) {
    const words = new Set<string>();
    this.words = words;
    for (const line of table.split('\n')) {
      const [names, zone] = line.split('=');
      if (!names || !zone) continue;
      if (!IANAZone.isValidZone(zone.trim())) throw new Error(`gazetteer: ${zone} is not a time zone`);
      for (const name of names.split('|')) {
        const tokens = tokenize(name).filter((t) => !t.includes('-') || !name.includes('-'));
        const entryTokens = tokenize(name);
        this.entries.push({ tokens: entryTokens, name: fold(name), zone: zone.trim() });
        for (const t of tokens) words.add(t);
        for (const t of entryTokens) words.add(t);
      }
    }
    // Longest names first, so that "guinea-bissau" wins over "guinea" and "south sudan" over "sudan".
    this.entries.sort((a, b) => b.tokens.length - a.tokens.length || b.name.length - a.name.length);
    for (const e of this.entries) this.byFirst.set(e.tokens[0]!, [...(this.byFirst.get(e.tokens[0]!) ?? []), e]);
    for (const a of Object.keys(ABBREVIATIONS)) words.add(a);
    for (const w of ['gmt', 'utc']) words.add(w);
  }

  /** The first place or zone named in the text, if any. */
  find(text: string): Place | undefined {
    const iana = /\b([A-Z][A-Za-z_]+\/[A-Z][A-Za-z_]+(?:\/[A-Z][A-Za-z_]+)?)\b/.exec(text);
    if (iana && isValidZone(iana[1]!)) return { name: iana[1]!, zone: iana[1]! };
    const folded = fold(text);
    const offset = /\b(gmt|utc)\s*([+-])\s*(\d{1,2})(?::?00)?\b/.exec(folded);
    if (offset) {
      const hours = Number(offset[3]);
      if (hours <= 14) {
        const zone = hours === 0 ? 'Etc/UTC' : `Etc/GMT${offset[2] === '+' ? '-' : '+'}${hours}`;
        return { name: `${offset[1]!.toUpperCase()}${offset[2]}${hours}`, zone };
      }
    }
    const tokens = tokenize(text);
    let best: { name: string; zone: string; length: number } | undefined;
    tokens.forEach((token, i) => {
      for (const entry of this.byFirst.get(token) ?? []) {
        const length = entry.tokens.length;
        if ((!best || length > best.length) && entry.tokens.every((t, k) => tokens[i + k] === t)) best = { name: entry.name, zone: entry.zone, length };
      }
    });
    if (best) return { name: best.name, zone: best.zone };
    for (const t of tokens) {
      const zone = ABBREVIATIONS[t];
      if (zone) return { name: t.toUpperCase(), zone };
    }
    if (/\b(gmt|utc)\b/.test(folded)) return { name: 'UTC', zone: 'Etc/UTC' };
    return undefined;
  }
}
