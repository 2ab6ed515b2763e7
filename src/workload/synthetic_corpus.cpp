#include "workload/synthetic_corpus.h"

#include <array>
#include <string>
#include <vector>

#include "common/random.h"

namespace l4lab::workload {
namespace {

struct Noun {
  const char *one, *many;
};
struct Verb {
  const char *base, *s, *past, *pp;
};
struct Topic {
  const char* name;
  std::vector<Noun> nouns;
  std::vector<const char*> adjectives;
  std::vector<const char*> orgs;
  std::vector<Noun> roles;
};

const std::vector<Topic>& topics() {
  static const std::vector<Topic> t = {
      {"energy",
       {{"solar farm", "solar farms"},
        {"battery", "batteries"},
        {"power grid", "power grids"},
        {"wind turbine", "wind turbines"},
        {"heat pump", "heat pumps"},
        {"electricity price", "electricity prices"},
        {"pipeline", "pipelines"},
        {"carbon tax", "carbon taxes"},
        {"reactor", "reactors"}},
       {"renewable", "expensive", "efficient", "regional", "coastal", "reliable"},
       {"the Northfield Energy Cooperative", "the National Grid Authority", "Helios Power"},
       {{"engineer", "engineers"}, {"economist", "economists"}, {"homeowner", "homeowners"}}},
      {"transport",
       {{"tram line", "tram lines"},
        {"bus route", "bus routes"},
        {"bicycle lane", "bicycle lanes"},
        {"railway station", "railway stations"},
        {"ferry", "ferries"},
        {"parking fee", "parking fees"},
        {"bridge", "bridges"},
        {"timetable", "timetables"}},
       {"crowded", "electric", "late", "busy", "new", "public"},
       {"the City Transit Board", "Metro Rail", "the Harbour Ferry Company"},
       {{"commuter", "commuters"}, {"driver", "drivers"}, {"planner", "planners"}}},
      {"health",
       {{"clinic", "clinics"},
        {"vaccine", "vaccines"},
        {"hospital", "hospitals"},
        {"nurse", "nurses"},
        {"waiting list", "waiting lists"},
        {"treatment", "treatments"},
        {"blood test", "blood tests"},
        {"diet", "diets"}},
       {"rural", "preventive", "chronic", "mental", "safe", "early"},
       {"the Regional Health Service", "St. Mary's Hospital", "the Public Health Institute"},
       {{"doctor", "doctors"}, {"patient", "patients"}, {"researcher", "researchers"}}},
      {"space",
       {{"satellite", "satellites"},
        {"rocket", "rockets"},
        {"telescope", "telescopes"},
        {"launch pad", "launch pads"},
        {"space station", "space stations"},
        {"lunar lander", "lunar landers"},
        {"orbit", "orbits"},
        {"mission", "missions"}},
       {"orbital", "distant", "reusable", "bright", "ambitious", "robotic"},
       {"the European Space Agency", "Orbital Dynamics", "the Mountain Observatory"},
       {{"astronomer", "astronomers"}, {"astronaut", "astronauts"}, {"scientist", "scientists"}}},
      {"farming",
       {{"harvest", "harvests"},
        {"wheat field", "wheat fields"},
        {"orchard", "orchards"},
        {"tractor", "tractors"},
        {"irrigation system", "irrigation systems"},
        {"fertiliser", "fertilisers"},
        {"dairy farm", "dairy farms"},
        {"seed bank", "seed banks"}},
       {"dry", "organic", "seasonal", "local", "small", "productive"},
       {"the Farmers' Union", "Green Valley Growers", "the Ministry of Agriculture"},
       {{"farmer", "farmers"}, {"grower", "growers"}, {"buyer", "buyers"}}},
      {"markets",
       {{"interest rate", "interest rates"},
        {"bond", "bonds"},
        {"share price", "share prices"},
        {"pension fund", "pension funds"},
        {"mortgage", "mortgages"},
        {"budget", "budgets"},
        {"loan", "loans"},
        {"currency", "currencies"}},
       {"volatile", "stable", "quarterly", "annual", "weak", "strong"},
       {"the Central Bank", "Harbor Capital", "the Stock Exchange"},
       {{"investor", "investors"}, {"analyst", "analysts"}, {"trader", "traders"}}},
      {"education",
       {{"school", "schools"},
        {"teacher", "teachers"},
        {"exam", "exams"},
        {"library", "libraries"},
        {"classroom", "classrooms"},
        {"reading programme", "reading programmes"},
        {"university", "universities"},
        {"scholarship", "scholarships"}},
       {"primary", "online", "free", "national", "crowded", "modern"},
       {"the Board of Education", "Riverside University", "the Teachers' Association"},
       {{"student", "students"}, {"parent", "parents"}, {"principal", "principals"}}},
      {"software",
       {{"database", "databases"},
        {"server", "servers"},
        {"update", "updates"},
        {"password", "passwords"},
        {"network", "networks"},
        {"app", "apps"},
        {"data centre", "data centres"},
        {"algorithm", "algorithms"}},
       {"secure", "open", "slow", "digital", "automated", "faulty"},
       {"Bluewave Systems", "the Open Source Foundation", "Cloudline"},
       {{"developer", "developers"}, {"user", "users"}, {"manager", "managers"}}},
      {"sport",
       {{"match", "matches"},
        {"stadium", "stadiums"},
        {"season", "seasons"},
        {"coach", "coaches"},
        {"final", "finals"},
        {"training camp", "training camps"},
        {"ticket", "tickets"},
        {"league", "leagues"}},
       {"young", "professional", "home", "difficult", "famous", "local"},
       {"the National Football League", "Eastside Rovers", "the Olympic Committee"},
       {{"player", "players"}, {"fan", "fans"}, {"referee", "referees"}}},
      {"history",
       {{"castle", "castles"},
        {"manuscript", "manuscripts"},
        {"excavation", "excavations"},
        {"museum", "museums"},
        {"coin", "coins"},
        {"temple", "temples"},
        {"archive", "archives"},
        {"trade route", "trade routes"}},
       {"ancient", "medieval", "rare", "forgotten", "royal", "early"},
       {"the National Museum", "the Heritage Trust", "the Institute of Archaeology"},
       {{"historian", "historians"}, {"archaeologist", "archaeologists"}, {"visitor", "visitors"}}},
      {"ocean",
       {{"coral reef", "coral reefs"},
        {"fishing fleet", "fishing fleets"},
        {"harbour", "harbours"},
        {"current", "currents"},
        {"whale", "whales"},
        {"research vessel", "research vessels"},
        {"sea level", "sea levels"},
        {"beach", "beaches"}},
       {"deep", "warm", "protected", "northern", "polluted", "shallow"},
       {"the Marine Institute", "Blue Horizon", "the Coast Guard"},
       {{"biologist", "biologists"}, {"fisher", "fishers"}, {"diver", "divers"}}},
      {"arts",
       {{"concert", "concerts"},
        {"album", "albums"},
        {"gallery", "galleries"},
        {"festival", "festivals"},
        {"novel", "novels"},
        {"theatre", "theatres"},
        {"painting", "paintings"},
        {"orchestra", "orchestras"}},
       {"popular", "classical", "experimental", "sold-out", "celebrated", "quiet"},
       {"the City Orchestra", "the Modern Art Gallery", "Northlight Records"},
       {{"artist", "artists"}, {"critic", "critics"}, {"musician", "musicians"}}},
  };
  return t;
}

const std::vector<Verb> kVerbs = {
    {"improve", "improves", "improved", "improved"},
    {"reduce", "reduces", "reduced", "reduced"},
    {"expand", "expands", "expanded", "expanded"},
    {"support", "supports", "supported", "supported"},
    {"replace", "replaces", "replaced", "replaced"},
    {"review", "reviews", "reviewed", "reviewed"},
    {"build", "builds", "built", "built"},
    {"change", "changes", "changed", "changed"},
    {"protect", "protects", "protected", "protected"},
    {"delay", "delays", "delayed", "delayed"},
    {"test", "tests", "tested", "tested"},
    {"fund", "funds", "funded", "funded"},
    {"close", "closes", "closed", "closed"},
    {"open", "opens", "opened", "opened"},
    {"study", "studies", "studied", "studied"},
    {"measure", "measures", "measured", "measured"},
    {"find", "finds", "found", "found"},
    {"grow", "grows", "grew", "grown"},
    {"lose", "loses", "lost", "lost"},
    {"share", "shares", "shared", "shared"},
};
const std::vector<const char*> kAdjectives = {
    "large",  "small",     "new",     "old",    "important", "recent",      "major",
    "common", "simple",    "careful", "clear",  "similar",   "significant", "popular",
    "useful", "difficult", "cheaper", "better", "slower"};
const std::vector<const char*> kAdverbs = {"quickly",      "slowly",  "steadily", "sharply",
                                           "gradually",    "quietly", "rapidly",  "carefully",
                                           "unexpectedly", "largely"};
const std::vector<const char*> kFirst = {"Anna",  "James",  "Maria", "David",  "Sofia",  "Daniel",
                                         "Laura", "Peter",  "Elena", "Samuel", "Grace",  "Thomas",
                                         "Nadia", "Oliver", "Priya", "Lucas",  "Hannah", "Marco",
                                         "Chloe", "Ahmed",  "Julia", "Kenji"};
const std::vector<const char*> kLast = {"Walker",  "Moreno", "Chen",  "Novak",  "Okafor",
                                        "Schmidt", "Larsen", "Rossi", "Patel",  "Kowalski",
                                        "Dubois",  "Tanaka", "Silva", "Murphy", "Fischer",
                                        "Jensen",  "Haddad", "Costa", "Evans",  "Berg"};
const std::vector<const char*> kPlaces = {"Lisbon",   "Denver",  "Osaka",    "Leeds",    "Porto",
                                          "Quebec",   "Aarhus",  "Valencia", "Portland", "Nairobi",
                                          "Adelaide", "Glasgow", "Krakow",   "Bristol",  "Seville",
                                          "Halifax",  "Bergen",  "Lyon",     "Austin",   "Perth"};
const std::vector<const char*> kMonths = {"January",   "February", "March",    "April",
                                          "May",       "June",     "July",     "August",
                                          "September", "October",  "November", "December"};
const std::vector<const char*> kDays = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday"};
const std::vector<const char*> kPeriods = {"months", "years", "weeks"};

// Builds a string left to right. Unlike a chain of `+`, whose operands the
// compiler may evaluate in any order, `<<` is sequenced left to right, so the
// random slots are drawn in the order they are written on every compiler.
struct S {
  std::string s;
  S& operator<<(const std::string& x) {
    s += x;
    return *this;
  }
  S& operator<<(const char* x) {
    s += x;
    return *this;
  }
  operator std::string() const { return s; }  // NOLINT: implicit by design
};

class Writer {
 public:
  Writer(Rng& r, const Topic& t) : r_(r), t_(t) {}

