/*
 * html_stopwords.c — the stopword lists and their lookup table.
 *
 * Lists: the most frequent function words (articles, pronouns,
 * prepositions, conjunctions, auxiliaries) of each language, written for
 * this project. A word listed in several languages ("a", "in", "die") gets
 * one table entry with several language bits.
 *
 * The table is open addressing keyed by XXH3 of the word, built once;
 * entries keep the word so a hash collision can never report a false hit.
 */
#include "processors/html_stopwords.h"

#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <xxhash.h>

static const char *const sw_en[] = {
    "a", "about", "above", "after", "again", "against", "all", "also", "am",
    "an", "and", "any", "are", "as", "at", "be", "because", "been", "before",
    "being", "between", "both", "but", "by", "can", "could", "did", "do",
    "does", "doing", "down", "during", "each", "even", "ever", "every", "few",
    "for", "from", "further", "had", "has", "have", "having", "he", "her",
    "here", "hers", "him", "his", "how", "however", "i", "if", "in", "into",
    "is", "it", "its", "itself", "just", "like", "many", "may", "me", "might",
    "more", "most", "much", "must", "my", "no", "nor", "not", "now", "of",
    "off", "on", "once", "one", "only", "or", "other", "our", "out", "over",
    "own", "same", "she", "should", "since", "so", "some", "still", "such",
    "than", "that", "the", "their", "them", "then", "there", "these", "they",
    "this", "those", "though", "through", "to", "too", "under", "until",
    "up", "upon", "us", "very", "was", "we", "were", "what", "when", "where",
    "whether", "which", "while", "who", "whom", "whose", "why", "will",
    "with", "within", "without", "would", "yet", "you", "your", "s", "t",
    "don", "didn", "doesn", "isn", "wasn", "won", "ll", "ve", "re", "said",
    "says", "also", "well", "get", "got", "make", "made", "new", "two",
};

static const char *const sw_de[] = {
    "aber", "alle", "allem", "allen", "aller", "alles", "als", "also", "am",
    "an", "andere", "anderen", "auch", "auf", "aus", "bei", "beim", "bereits",
    "bin", "bis", "bisher", "bist", "da", "dabei", "dadurch", "dafür",
    "dagegen", "damit", "dann", "daran", "darauf", "darf", "darum", "das",
    "dass", "daß", "dazu", "dem", "den", "denen", "denn", "der", "deren",
    "des", "deshalb", "dessen", "die", "dies", "diese", "diesem", "diesen",
    "dieser", "dieses", "doch", "dort", "du", "durch", "ein", "eine", "einem",
    "einen", "einer", "eines", "einige", "er", "es", "etwa", "etwas", "euch",
    "für", "gegen", "gibt", "hat", "hatte", "hatten", "hätte", "haben", "habe",
    "hier", "ich", "ihm", "ihn", "ihnen", "ihr", "ihre", "ihrem", "ihren",
    "ihrer", "im", "immer", "in", "ins", "ist", "ja", "jede", "jeder",
    "jedoch", "jetzt", "kann", "kein", "keine", "können", "könnte", "man",
    "mehr", "mich", "mir", "mit", "muss", "müssen", "nach", "nicht", "nichts",
    "noch", "nun", "nur", "ob", "oder", "ohne", "schon", "sehr", "sei", "sein",
    "seine", "seinem", "seinen", "seiner", "seit", "selbst", "sich", "sie",
    "sind", "so", "sogar", "soll", "sollen", "sollte", "sondern", "sowie",
    "um", "und", "uns", "unter", "viel", "viele", "vom", "von", "vor",
    "wann", "war", "waren", "warum", "was", "weil", "weiter", "welche",
    "wenn", "wer", "werde", "werden", "wie", "wieder", "will", "wir", "wird",
    "wo", "wurde", "wurden", "würde", "zu", "zum", "zur", "zwar", "zwischen",
    "über",
};

