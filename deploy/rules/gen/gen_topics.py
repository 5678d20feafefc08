"""gen_topics.py - writes deploy/rules/topics.json: the 17 top-level IPTC Media
Topics with weighted keyword groups, stop phrases (weight 0: they use up the
words so no topic counts them) and PCRE2 vetoes. The vocabulary is kept here in
a compact form ("a | b{,s} | ..." per weight); edit this file, not its output.

Usage: python3 deploy/rules/gen/gen_topics.py > deploy/rules/topics.json
"""
import json, sys
# Each topic: IPTC name, qcode, {weight: "alias | alias | ..."} ; case-proper by default
T = []
def topic(name, qcode, groups, veto=None, weight=1.0):
    gs = []
    for w, txt in groups:
        al = [" ".join(a.split()).replace(", ", ",").replace("{ ", "{") for a in txt.replace("\n", " ").split("|") if a.strip()]
        out = []
        for a in al:
            if a.startswith("="):      # exact case
                out.append({"text": a[1:], "case": "exact"})
            else:
                out.append(a)
        gs.append({"weight": w, "aliases": out})
    e = {"name": name, "id": qcode, "groups": gs}
    if weight != 1.0: e["weight"] = weight
    if veto: e["veto"] = veto
    T.append(e)

topic("arts, culture, entertainment and media", "medtop:01000000", [
 (3, """film{,s} | movie{,s} | box office | box-office | Oscar{,s} | Academy Award{,s} | Bafta{,s} | BAFTA{,s} | Golden Globe{,s} | Grammy | Grammys | Grammy Award{,s} |
     Emmy | Emmys | Brit Award{,s} | Brits | Mercury Prize | Booker Prize | Turner Prize | Palme d'Or | Cannes Film Festival | Sundance | Berlin Film Festival |
     Hollywood | Bollywood | Broadway | West End | album{,s} | singer{,s} | songwriter{,s} | singer-songwriter | band's | rapper{,s} | hip-hop | hip hop |
     actor{,s} | actress{,es} | film-maker{,s} | filmmaker{,s} | film director | film star | movie star | pop star | rock star | rock band | pop group |
     box office | blockbuster{,s} | sequel{,s} | screenplay | soundtrack{,s} | sitcom{,s} | soap opera | reality show | reality TV | talent show | chat show |
     talk show | documentary | documentaries | premiere{,s,d} | starring | starred | co-star{,s,red,ring} | best actor | best actress | best film | best picture |
     best director | supporting actor | supporting actress | musical{,s} | theatre production | stage show | record label | record company | record companies |
     single{,s} chart | singles chart | album chart | UK chart{,s} | top 40 | number one single | number one album | charts | gig{,s} | concert{,s} | tour dates |
     box office takings | cinema{,s} | cinemagoers | moviegoers | novel{,s} | novelist{,s} | poet{,s} | poetry | art gallery | exhibition{,s} | museum{,s} |
     orchestra{,s} | opera | ballet | comedian{,s} | comedy | comedies | drama series | TV series | television series | TV show{,s} | television show{,s} |
     TV drama | BBC One | BBC Two | BBC1 | BBC2 | ITV | Channel 4 | Channel Five | Sky One | EastEnders | Coronation Street | Big Brother | Pop Idol | X Factor |
     American Idol | Eurovision | Glastonbury | MTV | Disney | Pixar | DreamWorks | Warner Bros | Paramount | Universal Pictures | Miramax | Lord of the Rings |
     Harry Potter | Star Wars | Spider-Man | James Bond | Eminem | Madonna | Elvis | Beatles | Rolling Stones | U2 | Band Aid | Live Aid | Live 8"""),
 (2, """music | musician{,s} | band{,s} | song{,s} | songs | track{,s} | lyrics | stage | theatre{,s} | theater{,s} | show business | showbusiness | showbiz |
     celebrity | celebrities | star{,s} | director{,s} | producer{,s} | screen | script{,s} | role | roles | cast | character{,s} | audience{,s} | viewers |
     ratings | episode{,s} | series | channel{,s} | broadcast{,s,er,ers,ing} | television | TV | radio | DJ{,s} | presenter{,s} | host{,ed} | entertainment |
     artist{,s} | arts | art | painting{,s} | sculpture{,s} | book{,s} | author{,s} | writer{,s} | literary | publisher{,s} | fiction | festival{,s} |
     award{,s} | nominated | nomination{,s} | nominee{,s} | ceremony | red carpet | fans | fan | performance{,s} | perform{,ed,ing,er,ers} | sang | sing{,s,ing} |
     recording{,s} | rock | pop | jazz | rap | R&B | indie | punk | classical | guitarist{,s} | drummer{,s} | vocalist{,s} | frontman | lead singer |
     comic{,s} | cartoon{,s} | animated | animation | studio{,s} | DVD{,s} | video{,s} | culture | cultural | media | newspaper{,s} | magazine{,s} | journalism |
     journalist{,s} | editor{,s} | BBC | Ofcom | licence fee | tabloid{,s} | Hollywood's | hit | hits | remake | franchise | trailer | directed | filmed | filming |
     shooting | screened | screening{,s} | cinematic | critics | critic | reviews | review | acclaimed | debut"""),
 (3, """starring role | leading role | lead role | biopic{,s} | thriller{,s} | horror film{,s} | romantic comedy | animated film{,s} | film studio{,s} | film industry |
     movie studio{,s} | screenwriter{,s} | film critic{,s} | Oscar-winning | Oscar-nominated | Bafta-winning | award-winning | Golden Bear | Venice Film Festival |
     Edinburgh Festival | Fringe | stand-up | sketch show | panel show | game show | quiz show | soap{,s} | Emmerdale | Neighbours | Doctor Who | Little Britain |
     Strictly Come Dancing | I'm a Celebrity | chart-topping | chart-topper | Top of the Pops | Radio 1 | Radio 2 | Radio 4 | record deal | debut album | new album |
     studio album | greatest hits | world tour | sell-out | sold-out | concert tour | arena tour | headlining | headliner{,s} | choreographer | dancer{,s} | playwright{,s} |
     West End show | stage version | adaptation | box-office hit | box office hit | cinema release | big screen | silver screen | film version | TV version | TV presenter |
     chat show host | sitcom star | singer's | actor's | actress's | film's | band's | album's | Academy of Motion Picture Arts and Sciences | Hollywood Reporter | Variety"""),
 (1, """show{,s} | played | plays | play | performer{,s} | famous | fame | tickets | prize | prizes | won | winner{,s} | entertainer{,s} | theatre-goers | number one | top 10 | top ten"""),
 (0, """five-star | four-star | three-star | figures show | data show | polls show | results show | research shows | studies show | survey shows | play a role | played a role | plays a role | star performer | track record"""),
], veto=None)