  std::string person() { return S{} << std::string(r_.pick(kFirst)) << " " << r_.pick(kLast); }
  std::string noun() { return r_.pick(t_.nouns).one; }
  std::string nouns() { return r_.pick(t_.nouns).many; }
  std::string adj() { return r_.below(2) ? r_.pick(t_.adjectives) : r_.pick(kAdjectives); }
  std::string org() { return r_.pick(t_.orgs); }
  std::string role() { return r_.pick(t_.roles).one; }
  std::string roles() { return r_.pick(t_.roles).many; }
  std::string place() { return r_.pick(kPlaces); }
  std::string year() { return std::to_string(r_.range(1950, 2025)); }
  std::string num() { return std::to_string(r_.range(2, 40)); }
  std::string pct() { return std::to_string(r_.range(3, 95)); }
  const Verb& verb() { return r_.pick(kVerbs); }

  static std::string cap(std::string s) {
    if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = char(s[0] - 'a' + 'A');
    return s;
  }

  std::string sentence() {
    const Verb& v = verb();
    switch (r_.below(16)) {
      case 0:
        return S{} << person() << ", a " << role() << " at " << org() << ", said the " << noun()
                   << " had " << v.pp << " " << r_.pick(kAdverbs) << " over the past " << num()
                   << " " << r_.pick(kPeriods) << ".";
      case 1:
        return S{} << "According to " << org() << ", " << pct() << " percent of " << nouns()
                   << " in " << place() << " now " << v.base << " a " << adj() << " " << noun()
                   << ".";
      case 2:
        return S{} << "The " << adj() << " " << noun() << " was first " << v.pp << " in " << year()
                   << " by " << roles() << " in " << place() << ".";
      case 3:
        return S{} << cap(roles()) << " argue that the " << noun() << " could " << v.base << " the "
                   << adj() << " " << noun() << " unless " << org() << " " << verb().s << " more "
                   << nouns() << ".";
      case 4:
        return S{} << "In " << std::string(r_.pick(kMonths)) << " " << year() << ", " << org()
                   << " announced a plan to " << v.base << " the " << noun() << " across " << num()
                   << " " << nouns() << ".";
      case 5:
        return S{} << person() << " believes the " << noun() << " will " << v.base << " " << adj()
                   << " " << nouns() << " within " << num() << " years.";
      case 6:
        return S{} << "Local officials in " << place() << " have " << v.pp << " the " << adj()
                   << " " << noun() << ", which costs about " << num() << " million dollars.";
      case 7:
        return S{} << "It is not yet clear whether the " << noun() << " can " << v.base << " the "
                   << adj() << " " << noun() << " that many " << roles() << " expect.";
      case 8: {
        int from = int(r_.range(1950, 2015));
        int to = from + int(r_.range(2, 10));
        return S{} << "The report also found that " << nouns() << " " << v.past << " by " << pct()
                   << " percent between " << std::to_string(from) << " and " << std::to_string(to)
                   << ".";
      }
      case 9:
        return S{} << "For many " << roles() << ", the " << noun() << " remains " << adj()
                   << " and hard to " << v.base << ".";
      case 10:
        return S{} << std::string("\"We have ") << v.pp << " the " << noun() << " because our "
                   << roles() << " asked for it,\" " << person() << " told reporters on "
                   << r_.pick(kDays) << ".";
      case 11:
        return S{} << "Meanwhile, a second " << noun() << " in " << place() << " has shown "
                   << adj() << " results.";
      case 12:
        return S{} << "Some " << roles() << " worry that the " << adj() << " " << nouns()
                   << " will " << v.base << " the way people use the " << noun() << ".";
      case 13:
        return S{} << "The " << noun() << " now serves about " << num() << " thousand " << roles()
                   << " every " << (r_.below(2) ? "week" : "month") << ".";
      case 14:
        return S{} << "After a long debate, " << org() << " " << v.past << " the " << noun()
                   << " and promised a full review.";
      default:
        return S{} << "Because of this, " << roles() << " in " << place()
                   << " are paying closer attention to " << nouns() << " than before.";
    }
  }

