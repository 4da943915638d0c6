/**
 * @module adapters/memory/data/genre-curation
 * Hand-curated input of `scripts/build-genre-data.ts`, kept beside the generated `genres.ts` so the
 * curation is reviewed with its output: the cities whose Every Noise genres become scenes, the
 * sounds a scene may have, and the words that mark a genre name as a place (such names are not
 * placeless microgenres). Build-time only: the runtime imports `genres.ts`, never this file.
 */

/** A city the demo world may use as a scene's place. */
export interface CityEntry {
  /** How the city is written at the start of an Every Noise name (`philly`, `bay area`). */
  readonly match: string;
  /** City slug used in scene slugs and artist records (`philadelphia`). */
  readonly city: string;
  /** Lowercase country code, the scene's region (`uk`, `us`, `de`). */
  readonly country: string;
  /** Wider area, for grouping (`europe`, `north-america`, ...). */
  readonly area: string;
  /** How many of the city's genres become scenes (by SOUND_PRIORITY). @default 1 */
  readonly take?: number;
}

const uk = (match: string, take = 1, city = match): CityEntry => ({ match, city, country: 'uk', area: 'europe', take });
const us = (match: string, take = 1, city = match.replace(/ /g, '-')): CityEntry => ({
  match,
  city,
  country: 'us',
  area: 'north-america',
  take,
});
const eu = (match: string, country: string, take = 1): CityEntry => ({
  match,
  city: match,
  country,
  area: 'europe',
  take,
});

/** About 60 cities, UK first (Brighton leads so that `indie-uk-brighton` is scene 0). */
export const CITIES: readonly CityEntry[] = [
  uk('brighton'),
  uk('london', 2),
  uk('bristol', 2),
  uk('manchester'),
  uk('birmingham'),
  uk('leeds'),
  uk('liverpool'),
  uk('glasgow'),
  uk('sheffield'),
  uk('newcastle'),
  uk('nottingham'),
  uk('cardiff'),
  uk('edinburgh'),
  uk('belfast'),
  eu('dublin', 'ie'),
  eu('berlin', 'de'),
  eu('hamburg', 'de'),
  eu('cologne', 'de'),
  eu('leipzig', 'de'),
  eu('munich', 'de'),
  eu('vienna', 'at'),
  eu('zurich', 'ch'),
  eu('rotterdam', 'nl'),
  eu('stockholm', 'se'),
  eu('gothenburg', 'se'),
  eu('oslo', 'no'),
  eu('milan', 'it'),
  eu('rome', 'it'),
  us('detroit', 3),
  us('chicago', 3),
  us('boston'),
  us('memphis', 2),
  us('nashville'),
  us('austin'),
  us('miami'),
  us('minneapolis'),
  us('philly', 2, 'philadelphia'),
  us('pittsburgh'),
  us('portland'),
  us('atlanta'),
  us('seattle'),
  us('baltimore'),
  us('houston'),
  us('denver'),
  us('new orleans', 2),
  us('bay area', 1, 'san-francisco'),
  us('la', 1, 'los-angeles'),
  us('nyc', 1, 'new-york'),
  us('dc', 1, 'washington'),
  { match: 'toronto', city: 'toronto', country: 'ca', area: 'north-america', take: 2 },
  { match: 'montreal', city: 'montreal', country: 'ca', area: 'north-america' },
  { match: 'vancouver', city: 'vancouver', country: 'ca', area: 'north-america' },
  { match: 'melbourne', city: 'melbourne', country: 'au', area: 'oceania' },
  { match: 'sydney', city: 'sydney', country: 'au', area: 'oceania' },
  { match: 'brisbane', city: 'brisbane', country: 'au', area: 'oceania' },
  { match: 'auckland', city: 'auckland', country: 'nz', area: 'oceania' },
  { match: 'tijuana', city: 'tijuana', country: 'mx', area: 'latin-america' },
  { match: 'monterrey', city: 'monterrey', country: 'mx', area: 'latin-america' },
  { match: 'cape town', city: 'cape-town', country: 'za', area: 'africa' },
  { match: 'hong kong', city: 'hong-kong', country: 'hk', area: 'asia' },
];