topic("conflict, war and peace", "medtop:16000000", [
 (3, """war{,s} | warfare | wartime | military | troops | soldier{,s} | army | armies | armed forces | airstrike{,s} | air strike{,s} | air raid{,s} | bombing{,s} |
     insurgent{,s} | insurgency | militant{,s} | militia{,s} | rebel{,s} | guerrilla{,s} | ceasefire | cease-fire | truce | peace talks | peace process |
     peace deal | peace agreement | peacekeeping | peacekeeper{,s} | invasion | invade{,d} | occupation forces | battle{,s,field} | combat | offensive | shelling |
     artillery | missile{,s} | rocket attack{,s} | drone strike{,s} | suicide bomber{,s} | suicide bombing{,s} | car bomb{,s} | roadside bomb{,s} | explosive device{,s} |
     terrorism | terrorist{,s} | terror attack{,s} | counterterrorism | counter-terrorism | anti-terrorist | jihadist{,s} | jihad | extremist{,s} | hostage{,s} |
     coup | civil war | genocide | massacre | war crimes | ethnic cleansing | casualties | killed in fighting | front line | frontline | ground troops |
     airstrikes | nuclear weapon{,s} | weapons of mass destruction | arms race | disarmament | non-proliferation | defence ministry | defense ministry |
     Pentagon | Ministry of Defence | MoD | commander{,s} | warplane{,s} | fighter jet{,s} | tank{,s} | navy | naval | air force | marines | special forces |
     conflict{,s} | hostilities | armed opposition | armed group{,s} | security forces | counterinsurgency | uprising | fighters | opened fire | open fire"""),
 (1.5, """attack{,s,ed} | fighting | fought | fight against terrorism | peace | military solution | security situation | violence | violent | clashes | clashed |
     killed | wounded | bomb{,s} | weapon{,s} | arms | defence | defense | threat | reconciliation | negotiated settlement | stability | siege | sanctions |
     refugee{,s} | displaced | humanitarian | convoy | checkpoint | border clashes | insurgents | occupation | liberation | resistance | surrender{,ed} |
     veteran{,s} | Afghanistan strategy | use of force | armed"""),
 (0, """price war{,s} | trade war{,s} | war of words | turf war{,s} | bidding war{,s} | format war{,s} | war chest | heart attack{,s} | legal battle{,s} | court battle{,s} | takeover battle{,s} | battle for control"""),
], weight=0.85)

topic("crime, law and justice", "medtop:02000000", [
 (3, """police | policing | police officer{,s} | detective{,s} | arrest{,s,ed} | charged with | court | courts | trial | trials | judge{,s} | jury | juror{,s} |
     guilty | not guilty | verdict | sentenced | sentence | jail{,ed} | prison{,s,er,ers} | imprison{,ed,ment} | convicted | conviction{,s} | acquitted |
     prosecutor{,s} | prosecution | prosecute{,d} | defendant{,s} | lawsuit{,s} | sued | sue{,s} | suing | lawyer{,s} | solicitor{,s} | barrister{,s} | attorney{,s} |
     murder{,s,ed,er,ers} | manslaughter | homicide | robbery | robberies | burglary | burglaries | theft{,s} | fraud{,s,ster,sters} | embezzlement | bribery |
     corruption | money laundering | smuggling | trafficking | drug dealer{,s} | crime{,s} | criminal{,s} | offence{,s} | offender{,s} | suspect{,s,ed} |
     investigation{,s} | investigator{,s} | Crown Prosecution Service | CPS | Scotland Yard | Metropolitan Police | FBI | High Court | Supreme Court | Court of Appeal |
     Old Bailey | magistrate{,s} | custody | bail | parole | probation | plea | pleaded | testified | testimony | witness{,es} | legal action | court case |
     class action | injunction | ruling | ruled | appeal court | law lords | Law Lords | human rights act | anti-social behaviour | Asbo{,s} | gang{,s} | stabbing{,s} |
     shooting{,s} | shot dead | rape | assault{,s,ed} | kidnap{,ped,ping} | abduct{,ed,ion} | extradition | extradite{,d} | forensic"""),
 (1.5, """law{,s} | legal | illegal{,ly} | illegally | justice | accused | alleged{,ly} | charges | charge | investigate{,d} | inquiry | inquest | damages | compensation |
     settlement | copyright infringement | piracy | pirated | stolen | steal{,ing} | victim{,s} | violation{,s} | banned | ban | legislation"""),
 (0, """food court | tennis court | trial run | trial period | free trial | legal tender"""),
], weight=0.85)

