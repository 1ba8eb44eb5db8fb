// semspace collection create|upsert|search|info|list|drop: named, durable collections of vectors with ids and
// metadata; text goes through the collection's model.
#include <cstdio>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/cli_common.hpp"
#include "cli/text_encoding.hpp"
#include "io/corpus_reader.hpp"
#include "io/npy.hpp"
#include "store/collection_store.hpp"

namespace semspace::cli {
namespace {

constexpr const char* kSifComponentKey = "sif_component";
constexpr std::size_t kUpsertBatch = 20000;

Expected<store::CollectionStore> open_store(const std::string& db) {
  return store::CollectionStore::open(db.empty() ? store::default_store_path() : std::filesystem::path(db));
}

// Text points of one batch: encoded with the collection's model; the SIF component is fitted on the first batch
// that has text and then kept with the collection so later documents and queries share it.
Status encode_pending(store::CollectionStore& db, const std::string& name, const WordVectors& model,
                      const TextEncoding& encoding, std::vector<store::Point>& points,
                      std::vector<std::size_t>& text_rows, std::vector<std::string>& texts) {
  if (texts.empty()) return {};
  auto stored = db.get_array(name, kSifComponentKey);
  if (!stored) return tl::unexpected(stored.error());
  std::vector<float> component = stored->value_or(std::vector<float>{});
  const bool had_component = !component.empty();
  Matrix vectors = encode_texts(model, texts, encoding, component);
  if (!had_component && !component.empty()) {
    if (auto ok = db.put_array(name, kSifComponentKey, component); !ok) return ok;
  }
  for (std::size_t i = 0; i < text_rows.size(); ++i) {
    auto row = vectors.row(i);
    points[text_rows[i]].vector.assign(row.begin(), row.end());
  }
  text_rows.clear();
  texts.clear();
  return {};
}

}  // namespace

void register_collection(CLI::App& app, int& exit_code) {
  auto* group = app.add_subcommand("collection", "Durable collections: create, upsert, search, info, list, drop");
  group->require_subcommand(1);

  {
    struct Flags {
      std::string name, metric = "cosine", model, db, pooling = "sif";
      double sif_a = TextEncoding{}.sif_a;
      int dim = 0;
      bool json = false;
    };
    auto f = std::make_shared<Flags>();
    auto* cmd = group->add_subcommand("create", "Create a collection");
    cmd->add_option("NAME", f->name, "Collection name")->required();
    cmd->add_option("--dim", f->dim, "Vector dimension (taken from --model when omitted)");
    cmd->add_option("--metric", f->metric, "cosine, l2 or dot")->check(CLI::IsMember({"cosine", "l2", "dot"}))
        ->capture_default_str();
    cmd->add_option("--model", f->model, "Model that encodes text for this collection ('default' or a path)");
    cmd->add_option("--pooling", f->pooling, "How text becomes a vector: sif or mean")
        ->check(CLI::IsMember({"sif", "mean"}))
        ->capture_default_str();
    cmd->add_option("--sif-a", f->sif_a, "SIF weight parameter a: weight = a / (a + p(word))")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    cmd->add_option("--db", f->db, "Database file (default $SEMSPACE_HOME/collections.db)");
    cmd->add_flag("--json", f->json, "Print one JSON object");
    cmd->callback([f, &exit_code] {
      store::CollectionInfo info{.name = f->name, .dim = f->dim, .metric = f->metric, .model = f->model,
                                 .fingerprint = "",
                                 .encoder = TextEncoding{.sif = f->pooling == "sif", .sif_a = f->sif_a}.to_json(),
                                 .count = 0};
      if (!f->model.empty()) {
        auto model = load_model(f->model);
        if (!model) return void(exit_code = report(model.error()));
        if (info.dim != 0 && info.dim != model->dim()) {
          return void(exit_code = report(Error{ErrorCode::kInvalidArgument,
                                               fmt::format("--dim {} does not match model {} of dimension {}",
                                                           info.dim, f->model, model->dim())}));
        }
        info.dim = model->dim();
        info.fingerprint = model->fingerprint();
        if (f->model != "default") info.model = std::filesystem::absolute(f->model).string();
      }
      auto db = open_store(f->db);
      if (!db) return void(exit_code = report(db.error()));
      if (auto ok = db->create(info); !ok) return void(exit_code = report(ok.error()));
      if (f->json) {
        print_json({{"name", info.name}, {"dim", info.dim}, {"metric", info.metric}, {"model", info.model},
                    {"encoder", nlohmann::json::parse(info.encoder)}});
      }
    });
  }

  {
    struct Flags {
      std::string name, input, db;
      bool json = false;
    };
    auto f = std::make_shared<Flags>();
    auto* cmd = group->add_subcommand("upsert", "Insert or replace points from JSONL: {\"id\", \"vector\"|\"text\", \"metadata\"}");
    cmd->add_option("NAME", f->name, "Collection name")->required();
    cmd->add_option("--input", f->input, "JSONL file (or gzip; - for stdin)")->required();
    cmd->add_option("--db", f->db, "Database file (default $SEMSPACE_HOME/collections.db)");
    cmd->add_flag("--json", f->json, "Print one JSON object");
    cmd->callback([f, &exit_code] {
      auto db = open_store(f->db);
      if (!db) return void(exit_code = report(db.error()));
      auto info = db->info(f->name);
      if (!info) return void(exit_code = report(info.error()));
      auto encoding = TextEncoding::from_json(info->encoder);
      if (!encoding) return void(exit_code = report(encoding.error()));
      std::optional<WordVectors> model;
      auto reader = LineReader::open(f->input);
      if (!reader) return void(exit_code = report(reader.error()));
      std::vector<store::Point> points;
      std::vector<std::size_t> text_rows;
      std::vector<std::string> texts;
      std::uint64_t total = 0;
      auto flush = [&]() -> Status {
        if (auto ok = encode_pending(*db, f->name, *model, *encoding, points, text_rows, texts); !ok) return ok;
        if (auto ok = db->upsert(f->name, points); !ok) return ok;
        total += points.size();
        points.clear();
        return {};
      };
      std::string_view line;
      while (reader->next(line)) {
        if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
        auto where = fmt::format("{}:{}", f->input, reader->line_number());
        auto bad = [&](const std::string& what) {
          exit_code = report(Error{ErrorCode::kCorrupt, where + ": " + what});
        };
        nlohmann::json record = nlohmann::json::parse(line, nullptr, false);
        if (record.is_discarded() || !record.is_object()) return bad("not a JSON object");
        store::Point point;
        auto id = record.find("id");
        if (id == record.end()) return bad("missing \"id\"");
        if (id->is_string()) {
          point.id = id->get<std::string>();
        } else if (id->is_number_integer()) {
          point.id = std::to_string(id->get<long long>());
        } else {
          return bad("\"id\" must be a string or an integer");
        }
        if (auto meta = record.find("metadata"); meta != record.end()) {
          if (!meta->is_object()) return bad("\"metadata\" must be an object");
          point.metadata_json = meta->dump();
        }
        if (auto vector = record.find("vector"); vector != record.end()) {
          if (!vector->is_array()) return bad("\"vector\" must be an array of numbers");
          for (const auto& x : *vector) {
            if (!x.is_number()) return bad("\"vector\" must be an array of numbers");
            point.vector.push_back(x.get<float>());
          }
        } else if (auto text = record.find("text"); text != record.end() && text->is_string()) {
          if (!model) {
            if (info->model.empty()) return bad("has \"text\" but collection '" + f->name + "' has no model");
            auto loaded = load_model(info->model);
            if (!loaded) return void(exit_code = report(loaded.error()));
            if (loaded->fingerprint() != info->fingerprint) {
              return void(exit_code = report(Error{ErrorCode::kInvalidArgument,
                                                   fmt::format("model {} has changed since collection '{}' was created "
                                                               "(fingerprint {} vs {})",
                                                               info->model, f->name, loaded->fingerprint(),
                                                               info->fingerprint)}));
            }
            model.emplace(std::move(*loaded));
          }
          text_rows.push_back(points.size());
          texts.push_back(text->get<std::string>());
        } else {
          return bad("needs \"vector\" (array) or \"text\" (string)");
        }
        points.push_back(std::move(point));
        if (points.size() >= kUpsertBatch) {
          if (auto ok = flush(); !ok) return void(exit_code = report(ok.error()));
        }
      }
      if (auto status = reader->status(); !status) return void(exit_code = report(status.error()));
      if (auto ok = flush(); !ok) return void(exit_code = report(ok.error()));
      if (f->json) {
        print_json({{"upserted", total}});
      } else {
        fmt::print(stderr, "upserted {} points into '{}'\n", total, f->name);
      }
    });
  }

  {
    struct Flags {
      std::string name, text, vector, db;
      int k = 10;
      bool json = false;
    };
    auto f = std::make_shared<Flags>();
    auto* cmd = group->add_subcommand("search", "Nearest points to a text or a vector");
    cmd->add_option("NAME", f->name, "Collection name")->required();
    auto* text = cmd->add_option("--text", f->text, "Query text, encoded by the collection's model");
    auto* vector = cmd->add_option("--vector", f->vector, "Query vector: a .npy file with one row");
    text->excludes(vector);
    cmd->add_option("-k", f->k, "How many results")->capture_default_str()->check(CLI::Range(1, 100000));
    cmd->add_option("--db", f->db, "Database file (default $SEMSPACE_HOME/collections.db)");
    cmd->add_flag("--json", f->json, "Print {\"results\": [{\"id\", \"score\", \"metadata\"}]}");
    cmd->callback([f, &exit_code] {
      if (f->text.empty() == f->vector.empty()) {
        return void(exit_code = report(Error{ErrorCode::kInvalidArgument, "give exactly one of --text or --vector"}));
      }
      auto db = open_store(f->db);
      if (!db) return void(exit_code = report(db.error()));
      auto info = db->info(f->name);
      if (!info) return void(exit_code = report(info.error()));
      std::vector<float> query;
      if (!f->text.empty()) {
        if (info->model.empty()) {
          return void(exit_code = report(Error{ErrorCode::kInvalidArgument,
                                               "collection '" + f->name + "' has no model; search with --vector"}));
        }
        auto model = load_model(info->model);
        if (!model) return void(exit_code = report(model.error()));
        if (model->fingerprint() != info->fingerprint) {
          return void(exit_code = report(Error{ErrorCode::kInvalidArgument,
                                               fmt::format("model {} has changed since collection '{}' was built "
                                                           "(fingerprint {} vs {}); rebuild the collection",
                                                           info->model, f->name, model->fingerprint(),
                                                           info->fingerprint)}));
        }
        auto stored = db->get_array(f->name, kSifComponentKey);
        if (!stored) return void(exit_code = report(stored.error()));
        std::vector<float> component = stored->value_or(std::vector<float>{});
        auto encoding = TextEncoding::from_json(info->encoder);
        if (!encoding) return void(exit_code = report(encoding.error()));
        std::vector<std::string> texts{f->text};
        Matrix encoded = encode_texts(*model, texts, *encoding, component);
        query.assign(encoded.row(0).begin(), encoded.row(0).end());
      } else {
        auto matrix = io::read_npy_matrix(f->vector);
        if (!matrix) return void(exit_code = report(matrix.error()));
        if (matrix->rows() != 1) {
          return void(exit_code = report(Error{ErrorCode::kInvalidArgument,
                                               fmt::format("{}: expected one row, found {}", f->vector, matrix->rows())}));
        }
        query.assign(matrix->row(0).begin(), matrix->row(0).end());
      }
      auto hits = db->search(f->name, query, f->k);
      if (!hits) return void(exit_code = report(hits.error()));
      if (f->json) {
        nlohmann::json results = nlohmann::json::array();
        for (const auto& hit : *hits) {
          results.push_back({{"id", hit.id}, {"score", hit.score},
                             {"metadata", nlohmann::json::parse(hit.metadata_json, nullptr, false)}});
        }
        print_json({{"results", results}});
        return;
      }
      int rank = 1;
      for (const auto& hit : *hits) {
        auto meta = nlohmann::json::parse(hit.metadata_json, nullptr, false);
        std::string summary;
        if (meta.is_object() && meta.contains("definition") && meta["definition"].is_string()) {
          summary = meta["definition"].get<std::string>();
          if (summary.size() > 90) summary = summary.substr(0, 87) + "...";
        }
        fmt::print("{:>3}. {:<22} {:.4f}  {}\n", rank++, hit.id, hit.score, summary);
      }
    });
  }

  {
    struct Flags {
      std::string name, db;
      bool json = false;
    };
    auto f = std::make_shared<Flags>();
    auto* info_cmd = group->add_subcommand("info", "Dimension, metric, model and size of a collection");
    info_cmd->add_option("NAME", f->name, "Collection name")->required();
    info_cmd->add_option("--db", f->db, "Database file (default $SEMSPACE_HOME/collections.db)");
    info_cmd->add_flag("--json", f->json, "Print one JSON object");
    info_cmd->callback([f, &exit_code] {
      auto db = open_store(f->db);
      if (!db) return void(exit_code = report(db.error()));
      auto info = db->info(f->name);
      if (!info) return void(exit_code = report(info.error()));
      nlohmann::json json{{"name", info->name},
                          {"dim", info->dim},
                          {"metric", info->metric},
                          {"model", info->model},
                          {"fingerprint", info->fingerprint},
                          {"encoder", nlohmann::json::parse(info->encoder, nullptr, false)},
                          {"count", info->count}};
      if (f->json) {
        print_json(json);
      } else {
        fmt::print("{}\n", json.dump(2));
      }
    });
    auto g = std::make_shared<Flags>();
    auto* drop_cmd = group->add_subcommand("drop", "Delete a collection and all its points");
    drop_cmd->add_option("NAME", g->name, "Collection name")->required();
    drop_cmd->add_option("--db", g->db, "Database file (default $SEMSPACE_HOME/collections.db)");
    drop_cmd->callback([g, &exit_code] {
      auto db = open_store(g->db);
      if (!db) return void(exit_code = report(db.error()));
      if (auto ok = db->drop(g->name); !ok) exit_code = report(ok.error());
    });
    auto h = std::make_shared<Flags>();
    auto* list_cmd = group->add_subcommand("list", "List collections");
    list_cmd->add_option("--db", h->db, "Database file (default $SEMSPACE_HOME/collections.db)");
    list_cmd->add_flag("--json", h->json, "Print one JSON object");
    list_cmd->callback([h, &exit_code] {
      auto db = open_store(h->db);
      if (!db) return void(exit_code = report(db.error()));
      auto all = db->list();
      if (!all) return void(exit_code = report(all.error()));
      nlohmann::json list = nlohmann::json::array();
      for (const auto& c : *all) list.push_back({{"name", c.name}, {"dim", c.dim}, {"count", c.count}});
      if (h->json) {
        print_json({{"collections", list}});
      } else {
        for (const auto& c : *all) fmt::print("{}\t{}\t{}\n", c.name, c.dim, c.count);
      }
    });
  }
}

}  // namespace semspace::cli