  std::string paragraph(int sentences) {
    std::string p;
    for (int i = 0; i < sentences; ++i) {
      if (i) p += ' ';
      p += sentence();
    }
    return p;
  }

  std::string title() {
    return S{} << cap(adj()) << " " << nouns() << " in " << place() << " " << verb().base << " "
               << roles() << " again";
  }

  Rng& rng() { return r_; }

 private:
  Rng& r_;
  const Topic& t_;
};

CorpusItem make_article(uint64_t seed, int i) {
  Rng r(mix_seed(seed, "synthetic-summarisation", uint64_t(i)));
  const Topic& t = r.pick(topics());
  Writer w(r, t);
  CorpusItem it;
  it.source_id = "synthetic:summarisation:" + std::to_string(i);
  it.title = w.title();
  int paragraphs = int(r.range(3, 14));
  for (int p = 0; p < paragraphs; ++p) {
    if (p) it.text += "\n\n";
    it.text += w.paragraph(int(r.range(3, 6)));
  }
  return it;
}

CorpusItem make_qa(uint64_t seed, int i) {
  Rng r(mix_seed(seed, "synthetic-qa", uint64_t(i)));
  const Topic& t = r.pick(topics());
  Writer w(r, t);
  CorpusItem it;
  it.source_id = "synthetic:qa:" + std::to_string(i);
  std::string org = w.org(), who = w.person(), year = w.year(), place = w.place(), noun = w.noun();
  std::string fact;
  switch (r.below(4)) {
    case 0:
      fact = "The " + noun + " in " + place + " was opened in " + year + " by " + who + ".";
      it.question = "In which year was the " + noun + " in " + place + " opened?";
      it.reference = year;
      break;
    case 1:
      fact = who + " has led the " + noun + " project at " + org + " since " + year + ".";
      it.question = "Who leads the " + noun + " project at " + org + "?";
      it.reference = who;
      break;
    case 2:
      fact = "The first " + noun + " run by " + org + " was built in " + place + ".";
      it.question = "In which city did " + org + " build its first " + noun + "?";
      it.reference = place;
      break;
    default: {
      std::string n = w.num();
      fact = org + " spent " + n + " million dollars on the " + noun + " last year.";
      it.question = "How much did " + org + " spend on the " + noun + " last year?";
      it.reference = n + " million dollars";
    }
  }
  // The fact sits in the first paragraph, so truncating the context keeps it.
  int paragraphs = int(r.range(2, 9));
  for (int p = 0; p < paragraphs; ++p) {
    if (p) it.text += "\n\n";
    std::string para = w.paragraph(int(r.range(3, 6)));
    it.text += p == 0 ? w.sentence() + " " + fact + " " + para : para;
  }
  return it;
}

CorpusItem make_dialogue(uint64_t seed, int i) {
  Rng r(mix_seed(seed, "synthetic-dialogue", uint64_t(i)));
  const Topic& t = r.pick(topics());
  Writer w(r, t);
  CorpusItem it;
  it.source_id = "synthetic:dialogue:" + std::to_string(i);
  auto ask = [&]() -> std::string {
    switch (w.rng().below(8)) {
      case 0:
        return S{} << "Can you explain how the " << w.noun() << " in " << w.place() << " works?";
      case 1:
        return S{} << "What do " << w.roles() << " think about the " << w.adj() << " " << w.noun()
                   << "?";
      case 2:
        return S{} << "That makes sense. Why did " << w.org() << " " << w.verb().base << " the "
                   << w.noun() << "?";
      case 3:
        return S{} << "Could you give me a short example involving " << w.nouns() << "?";
      case 4: {
        // Two draws in one `a + b` would be unspecified in order (gcc drew
        // the noun first, clang the adjective): named, in gcc's order, so the
        // pinned default workload stays and every compiler builds it alike.
        const std::string noun = w.noun();
        const std::string adj = w.adj();
        return "How much does a " + adj + " " + noun + " usually cost?";
      }
      case 5:
        return "I read this: " + w.sentence() + " Is that true?";
      case 6:
        return "Thanks. What should a " + w.role() + " do first?";
      default:
        return "And what happens to the " + w.nouns() + " after that?";
    }
  };
  int exchanges = int(r.range(2, 9));
  for (int e = 0; e < exchanges; ++e) {
    it.turns.push_back({"user", ask()});
    it.turns.push_back({"assistant", w.paragraph(int(r.range(2, 5)))});
  }
  it.turns.push_back({"user", ask()});
  return it;
}

}  // namespace

Corpus make_synthetic_corpus(uint64_t seed, int items_per_task) {
  Corpus c;
  c.kind = "synthetic";
  c.description =
      "built-in synthetic English (seeded templates over 12 topics: news-style articles, QA "
      "contexts with a "
      "planted fact, user/assistant dialogues); not natural text";
  for (int i = 0; i < items_per_task; ++i) {
    c.summarisation.push_back(make_article(seed, i));
    c.qa.push_back(make_qa(seed, i));
    c.dialogue.push_back(make_dialogue(seed, i));
  }
  return c;
}

}  // namespace l4lab::workload