topic("disaster, accident and emergency incident", "medtop:03000000", [
 (3, """earthquake{,s} | quake{,s} | tsunami{,s} | hurricane{,s} | typhoon{,s} | cyclone{,s} | tornado{,es,s} | flood{,s,ing,ed} | landslide{,s} | mudslide{,s} |
     avalanche{,s} | volcano{,es,s} | volcanic eruption | eruption | wildfire{,s} | bushfire{,s} | forest fire{,s} | drought | famine | disaster{,s} | catastrophe |
     plane crash | air crash | train crash | rail crash | car crash | road accident | crash{,ed,es} | collision | collided | derail{,ed,ment} | capsized | sank |
     shipwreck | explosion{,s} | blast{,s} | fire{,s} | blaze{,s} | firefighter{,s} | fire brigade | fire service | death toll | survivors | rescue{,d,rs} |
     rescue workers | relief effort | aid agencies | emergency services | evacuate{,d} | evacuation{,s} | stranded | missing | injured | casualties | victims |
     paramedics | ambulance{,s} | emergency | accident{,s} | tragedy | devastated | devastation | aftershock{,s} | Richter scale | magnitude"""),
 (1, """killed | dead | died | deaths | damage{,d} | destroyed | homeless | trapped | debris | rubble | aid | relief"""),
 (0, """under fire | came under fire | come under fire | fire sale | hire and fire | crashed out | market crash | stock market crash | flood of | flooded the market"""),
], veto=['\\b(?:fire|fired|firing)\\s+(?:a\\s+)?(?:warning\\s+shot|questions?|back\\s+at|the\\s+(?:manager|coach|boss))'], weight=0.85)

topic("economy, business and finance", "medtop:04000000", [
 (3, """economy | economies | economic | economist{,s} | economics | GDP | gross domestic product | inflation | deflation | recession | interest rate{,s} |
     central bank{,s} | monetary policy | fiscal | budget deficit | trade deficit | current account deficit | balance of payments | stock market{,s} | stock exchange{,s} |
     share price{,s} | shares | shareholder{,s} | stockmarket | bond market | investor{,s} | profit{,s} | pre-tax profit{,s} | pre-tax | profitable | profitability |
     loss-making | revenue{,s} | turnover | earnings | dividend{,s} | takeover{,s} | merger{,s} | acquisition{,s} | buyout | takeover bid | hostile bid | IPO | flotation |
     retail sales | consumer spending | consumer confidence | oil price{,s} | crude oil | barrel{,s} | commodity | commodities | currency | currencies | exchange rate{,s} |
     banking | lender{,s} | mortgage{,s} | housing market | house prices | hedge fund{,s} | insurer{,s} | bankrupt | bankruptcy | insolvency | creditors |
     chief financial officer | boardroom | quarterly | fourth-quarter | third-quarter | annual results | full-year | half-year | analyst{,s} | exports | imports |
     tariff{,s} | Dow Jones | Nasdaq | FTSE | FTSE 100 | Nikkei | Dax | Wall Street | the City | OPEC | Opec | Yukos | Gazprom | Enron | WorldCom | Parmalat |
     carmaker{,s} | car maker{,s} | steelmaker | retailer{,s} | manufacturer{,s} | manufacturing | dollar | dollars | yen | yuan | sterling | euros | stocks |
     stock | bonds | trader{,s} | brokers | economy's | businesses | corporate | firms | profits | bn | growth rate | jobless rate | unemployment rate | trade surplus |
     trade gap | price rises | price war | shares rose | shares fell | market share | market value | market capitalisation"""),
 (2, """business | industry | industries | industrial | corporation{,s} | investment{,s} | profit warning{,s} | profits warning | interim results | annual profits |
     like-for-like sales | trading statement | blue-chip | bourse | Footsie | consumer prices | producer prices | jobless | group's | firm's | company's |
     invest{,ed,ing,s} | bank{,s} | banker{,s} | loan{,s} | lending | borrowing | debt{,s} | credit | finance{,s} | financial | fund{,s} | insurance | accounting |
     accountant{,s} | audit{,or,ors} | chief executive | CEO | chairman | executives | results | forecast{,s} | outlook | growth | grew | export{,s,ed,er,ers} |
     import{,ed,er,ers} | trade | trading | deficit | surplus | prices | price | oil | petrol | gas prices | energy prices | euro | pound | pounds | consumer{,s} |
     customers | retail | supermarket{,s} | airline{,s} | brand{,s} | product{,s} | stake | stakes | bid | bidder | acquire{,d} | venture | joint venture |
     subsidiary | valuation | valued at | assets | equity | capital | cost-cutting | margin{,s} | pension fund{,s} | savings | savers | Treasury | tax | taxes |
     taxation | VAT | spending | economists"""),
 (1.5, """company | companies | firm | market{,s} | marketplace | sales | sold | billion | budget"""),
 (0.5, """million | per cent | percent | cents | pence | deal | deals | contract{,s} | partnership | unit | division | operator | cost{,s} | cut costs | rise | rose |
     fall | fell | slump{,ed} | surge{,d} | boom | jobs | job cuts | unemployment | workforce | chancellor | Chancellor | wealth | rich | fortune | cash | money |
     gas | energy | utility | utilities | pension{,s} | customer | chain | worth | owner{,s} | owned | buy | buying | bought | sell | selling | demand | supply |
     figures | data | rate | rates"""),
 (0, """river bank | bank holiday | bank holidays | laughing stock"""),
])