/**
 * Sounds a city scene may have, in the order a city's scenes are taken: signature sounds first,
 * indie last (most cities only have "<city> indie", and for them it is the one taken).
 */
export const SOUND_PRIORITY: readonly string[] = [
  'minimal techno',
  'techno',
  'drill',
  'grime',
  'house',
  'electronic',
  'bounce',
  'bass',
  'rap',
  'hip hop',
  'soul',
  'blues',
  'jazz',
  'americana',
  'singer-songwriter',
  'hardcore',
  'punk',
  'metal',
  'rock',
  'pop',
  'indie',
];

/** Place-derived names that are sound genres in their own right, kept as microgenres. */
export const PLACE_STYLE_EXCEPTIONS: ReadonlySet<string> = new Set([
  'uk drill',
  'uk garage',
  'uk funky',
  'uk bass',
  'uk dnb',
  'uk dub',
  'uk post-punk',
  'uk house',
  'uk hip hop',
]);

/**
 * The sound vocabulary: a microgenre name must be made of these words only (after splitting on
 * spaces and hyphens). It keeps neighbours that read as sounds to an English-speaking A&R team
 * ("dream pop", "uk drill", "deep tech house") and drops the map's many regional, religious and
 * language-specific neighbours, which the place list alone cannot catch.
 */
export const SOUND_WORDS: ReadonlySet<string> = new Set(
  `indie rock pop punk metal hip hop rap trap drill grime house techno
electronic electronica electro dub dubstep garage bass dnb jungle breaks breakbeat ambient folk soul blues jazz funk
disco wave new post shoegaze gaze nu dream bedroom lo fi psych psychedelic psychedelia surf noise emo hardcore grunge
britpop indietronica chillwave synth synthpop synthwave electropop art experimental alternative modern deep classic
underground conscious boom bap hyphy crunk phonk cloud trip downtempo chill chillhop chillstep lounge acid minimal tech
progressive trance psytrance hardstyle edm dance dancehall reggae ska riddim roots rocksteady singer songwriter
acoustic americana country bluegrass rockabilly psychobilly gothic goth darkwave coldwave industrial ebm idm glitch
vaporwave hyperpop bubblegum twee jangle c86 power math mathcore metalcore deathcore death black doom sludge stoner
thrash speed heavy glam nwobhm prog symphonic technical melodic brutal grind grindcore crust d beat oi street riot
grrrl anarcho skate horror fuzz fuzzpop neo kraut krautrock space cosmic drone dark slowcore sadcore chamber baroque
orchestral piano instrumental guitar vocal soft yacht smooth quiet storm r&b northern southern motown boogie free bebop
bop swing big band dixieland ragtime harmonica rhythm and album hard roll beatlesque mod revival freakbeat jam
jamtronica livetronica folktronica neofolk anti freak weird outlaw alt afro afrobeat afroswing jackin soulful tribal
funky bassline step future footwork juke ghettotech ghetto jersey club bounce italo breakcore liquid neurofunk
halftime drumfunk chiptune underground gangster gangsta horrorcore political plugg pluggnb rage dirty south wonk wonky
uk fusion groove nu-disco balearic house hip-house jazztronica bassline grave wave witch chopped screwed slowed
reverb melodic emocore screamo skramz post-rock post-punk post-hardcore post-metal sophisti-pop city art-pop
cabaret torch lullaby spoken word drumless beats instrumental sample plunderphonics hauntology electroacoustic
microhouse minimal-techno dubtechno tech-house electroclash indie-pop indie-rock shoegazing chamber-pop`.split(/\s+/),
);

/** Words that are not about sound (audiences, media, occasions): such names are not microgenres. */
export const NON_SOUND_WORDS: readonly string[] =
  `children's kids kid infantil infantiles infantile criancas ninos bambini
enfant enfants comptine kindermusik kindie kinderliedjes kinderliedjies kinderchor detski detskie kodomo preschool
comedy comedia comedienne karaoke birthday pokemon disney tv drama movie soundtrack ost pilates workout meme vtuber gundam
anime cartoon talent show musical christmas noel sleep lullaby hoerspiele horspiele audiobook poetry slovo
game vgm c64 chip pony ninja samurai touken ranbu macross kamen rider tsukiuta hypnosis mic love live doujin glee
eurovision mgp songfestival melodifestivalen oktoberfest karneval carnaval carnavalera fussball medimeisterschaften
talentkonkurranse`.split(/\s+/);

