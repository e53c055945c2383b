// Properties of the codec's fast path (core/fast_decode.h) on generated kafka
// requests, shuffled, padded and then mutated byte by byte:
//  - whenever it answers, the DOM path accepts the same line and decodes the
//    same Message (compared through encode_line, which writes every field);
//  - it never declines a plain, valid request without duplicates, so the
//    speed-up cannot silently vanish.
// rapidcheck shrinks a disagreement to a short line.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "core/fast_decode.h"
#include "core/json_codec.h"

namespace eddy::core {
namespace {

struct Generated {
  std::string line;
  bool valid_without_duplicates = true;  // before mutation
};

rc::Gen<std::string> gen_key() {
  return rc::gen::map(rc::gen::inRange(0, 12), [](int i) { return "k" + std::to_string(i); });
}

rc::Gen<std::string> gen_int() {
  return rc::gen::weightedOneOf<std::string>(
      {{20, rc::gen::map(rc::gen::inRange<int64_t>(-1, 1000),
                         [](int64_t v) { return std::to_string(v); })},
       {4,
        rc::gen::map(rc::gen::arbitrary<int64_t>(), [](int64_t v) { return std::to_string(v); })},
       {1, rc::gen::element<std::string>("9223372036854775808", "1.0", "1e3", "-0", "\"1\"",
                                         "null")}});
}

bool plain_int(const std::string& text, bool non_negative) {
  if (text.empty() || text == "-0" || text.find_first_of(".e\"n") != std::string::npos)
    return false;
  if (text.size() >= 19 && text[0] != '-' && text > "9223372036854775807") return false;
  return !non_negative || text[0] != '-';
}

// A JSON object from fields in a random order, each written with `gap` around
// its separators.
std::string object(std::vector<std::string> fields, const std::string& gap) {
  std::string out = "{" + gap;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out += gap + "," + gap;
    out += fields[i];
  }
  return out + gap + "}";
}

std::string field(const std::string& name, const std::string& value, const std::string& gap) {
  return "\"" + name + "\"" + gap + ":" + gap + value;
}

// The fields in a random order: the DOM path does not care, nor may the fast path.
std::vector<std::string> shuffled(std::vector<std::string> fields) {
  for (size_t i = fields.size(); i > 1; --i) {
    std::swap(fields[i - 1],
              fields[static_cast<size_t>(*rc::gen::inRange<int>(0, static_cast<int>(i)))]);
  }
  return fields;
}

Generated generate_request() {
  Generated out;
  // A tab is valid JSON whitespace that the fast path leaves to the DOM path.
  const std::string gap = *rc::gen::element<std::string>("", "", " ", "\t");
  out.valid_without_duplicates = gap != "\t";
  const int kind = *rc::gen::inRange(0, 4);
  std::vector<std::string> body;
  static const char* kTypes[] = {"send", "poll", "commit_offsets", "list_committed_offsets"};
  body.push_back(field("type", std::string("\"") + kTypes[kind] + "\"", gap));
  const std::string msg_id = *gen_int();
  body.push_back(field("msg_id", msg_id, gap));
  out.valid_without_duplicates = out.valid_without_duplicates && plain_int(msg_id, false);
  if (kind == 0) {
    body.push_back(field("key", "\"" + *gen_key() + "\"", gap));
    const std::string msg = *gen_int();
    body.push_back(field("msg", msg, gap));
    out.valid_without_duplicates = out.valid_without_duplicates && plain_int(msg, false);
  } else if (kind == 3) {
    const auto keys = *rc::gen::container<std::vector<std::string>>(gen_key());
    std::string array = "[";
    for (size_t i = 0; i < keys.size(); ++i) array += (i > 0 ? "," : "") + ("\"" + keys[i] + "\"");
    body.push_back(field("keys", array + "]", gap));
  } else {
    const auto keys = *rc::gen::container<std::vector<std::string>>(gen_key());
    std::vector<std::string> entries;
    for (const std::string& key : keys) {
      const std::string offset = *gen_int();
      out.valid_without_duplicates = out.valid_without_duplicates && plain_int(offset, true);
      entries.push_back(field(key, offset, gap));
    }
    out.valid_without_duplicates =
        out.valid_without_duplicates &&
        std::set<std::string>(keys.begin(), keys.end()).size() == keys.size();
    body.push_back(field("offsets", object(entries, gap), gap));
  }
  if (kind == 0 || kind == 2) {
    if (*rc::gen::inRange(0, 4) == 0) {
      body.push_back(field("origin", "\"c7\"", gap));
      body.push_back(field("origin_msg_id", "42", gap));
    }
  }
  if (*rc::gen::inRange(0, 8) == 0) body.push_back(field("in_reply_to", "3", gap));
  std::vector<std::string> envelope{field("src", "\"c1\"", gap), field("dest", "\"n0\"", gap),
                                    field("body", object(shuffled(body), gap), gap)};
  if (*rc::gen::inRange(0, 2) == 0) envelope.push_back(field("id", "17", gap));
  out.line = object(shuffled(envelope), gap);
  return out;
}

// Inserts, deletes or replaces a few bytes, with characters that matter to JSON.
std::string mutate(std::string line) {
  const int edits = *rc::gen::inRange(1, 3);
  static const std::string kAlphabet =
      std::string("{}[]\":,0123456789-.eE tfnrul\\\\k") + "\x01" + "\xff" + "012345   ";
  for (int i = 0; i < edits && !line.empty(); ++i) {
    const auto at = static_cast<size_t>(*rc::gen::inRange<int>(0, static_cast<int>(line.size())));
    const char c = kAlphabet[static_cast<size_t>(
        *rc::gen::inRange<int>(0, static_cast<int>(kAlphabet.size())))];
    switch (*rc::gen::inRange(0, 3)) {
      case 0:
        line.insert(at, 1, c);
        break;
      case 1:
        line.erase(at, 1);
        break;
      default:
        line[at] = c;
        break;
    }
  }
  return line;
}

void check_agreement(const std::string& text) {
  const Limits limits;
  const std::optional<Message> fast = fast_decode(text, limits);
  if (!fast) return;
  const DecodeResult dom = decode_line_via_dom(text, limits);
  RC_ASSERT(dom.ok());
  RC_ASSERT(encode_line(*fast) == encode_line(dom.value()));
}

RC_GTEST_PROP(FastDecodeProperty, ValidRequestsAreTakenAndAgreeWithTheDomPath, ()) {
  const Generated generated = generate_request();
  RC_TAG(generated.valid_without_duplicates);
  check_agreement(generated.line);
  if (generated.valid_without_duplicates) {
    RC_ASSERT(fast_decode(generated.line, Limits{}).has_value());
  }
}

// Most mutants are invalid JSON; the few valid ones (a digit changed, a space
// added, a field renamed) are the interesting cases, so each request yields
// many mutants.
RC_GTEST_PROP(FastDecodeProperty, MutatedRequestsAreDeclinedOrAgreeWithTheDomPath, ()) {
  const std::string original = generate_request().line;
  int taken = 0;
  for (int i = 0; i < 32; ++i) {
    const std::string line = mutate(original);
    taken += fast_decode(line, Limits{}).has_value() ? 1 : 0;
    check_agreement(line);
  }
  RC_TAG(taken > 0 ? "some mutant taken" : "every mutant declined");
}

}  // namespace
}  // namespace eddy::core