topic("education", "medtop:05000000", [
 (3, """school{,s} | schooling | pupil{,s} | student{,s} | teacher{,s} | teaching | headteacher{,s} | head teacher{,s} | classroom{,s} | curriculum | exam{,s} |
     examination{,s} | GCSE{,s} | A-level{,s} | A levels | university | universities | college{,s} | campus | tuition fees | tuition | degree{,s} | graduate{,s} |
     undergraduate{,s} | lecturer{,s} | academic{,s} | education | educational | literacy | numeracy | Ofsted | primary school{,s} | secondary school{,s} |
     nursery | nurseries | kindergarten | learning | student loan{,s} | scholarship{,s} | vice-chancellor | faculty | school-leavers | league tables"""),
 (0, """school of thought | old school | learning curve"""),
], weight=0.85)

topic("environment", "medtop:06000000", [
 (3, """climate change | global warming | greenhouse gas{,es} | greenhouse | carbon emission{,s} | carbon dioxide | CO2 | emissions | carbon | pollution | polluted |
     pollutant{,s} | environment | environmental | environmentalist{,s} | conservation | conservationist{,s} | wildlife | species | endangered | extinct | extinction |
     biodiversity | habitat{,s} | deforestation | rainforest{,s} | recycling | recycled | renewable energy | renewables | wind farm{,s} | wind power | solar power |
     solar panels | fossil fuel{,s} | Kyoto | Kyoto Protocol | Paris Agreement | ozone | sea levels | sea level | glacier{,s} | ice cap{,s} | Arctic ice |
     green groups | Friends of the Earth | Greenpeace | WWF | whaling | poaching | ecosystem{,s} | nature reserve | landfill | waste | toxic | contamination"""),
 (1, """green | climate | energy efficiency | nature | forests | oceans | coral | animals | planet"""),
 (0, """political climate | economic climate | business climate | investment climate | climate of fear | green light | green paper | waste of time | waste of money | toxic debt"""),
], weight=0.85)

topic("health", "medtop:07000000", [
 (3, """health | healthcare | health care | NHS | patient{,s} | hospital{,s} | doctor{,s} | GP{,s} | nurse{,s} | nursing | surgeon{,s} | surgery | medical |
     medicine{,s} | disease{,s} | illness{,es} | cancer{,s} | tumour{,s} | heart disease | diabetes | obesity | obese | HIV | Aids | AIDS | malaria | tuberculosis |
     flu | influenza | bird flu | pandemic | epidemic | outbreak | vaccine{,s} | vaccination{,s} | vaccinate{,d} | infection{,s} | infected | symptoms | diagnosis |
     diagnosed | treatment{,s} | therapy | therapies | clinical | clinic{,s} | drug trial{,s} | pharmaceutical{,s} | prescription{,s} | mental health | depression |
     dementia | Alzheimer's | stroke | asthma | smoking | smokers | cigarette{,s} | tobacco | alcohol | binge drinking | diet | nutrition | blood | organ | transplant |
     virus | viruses | bacteria | superbug{,s} | MRSA | life expectancy | mortality | births | pregnancy | pregnant | maternity | baby | babies | Department of Health"""),
 (1, """care | healthy | wellbeing | fitness | overweight | drugs | drug | research | researchers | study | scientists"""),
 (0, """health check | financial health | economic health | cash injection"""),
], veto=['\\b(?:computer|software|e-?mail|mobile|phone|net|internet)\\s+(?:\\w+\\s+)?virus(?:es)?\\b'], weight=0.85)

topic("human interest", "medtop:08000000", [
 (3, """oldest | centenarian | birthday | anniversary | quirky | bizarre | heartwarming | lottery winner | jackpot | pet{,s} | dog{,s} | cat{,s} | puppy | kitten |
     zoo | rescued dog | wedding{,s} | royal wedding | celebration{,s} | Guinness World Records | world's largest | world's biggest"""),
 (1, """family | families | love | dream | community | people | children"""),
 (0, """lottery funding | Heritage Lottery Fund"""),
], weight=0.6)