static const char *const sw_fr[] = {
    "a", "afin", "ai", "ainsi", "alors", "au", "aucun", "aussi", "autre",
    "aux", "avait", "avant", "avec", "avoir", "c", "ce", "cela", "celle",
    "celui", "ces", "cet", "cette", "chez", "comme", "comment", "d", "dans",
    "de", "depuis", "des", "deux", "doit", "donc", "dont", "du", "elle",
    "elles", "en", "encore", "entre", "est", "et", "été", "être", "eu", "fait",
    "faire", "il", "ils", "j", "je", "jusqu", "l", "la", "le", "les", "leur",
    "leurs", "lors", "lui", "m", "mais", "me", "même", "mes", "moi", "mon",
    "n", "ne", "ni", "nos", "notre", "nous", "on", "ont", "ou", "où", "par",
    "parce", "pas", "peu", "peut", "plus", "pour", "pourquoi", "qu", "quand",
    "que", "quel", "quelle", "qui", "s", "sa", "sans", "se", "selon", "ses",
    "si", "son", "sont", "sous", "sur", "ta", "tandis", "te", "tes", "toi",
    "ton", "tous", "tout", "toute", "toutes", "très", "tu", "un", "une",
    "vers", "vos", "votre", "vous", "y", "à", "était", "étaient", "sera",
};

static const char *const sw_es[] = {
    "a", "al", "algo", "algunos", "ante", "antes", "aquí", "así", "aunque",
    "cada", "como", "con", "contra", "cual", "cuando", "de", "del", "desde",
    "donde", "dos", "durante", "e", "el", "ella", "ellas", "ellos", "en",
    "entre", "era", "es", "esa", "ese", "eso", "esta", "está", "están", "este",
    "esto", "estos", "fue", "fueron", "ha", "había", "han", "hasta", "hay",
    "la", "las", "le", "les", "lo", "los", "más", "me", "mi", "muy", "nada",
    "ni", "no", "nos", "nosotros", "o", "otra", "otro", "otros", "para",
    "pero", "poco", "por", "porque", "que", "qué", "quien", "se", "sea",
    "según", "ser", "si", "sido", "sin", "sino", "sobre", "son", "su", "sus",
    "también", "tanto", "te", "tiene", "todo", "todos", "tras", "tu", "un",
    "una", "uno", "unos", "y", "ya", "yo", "él", "sí", "cuenta", "puede",
};

static const char *const sw_it[] = {
    "a", "ad", "agli", "al", "alla", "alle", "anche", "ancora", "avere",
    "aveva", "c", "che", "chi", "ci", "come", "con", "cosa", "così", "cui",
    "da", "dal", "dalla", "dalle", "degli", "dei", "del", "della", "delle",
    "dello", "di", "dopo", "dove", "e", "ed", "era", "essere", "fa", "fino",
    "gli", "ha", "hanno", "i", "il", "in", "io", "l", "la", "le", "lei", "lo",
    "loro", "lui", "ma", "mi", "molto", "ne", "negli", "nei", "nel", "nella",
    "nelle", "no", "noi", "non", "o", "ogni", "per", "perché", "più", "poi",
    "quale", "quando", "quella", "quelle", "quello", "questa", "queste",
    "questo", "se", "sempre", "si", "sia", "siamo", "sono", "sta", "stato",
    "su", "sua", "sue", "sugli", "sui", "sul", "sulla", "suo", "suoi", "tra",
    "fra", "tutti", "tutto", "un", "una", "uno", "è", "stata", "essere",
};

static const char *const sw_nl[] = {
    "aan", "al", "alle", "als", "ben", "bij", "dan", "dat", "de", "deze",
    "die", "dit", "door", "dus", "een", "en", "er", "geen", "had", "heb",
    "hebben", "heeft", "het", "hier", "hij", "hoe", "hun", "ik", "in", "is",
    "je", "kan", "kunnen", "maar", "me", "meer", "met", "mijn", "moet", "na",
    "naar", "niet", "nog", "nu", "of", "om", "omdat", "onder", "ons", "ook",
    "op", "over", "te", "tegen", "toch", "toen", "tot", "u", "uit", "van",
    "veel", "voor", "was", "waren", "wat", "we", "wel", "werd", "wie", "wij",
    "wordt", "worden", "zal", "ze", "zich", "zij", "zijn", "zo", "zoals",
    "zou", "haar", "hem", "jullie", "bij", "tussen", "waar", "want", "dus",
};