/**
 * Place words: countries, demonyms, regions, states, cities, languages and local-scene slang. A
 * genre name containing one of these words is a place genre, not a placeless microgenre. Words
 * joined by `_` are phrases (`new_zealand`), matched as whole words; bare `new`, `northern`,
 * `southern`, `midwest` and `jersey` are sound words (new wave, northern soul, midwest emo, jersey club).
 */
export const PLACE_WORDS: readonly string[] = `uk british brit english scottish welsh irish ulster cornish cymraeg
us usa american african-american stateside canadian quebecois quebec acadienne montrealais australian aussie
nz kiwi new_zealand german deutsch deutschrap french francais francaise francoton belge belgian dutch nederlandse
nederhop flemish vlaamse limburg swiss schweizer austrian austropop italian italiano italiana napoletano neapolitan
siciliano siciliana sarda sardegna sardinia toscana lombarda liguria calabrese spanish espanol espanola valenciana
catala catalana andaluz basque euskal euskera galego galician galicia asturiano aragonesa murcia mallorquina balear
canaria cantabria extremeno extremena navarra portuguese portugues portuguesa tuga brazilian brasileiro brasileira
brasileiros brasil brasilero swedish svensk svenska norwegian norsk norske nordnorsk trondersk danish dansk finnish
suomi suomirap finlandssvenska icelandic faroese greenlandic nordic scandinavian scandipop polish czech czsk slovak
slovenian croatian serbian bosnian montenegrin macedonian albanian kosovan bulgarian romanian moldovan hungarian magyar
greek turkish turkce turkuleri anadolu arabesk russian ukrainian belarusian lithuanian latvian estonian georgian
armenian azeri kazakh kyrgyz uzbek tajik turkmen chechen circassian kurdish persian afghan arab arabic lebanese
egyptian moroccan maroc algerien algerian tunisian tunisien libyan maghreb israeli jewish mizrahi palestinian
indian hindi punjabi tamil telugu kannada malayalam marathi bengali gujarati odia assamese konkani bhojpuri
rajasthani haryanvi himachali kashmiri desi pakistani bangladeshi nepali sinhala tibetan burmese myanmar thai khmer
cambodian vietnamese viet lao malaysian malay singaporean indonesian javanese jawa sunda batak minang balinese
pinoy filipino opm tagalog bisaya ilocano chinese mandopop cantopop cantonese hokkien taiwan taiwanese zhongguo
korean k-pop k-rap k-rock japanese j-pop j-rock j-rap j-metal j-punk j-indie j-reggae j-acoustic okinawan ryukyu
kyushu hokkaido mongolian mexican mexicano mexicana cdmx chicano tejano tex-mex latin latino latina latinx
latinoamericano latinoamericana colombian colombiano colombiana venezuelan venezolano peruvian peruano peruana
chilean chileno chilena argentine argentino argentina platense uruguayan uruguayo uruguaya paraguayan paraguayo
paraguaya bolivian boliviano boliviana ecuadorian ecuatoriano ecuatoriana cuban cubano puerto_rican puertorriqueno
puertorriquena boricua dominican dominicano dominicana haitian kreyol jamaican trinidadian trinibad barbadian
bahamian panamanian guatemalan guatemalteca guatemalteco hondurena catracho salvadoreno salvadorena nicaraguense
costarricense tico nigerian naija igbo ghanaian ghana kenyan ugandan tanzanian rwandan burundian ethiopian eritrean
somali sudanese congolese congolaise angolan angolano angolana mocambicana zambian zim zimbabwean malawian
cameroonian beninese togolese ivoire guinean gambian malian burkinabe senegalese galsen liberian namibian botswana
lesotho swazi african xhosa afrikaans malagasy comorienne mauricien reunion guadeloupe antillais antilliaanse
surinamese cabo-verdiana verdean cape-verdean maori polynesian fijian tongan samoan png vanuatu hawaiian jawaiian
guam bruneian maltese luxembourgian gibraltar andorra faroe wight pei
west_coast east_coast north_east north_carolina south_carolina southeast northeast northwest gulf_coast island islands
mainland central
texas tx california socal oc florida fl carolina nc virginia rva georgia ohio michigan illinois indiana iowa kansas
ks missouri mo arkansas oklahoma okc louisiana mississippi alabama tennessee kentucky wisconsin minnesota mn dakota
montana wyoming idaho utah colorado arizona nevada alaska maine vermont connecticut new_jersey pennsylvania pa delaware
maryland dmv washington wa oregon ny ontario on bc alberta manitoba saskatchewan newfoundland nsw tassie yorkshire
new_england new_mexico new_york new_orleans new_brunswick new_hampshire new_delhi
lancashire essex kent devon cornwall anglia cambridgeshire northumbrian appalachian bakersfield
london brooklyn bronx harlem queens atl bmore philly nyc la dc chicago detroit boston memphis nashville austin
houston dallas dfw miami orlando tampa jacksonville atlanta seattle portland denver vancouver toronto montreal
ottawa calgary edmonton winnipeg halifax kelowna victoria hamilton windsor berlin hamburg cologne kolsche leipzig
munich dresden stuttgart frankfurt dusseldorf vienna graz salzburg zurich bern basel paris lyonnais marseille
rennes nantes nice rotterdam ghent liegeois amsterdam stockholm gothenburg malmo lund umea orebro uppsala kalmar
dalarna varmland norrlandsk norrbotten oslo bergen trondheim rogaland oulu dublin cork galway limerick derry belfast
glasgow edinburgh aberdeen dundee paisley cardiff swansea brighton bristol leeds manchester liverpool sheffield
birmingham newcastle nottingham leicester derby coventry worcester bath oxford cambridge reading portsmouth
southampton hull medway warrington bury lancaster milan bergamo firenze turin rome madrid sevilla granada
lisbon porto poznan melbourne sydney brisbane perth adelaide canberra fremantle auckland wellington christchurch
dunedin tijuana monterrey guadalajara sonora sinaloa tamaulipas michoacano oaxaca veracruz queretano hidalguense
chihuahua morelos tabasqueno tabasquena campechano poblano sudcaliforniano duranguense lagunera regia istmena
costena zuliana cuyano salteno jujeno tucumano santafesina puntana rosario concepcion trujillano arequipeno
paulista paulistano campineiro campineira guarulhense carioca fluminense mineiro mineira baiano baiana baixada
paraense pernambucano pernambucana cearense potiguar paraibano paraibana alagoano alagoana sergipano capixaba
paranaense curitibano catarinense gaucho gaucha brasiliense goiano goiana amazonense manauara rondoniense
mato-grossense sul-mato-grossense maringaense londrinense ponta-grossense nortista nordeste feirense piauiense
mogiana acoriana madeirense portuense cape_town hong_kong mumbai delhi chennai kolkata bangalore pune manila bohol
shanghai wuhan tulum el_paso slc tempe eugene olympia asheville knoxville charlottesville gainesville lawrence
lafayette rochester albany buffalo springfield tulsa omaha louisville cincinnati cleveland columbus dayton flint
pittsburgh baltimore richmond charlotte raleigh triangle minneapolis milwaukee sacramento oakland bay_area diego
san_antonio marcos santa_fe albuquerque tucson phoenix grand_rapids ann_arbor baton_rouge asbury_park hampton_roads
denton brockton kc stl ne twin_cities long_island lincoln fort_worth petersburg
anglo euro balkan baltic slavic yugoslav soviet eastern_bloc asian arabesque mediterranean caribbean
alpine lowlands andina andean himalayan sahel kollywood tollywood mollywood sandalwood bollywood
filmi musica musique muzica muzika musik musikk musiikkia tonlist pesni pesnichki tragoudia muzikleri sarkilar
cancion cancoes canti canto liedjes dainos dziesmas gyerekdalok paidika lapsille barnasogur
hangoskonyvek mluvene`.split(/\s+/);