topic("labour", "medtop:09000000", [
 (3, """=labour | workers | worker | strike{,s} | striking | walkout{,s} | industrial action | trade union{,s} | union{,s} | unionised | collective bargaining |
     wage{,s} | minimum wage | pay rise | pay deal | pay freeze | pay dispute | salary | salaries | employment | unemployment | unemployed | jobless | jobseekers |
     redundancy | redundancies | layoff{,s} | laid off | job cuts | job losses | jobs | hiring | recruitment | employer{,s} | employee{,s} | staff | workforce |
     workplace | working hours | overtime | pension age | retirement age | TUC | Unison | Amicus | GMB | RMT | Unite | labour market | jobs market"""),
 (0, """union flag"""),
], weight=0.7)

topic("lifestyle and leisure", "medtop:10000000", [
 (3, """travel | traveller{,s} | tourism | tourist{,s} | holiday{,s} | holidaymakers | vacation | resort{,s} | hotel{,s} | food | cooking | recipe{,s} | restaurant{,s} |
     chef{,s} | cuisine | wine | fashion | fashion week | catwalk | designer{,s} | clothing | beauty | cosmetics | gardening | garden{,s} | hobby | hobbies |
     leisure | shopping | shoppers | lifestyle | dating | pets | DIY | home improvement | fitness | gym{,s} | yoga | diet{,s} | camping | hiking | cruise{,s}"""),
 (0, """in a timely fashion | in the same fashion | designer drugs"""),
], weight=0.7)

topic("politics", "medtop:11000000", [
 (3, """politics | political | politician{,s} | election{,s} | electoral | elect{,ed} | re-election | general election | by-election | campaign{,s,ing,ed,er,ers} |
     vote{,s,d,r,rs} | voting | ballot{,s} | polling | poll{,s} | opinion poll{,s} | referendum | manifesto{,s} | candidate{,s} | constituency | constituencies |
     parliament | parliamentary | Parliament | MP | MPs | =MEP | MEPs | MSP{,s} | AM{,s} | lawmaker{,s} | legislator{,s} | legislature | legislation | legislative |
     bill | bills | Commons | House of Commons | House of Lords | Lords | peer{,s} | Westminster | Whitehall | Downing Street | Number 10 | No 10 | cabinet | Cabinet |
     minister{,s} | ministerial | ministry | ministries | prime minister | Prime Minister | PM | premier | president | presidential | presidency | government{,s} |
     governmental | governing | govern | opposition | coalition | party | parties | Labour | =Labour's | Tory | Tories | Conservative{,s} | Conservative Party |
     Liberal Democrat{,s} | Lib Dem{,s} | LibDem{,s} | UKIP | Ukip | SNP | Plaid Cymru | Sinn Fein | DUP | Green Party | Democrat{,s} | Democratic Party | Republican{,s} |
     Republican Party | GOP | Congress | congressional | Senate | senator{,s} | congressman | congresswoman | White House | Kremlin | Home Secretary | Foreign Secretary |
     home secretary | foreign secretary | shadow | shadow chancellor | Chancellor of the Exchequer | chancellor of the exchequer | secretary of state | Secretary of State |
     home office | Home Office | Foreign Office | foreign ministry | foreign minister{,s} | foreign affairs | diplomat{,s} | diplomacy | diplomatic | embassy | embassies |
     ambassador{,s} | envoy{,s} | summit | summits | bilateral | multilateral | treaty | treaties | sovereignty | devolution | democracy | democratic | dictator{,ship} |
     regime | authoritarian | statesman | leadership | leader{,s} | policy | policies | policymakers | reform{,s} | spin doctor | tax cuts | public services | civil service |
     civil servant{,s} | council tax | local council{,s} | mayor{,s} | governor{,s} | constitution{,al} | asylum | immigration | immigrants | asylum seekers | ID cards |
     identity cards | terror laws | anti-terror | house arrest | Attorney General | attorney general | Lord Chancellor | Queen's Speech | select committee |
     backbencher{,s} | backbench | frontbench | whip{,s} | rebellion | u-turn | U-turn | Labour Party | Conservative leader | Tory leader | party leader{,s} |
     polling day | election campaign | campaign trail | hustings | marginal seat{,s} | voters | electorate | turnout | New Labour | Prime Minister's Questions | PMQs |
     white paper | green paper | chief whip | frontbencher{,s} | junior minister | cabinet minister{,s} | reshuffle | cabinet reshuffle | civil liberties | control orders |
     detention without trial | hunting ban | fox hunting | Hunting Act | European constitution | EU constitution | eurosceptic{,s} | devolved | Scottish Parliament |
     Welsh Assembly | Holyrood | Stormont | Good Friday Agreement | elected mayor | local elections | councillor{,s} | party conference | conference speech | leadership contest |
     leadership election | deputy leader | shadow cabinet | Lib Dem leader | opposition leader | Tory MP{,s} | Labour MP{,s} | Conservative MP{,s} | Labour's | Tories'"""),
 (3, """{education,health,culture,trade,business,transport,environment,defence,defense,work and pensions,Northern Ireland,Scottish,Welsh,
     international development,constitutional affairs,chief,treasury,local government,rural affairs,communities,energy,foreign,home,interior,justice,
     finance,economy,agriculture,sports,schools,health and social care,housing,immigration,Europe} {secretary,secretaries,minister,ministers,spokesman,spokeswoman} |
     shadow {education,health,culture,trade,business,transport,environment,defence,work and pensions,home,foreign,chief,treasury,local government}
     {secretary,minister,spokesman,spokeswoman} | Secretary of State for | minister for | ministers for | Minister for | Minister of | minister of | ministry of | Ministry of | Department for | Department of"""),
 (1.5, """spokesman | spokeswoman | spokesperson | seat{,s} | majority | campaigners | rebels"""),
 (1, """state | states | national | public | officials | official | talks | negotiations | agreement | ministers | announce{,d,ment} | plans | proposals | proposed |
     debate{,s} | criticised | criticism | controversial | row | accused | urged | pledge{,s,d} | promise{,s,d} | power | powers | reign | rule | authorities | nation"""),
 (0, """birthday party | dinner party | third party | third-party | advertising campaign{,s} | marketing campaign{,s} | ad campaign{,s}"""),
])