static const char *const sw_pt[] = {
    "a", "ao", "aos", "as", "até", "com", "como", "da", "das", "de", "dela",
    "dele", "depois", "do", "dos", "e", "ela", "elas", "ele", "eles", "em",
    "entre", "era", "essa", "esse", "esta", "está", "este", "eu", "foi",
    "foram", "há", "isso", "isto", "já", "lhe", "mais", "mas", "me", "mesmo",
    "muito", "na", "nas", "nem", "no", "nos", "não", "o", "os", "ou", "para",
    "pela", "pelas", "pelo", "pelos", "por", "porque", "quando", "que",
    "quem", "se", "sem", "ser", "seu", "seus", "sua", "suas", "são", "também",
    "tem", "têm", "um", "uma", "à", "às", "é", "sobre", "ainda", "pode",
};

static const char *const sw_pl[] = {
    "a", "aby", "ale", "bardzo", "bez", "by", "być", "był", "była", "było",
    "były", "bo", "co", "czy", "dla", "do", "gdy", "go", "i", "ich", "im",
    "jak", "jako", "je", "jego", "jej", "jest", "jeszcze", "już", "ich",
    "które", "która", "który", "których", "ma", "może", "na", "nad", "nie",
    "o", "od", "oraz", "po", "pod", "przez", "przy", "się", "są", "ta", "tak",
    "także", "te", "tego", "tej", "ten", "to", "tylko", "tym", "w", "we",
    "więc", "z", "za", "ze", "że", "jednak", "gdzie", "kiedy", "można",
};

static const struct {
        const char *code;
        const char *const *words;
        size_t n;
} lists[NF_SW__COUNT] = {
    [NF_SW_EN] = {"en", sw_en, sizeof(sw_en) / sizeof(sw_en[0])},
    [NF_SW_DE] = {"de", sw_de, sizeof(sw_de) / sizeof(sw_de[0])},
    [NF_SW_FR] = {"fr", sw_fr, sizeof(sw_fr) / sizeof(sw_fr[0])},
    [NF_SW_ES] = {"es", sw_es, sizeof(sw_es) / sizeof(sw_es[0])},
    [NF_SW_IT] = {"it", sw_it, sizeof(sw_it) / sizeof(sw_it[0])},
    [NF_SW_NL] = {"nl", sw_nl, sizeof(sw_nl) / sizeof(sw_nl[0])},
    [NF_SW_PT] = {"pt", sw_pt, sizeof(sw_pt) / sizeof(sw_pt[0])},
    [NF_SW_PL] = {"pl", sw_pl, sizeof(sw_pl) / sizeof(sw_pl[0])},
};

/* A power of two well above the ~1,100 words so probes stay short. */
#define SW_SLOTS 4096

static struct {
        const char *word; /* NULL = empty slot */
        uint8_t len;
        uint8_t mask;
} table[SW_SLOTS];

static pthread_once_t table_once = PTHREAD_ONCE_INIT;

static void table_build(void)
{
        for (int lang = 0; lang < NF_SW__COUNT; lang++) {
                for (size_t i = 0; i < lists[lang].n; i++) {
                        const char *w = lists[lang].words[i];
                        size_t len = strlen(w);
                        size_t slot = XXH3_64bits(w, len) & (SW_SLOTS - 1);
                        while (table[slot].word &&
                               !(table[slot].len == len &&
                                 !memcmp(table[slot].word, w, len))) {
                                slot = (slot + 1) & (SW_SLOTS - 1);
                        }
                        table[slot].word = w;
                        table[slot].len = (uint8_t)len;
                        table[slot].mask |= (uint8_t)(1u << lang);
                }
        }
}

const char *nf_stopwords_code(nf_sw_lang_t lang)
{
        return lang < NF_SW__COUNT ? lists[lang].code : "";
}

unsigned nf_stopwords_lookup(const char *word, size_t len)
{
        pthread_once(&table_once, table_build);
        if (len == 0 || len > 16) {
                return 0;
        }
        size_t slot = XXH3_64bits(word, len) & (SW_SLOTS - 1);
        while (table[slot].word) {
                if (table[slot].len == len &&
                    !memcmp(table[slot].word, word, len)) {
                        return table[slot].mask;
                }
                slot = (slot + 1) & (SW_SLOTS - 1);
        }
        return 0;
}