topic("religion", "medtop:12000000", [
 (3, """religion{,s} | religious | church{,es} | Church of England | Catholic{,s} | Catholicism | Protestant{,s} | Christian{,s} | Christianity | Muslim{,s} | Islam |
     Islamic | mosque{,s} | Jewish | Jews | Judaism | synagogue{,s} | Hindu{,s} | Hinduism | temple{,s} | Buddhist{,s} | Buddhism | Sikh{,s} | faith{,s} | God |
     pope | Pope | Vatican | archbishop{,s} | bishop{,s} | cardinal{,s} | priest{,s} | clergy | vicar{,s} | imam{,s} | rabbi{,s} | cleric{,s} | prayer{,s} | worship |
     Bible | Koran | Quran | Ramadan | Easter | Eid | pilgrimage | pilgrims | Hajj | sectarian | Sunni{,s} | Shia | Shiite{,s} | theology | atheist{,s} |
     blasphemy | secular"""),
 (1, """Christmas"""),
 (0, """Christmas shopping | Christmas sales | Christmas trading | Christmas period | Christmas number one | Christmas single | God knows | Oh my God | Holy Grail"""),
],weight=0.8, veto=['\\b(?:God|Christ|Jesus)(?=\\s*(?:!|knows\\b|forbid\\b|help\\s+(?:us|me)\\b))', '\\b(?:Christmas|Easter)\\s+(?:sales|trading|shopping|period|quarter|holidays?|break|number\\s+one|single|tree)'])

topic("science and technology", "medtop:13000000", [
 (3, """technology | technologies | technological | tech | hi-tech | high-tech | computer{,s} | computing | software | hardware | internet | Internet | net | web |
     website{,s} | web site{,s} | online | broadband | wi-fi | wifi | WiFi | wireless | mobile phone{,s} | mobiles | mobile | handset{,s} | smartphone{,s} | phone{,s} |
     cellphone{,s} | 3G | 4G | 5G | digital | download{,s,ed,ing} | downloadable | file-sharing | file sharing | peer-to-peer | P2P | music downloads | iTunes |
     iPod{,s} | iPhone{,s} | iPad{,s} | gadget{,s} | device{,s} | devices | laptop{,s} | PC{,s} | desktop{,s} | console{,s} | PlayStation | PSP | Xbox | Nintendo |
     Game Boy | DS | Wii | video game{,s} | computer game{,s} | games console{,s} | gaming | gamer{,s} | game developers | virus{,es} | computer virus | worm{,s} |
     malware | spyware | adware | spam | spammers | phishing | hacker{,s} | hacking | hacked | cyber | cybercrime | cyber-security | cybersecurity | firewall |
     encryption | password{,s} | browser{,s} | search engine{,s} | blog{,s} | blogger{,s} | blogging | podcast{,s} | email{,s} | e-mail{,s} | e-commerce | users |
     user | microchip{,s} | chip{,s} | chipmaker | processor{,s} | semiconductor{,s} | silicon | Silicon Valley | operating system | Windows | Linux | open source |
     Microsoft | Apple | Google | Yahoo | eBay | Amazon | Intel | AMD | IBM | Dell | Hewlett-Packard | HP | Nokia | Motorola | Samsung | Sony | Ericsson | Vodafone |
     BT | Skype | VoIP | Firefox | Mozilla | Internet Explorer | Macintosh | Mac | Facebook | Twitter | YouTube | Wikipedia | AOL | Napster | Kazaa | BitTorrent |
     telecom{,s} | telecommunications | network{,s} | networking | bandwidth | server{,s} | database{,s} | storage | memory | screen{,s} | display{,s} |
     high-definition | HD | HDTV | DVD recorder{,s} | TiVo | digital TV | digital television | digital radio | camera phone{,s} | digital camera{,s} | robot{,s} |
     robotics | artificial intelligence | AI | algorithm{,s} | science | scientist{,s} | scientific | research | researcher{,s} | laboratory | lab | physics |
     chemistry | biology | astronomy | astronomer{,s} | space | spacecraft | satellite{,s} | Nasa | NASA | Mars | telescope | genome | DNA | gene{,s} | genetic |
     nanotechnology | engineer{,s} | engineering | innovation{,s} | invention{,s} | inventor{,s} | patent{,s} | Bluetooth | GPS | RFID | programmers | program{,s,mers} |
     app{,s} | apps | text message{,s} | texting | SMS | instant messaging | chat room{,s} | cyberspace | virtual | electronic | electronics | consumer electronics"""),
 (3, """megapixel{,s} | handheld{,s} | portable music player{,s} | MP3 player{,s} | MP3 | media player{,s} | digital music | online music | music service{,s} |
     video-on-demand | on-demand | set-top box{,es} | Freeview | digital switchover | PVR{,s} | DVD player{,s} | Blu-ray | HD-DVD | games maker{,s} | games industry |
     multiplayer | online gaming | internet telephony | net telephony | domain name{,s} | ISP{,s} | internet service provider{,s} | web browser{,s} | mobile operator{,s} |
     network operator{,s} | handset maker{,s} | supercomputer{,s} | processing power | virtual world{,s} | biometric{,s} | identity theft | cyber criminals | botnet{,s} |
     denial of service | zombie computers | Trojan{,s} | keylogger{,s} | anti-virus | security firm{,s} | security flaw{,s} | software flaw{,s} | patch{,es} | bug{,s} |
     vulnerability | vulnerabilities | social network{,s,ing} | MySpace | Flickr | RealNetworks | Sony Ericsson | BlackBerry | PDA{,s} | Symbian | Philips |
     Panasonic | Toshiba | Hitachi | Nvidia | graphics card{,s} | Pentium | Xbox 360 | PlayStation 2 | PS2 | PS3 | GameCube | Electronic Arts | Ubisoft | Sega | Atari |
     tech firm{,s} | technology firm{,s} | technology company | technology companies | net firm{,s} | internet firm{,s} | software giant | software firm{,s} |
     search giant | computer firm{,s} | computer maker{,s} | chip maker{,s} | chipmaker{,s} | electronics firm{,s} | electronics giant | gadget{,s} | techies |
     net users | web users | internet users | online users | computer users | mobile users | phone users | surfers | web surfers | log on | logged on | offline |
     upload{,s,ed} | streaming | stream{,ed} | bandwidth | megabits | gigabyte{,s} | terabyte{,s} | hard drive{,s} | hard disk{,s} | USB | flash memory | memory card{,s} |
     touchscreen | touch screen | keyboard{,s} | mouse | desktop computer{,s} | notebook computer{,s} | tablet{,s} | handsets | pixels | resolution | 3D"""),
 (1, """data | system{,s} | tool{,s} | machine{,s} | Ofcom | experts | developed | develop{,ing,er,ers} | launch{,ed} | features | version{,s} | upgrade{,s} | consumers | innovation"""),
 (0, """net profit{,s} | net loss{,es} | net income | net debt | net worth | net assets | net sales | net revenue{,s} | safety net | net migration | net result | net gain | net margin | net cash"""),
])

topic("society", "medtop:14000000", [
 (3, """poverty | poor | welfare | benefits | social security | homeless{,ness} | inequality | discrimination | racism | racist | sexism | gender equality |
     human rights | civil rights | gay rights | same-sex | gay marriage | LGBT | feminism | women's rights | child abuse | domestic violence | social services |
     charity | charities | volunteers | demographic{,s} | population | ageing population | migrants | migration | refugees | social care | care homes |
     pensioners | elderly | disabled | disability | disabilities | protest{,s,ers} | demonstration{,s} | demonstrators | rally | rallies | social | society |
     community | communities | housing | affordable homes | council housing | youth | teenagers | families"""),
 (0, """social event{,s}"""),
], weight=0.6)

topic("sport", "medtop:15000000", [
 (3, """sport | sports | sporting | football | footballer{,s} | soccer | rugby | rugby union | rugby league | cricket | cricketer{,s} | tennis | golf | golfer{,s} |
     athletics | athlete{,s} | boxing | boxer{,s} | cycling | cyclist{,s} | Formula One | Formula 1 | F1 | Grand Prix | motor racing | horse racing |
     jockey{,s} | swimming | swimmer{,s} | basketball | baseball | ice hockey | snooker | darts | sprinter{,s} | marathon | triathlon |
     Olympic{,s} | Olympic Games | Paralympic{,s} | World Cup | European Championship | Champions League | Uefa Cup | UEFA Cup |
     Europa League | Premier League | Premiership | FA Cup | League Cup | Carling Cup | Six Nations | Heineken Cup | Tri-Nations | Ashes | Test match |
     Test series | one-day international | Twenty20 | Wimbledon | Australian Open | French Open | US Open | Davis Cup | Ryder Cup | Open Championship | Tour de France |
     Super Bowl | NBA | NFL | NHL | Stanley Cup | Commonwealth Games | world championships | World Championships | Grand Slam | grand slam | matchday |
     semi-final{,s} | quarter-final{,s} | play-off{,s} | playoff{,s} | cup tie | pre-season | teammate{,s} | team-mate{,s} | striker{,s} | midfielder{,s} |
     defender{,s} | goalkeeper{,s} | winger{,s} | full-back | fly-half | scrum-half | flanker | number eight | batsman | batsmen | bowler{,s} | wicket{,s} |
     innings | all-rounder | goals | scored | equaliser | penalty kick | free-kick | free kick | half-time | second half | first half | injury time | stoppage time |
     extra time | penalty shootout | shootout | tries | scrum | lineout | touchline | referee{,s} | umpire{,s} | red card | yellow card | sent off | offside |
     gold medal | silver medal | bronze medal | medallist | world record | personal best | seeded | tie-break | break point | world number one | doping |
     drugs test | drug test{,s} | banned substance | Wada | IAAF | RFU | WRU | ATP | WTA | PGA | All Blacks | Wallabies | Springboks | Chelsea | Arsenal |
     Manchester United | Man Utd | Man United | Manchester City | Man City | Liverpool | Everton | Tottenham | Spurs | Aston Villa | West Ham | Celtic | Rangers |
     Real Madrid | Barcelona | Bayern Munich | Juventus | AC Milan | Inter Milan | Ajax | Porto | Benfica | Lazio | Valencia | Deportivo | Bolton | Blackburn |
     Southampton | Fulham | Charlton | Middlesbrough | Birmingham City | Portsmouth | Norwich City | Crystal Palace | West Brom | Leicester City | Wigan | Sunderland |
     Leinster | Munster | Wasps | Leicester Tigers | Saracens | Sale Sharks | Harlequins | Stade Francais | pole position | podium | hurdles | high jump | long jump |
     relay | 100m | 200m | 400m | 800m | 1500m | javelin | discus | shot put | pole vault | heptathlon | decathlon | cross-country | hat-trick | clean sheet |
     title race | relegation | relegated | promotion | promoted | top flight | league leaders | league title | championship title | Grand National | Derby winner |
     racecourse | trainer | stable | fixtures"""),
 (2, """match{,es} | tournament{,s} | final | finals | fixture | league | leagues | season | club{,s} | team{,s} | squad{,s} | coach{,es,ed,ing} | manager | managers |
     player{,s} | captain | skipper | keeper | forward{,s} | goal | score{,s,r,rs} | scoring | penalty | penalties | corner | header | try | conversion | pitch |
     stadium{,s} | crowd | spectators | supporters | victory | victories | defeat{,s,ed} | beat | beaten | draw | drew | unbeaten | champion{,s} | championship{,s} |
     title{,s} | trophy | trophies | medal{,s} | seed{,s} | ace{,s} | knockout | opponent{,s} | transfer{,s} | signing{,s} | injury |
     injuries | hamstring | fitness | training | internationals | ranking{,s} | ranked | Lions | FA | Fifa | FIFA | Uefa | UEFA | IOC | ECB | ICC |
     racing | race | races | lap{,s} | circuit | Ferrari | McLaren | hockey | sprint | Masters | century | runs | overs | indoor | Olympics | game | games | Newcastle |
     Leeds | Roma | Bath | Gloucester | Northampton | Ulster | Toulouse | Leicester | Wolves | Norwich"""),
 (1, """set{,s} | serve | round | international | cap{,s} | win{,s} | won | winning | lost | losing | loss | fans | ground | injured | signed | loan deal | contract | debut | rival{,s} | record | knee | ankle | world"""),
 (0, """sports car{,s} | sport utility vehicle{,s} | sports utility vehicle{,s}"""),
 (0, """match{,ed,es,ing} {the,their,its,his,her,our,expectations,funding,demand,forecasts} | {goal,goals,target,targets} of {cutting,reducing,raising,halving} |
     set to | set out | set up | set for | set aside | policy goal{,s} | the goal of | price cap{,s} | spending cap{,s} | round of talks | serve the | serve as | served as | international community | international law | international markets"""),
])

topic("weather", "medtop:17000000", [
 (3, """weather | forecast{,s,er,ers} | Met Office | meteorologist{,s} | temperature{,s} | heatwave{,s} | heat wave | cold snap | snow | snowfall | blizzard{,s} |
     rain | rainfall | downpour{,s} | storm{,s} | gale{,s} | wind{,s} | frost | fog | hail | thunderstorm{,s} | sunshine | drizzle | monsoon | El Nino | La Nina |
     degrees Celsius | degrees Fahrenheit | °C | °F | mph winds | severe weather | weather warning{,s} | amber warning | red warning | yellow warning"""),
 (0, """political storm | storm of protest | storm of criticism | weather the storm | brainstorm{,s,ing} | rain check | winds of change"""),
],weight=0.8, veto=['\\b(?:took|take|taken|taking|takes)\\s+(?:\\w+\\s+){0,3}by\\s+storm', '\\b(?:cold|warm)\\s+(?:war|welcome|reception|feet|shoulder)'])

out = {
 "format": "newsflow-rules/1",
 "description": "The 17 top-level IPTC Media Topics (names as in the IPTC NewsCodes vocabulary, qcodes medtop:NN000000), each scored by weighted keyword evidence (groups of aliases; {a,b} expands to forms). A document gets a topic when its score reaches the threshold and min_share of the best topic's score; most salient first. Organisations add evidence through their 'implies' field. Topics that are more often an aspect of a story than its subject carry an entry weight below 1 (conflict, crime, disaster, education, environment, health 0.85; human interest, labour, lifestyle, religion, society, weather lower).",
 "lang": "en",
 "category": "topics",
 "categories": [{"name": "topics", "kind": "topic", "threshold": 3.0, "min_share": 0.35, "max": 3}],
 "entries": T,
}
json.dump(out, sys.stdout, ensure_ascii=False, indent=1)
print()
