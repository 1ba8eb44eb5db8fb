// semspace collection create|upsert|search|delete|info|list|drop: named, durable collections of vectors with
// ids and metadata; text goes through the collection's model.
#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/cli_common.hpp"
#include "encoders/text_encoding.hpp"
#include "core/progress.hpp"
#include "io/corpus_reader.hpp"
#include "io/npy.hpp"
#include "store/collection_store.hpp"
#include "store/collection_text.hpp"
#include "store/metadata_filter.hpp"

namespace semspace::cli {
namespace {

constexpr std::size_t kUpsertBatch = 20000;
constexpr std::size_t kMaxRecordBytes = std::size_t{64} << 20;
constexpr const char* kDbHelp = "Database file (default $SEMSPACE_HOME/collections.db)";

// Bad data (a line of the input, a filter, a query vector) is a runtime error, exit 1, whatever its error code;
// only flags the parser rejects are usage errors.
int report_data(const Error& error) {
  report(error);
  return kExitError;
}

Expected<store::CollectionStore> open_store(const std::string& db) {
  auto store = store::CollectionStore::open(db.empty() ? store::default_store_path() : std::filesystem::path(db));
  if (store) {
    store->set_notice_handler([](const std::string& line) { std::fprintf(stderr, "semspace: note: %s\n", line.c_str()); });
  }
  return store;
}

nlohmann::json id_json(const store::PointId& id) {
  if (const auto* i = std::get_if<std::int64_t>(&id)) return *i;
  return std::get<std::string>(id);
}

// The id of a JSONL record: a non-empty string or an integer that fits in 64 signed bits.
Expected<store::PointId> record_id(const nlohmann::json& value) {
  if (value.is_string() && !value.get_ref<const std::string&>().empty()) return store::PointId(value.get<std::string>());
  if (value.is_number_integer()) {
    if (value.is_number_unsigned() && value.get<std::uint64_t>() > std::numeric_limits<std::int64_t>::max()) {
      return make_error(ErrorCode::kCorrupt, "integer \"id\" does not fit in a signed 64-bit integer");
    }
    return store::PointId(value.get<std::int64_t>());
  }
  return make_error(ErrorCode::kCorrupt, "\"id\" must be a non-empty string or an integer");
}

// An id on the command line or in an --ids file: a JSON integer or JSON string is that id (so 7 is the integer
// and "\"7\"" the string); anything else is taken as a string as written.
store::PointId argument_id(const std::string& text) {
  auto parsed = nlohmann::json::parse(text, nullptr, false);
  if (!parsed.is_discarded()) {
    if (auto id = record_id(parsed)) return *id;
  }
  return store::PointId(text);
}

std::string display_id(const store::PointId& id) {
  if (const auto* i = std::get_if<std::int64_t>(&id)) return std::to_string(*i);
  return std::get<std::string>(id);
}

// The collection's model, refused when it is not the one the collection was made with.
Expected<TextModel> collection_model(const store::CollectionInfo& info) {
  if (info.model.empty()) {
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("collection '{}' has no model: give vectors, or create it with --model", info.name));
  }
  auto model = load_text_model(info.model);
  if (!model) return model;
  if (auto ok = store::check_encoder(info, *model); !ok) return tl::unexpected(ok.error());
  return model;
}

void register_create(CLI::App& group, int& exit_code) {
  struct Flags {
    std::string name, metric = "cosine", model, db, pooling = "sif";
    double sif_a = TextEncoding{}.sif_a;
    int dim = 0;
    bool json = false;
  };
  auto f = std::make_shared<Flags>();
  auto* cmd = group.add_subcommand("create", "Create a collection");
  cmd->add_option("NAME", f->name, "Collection name")->required();
  cmd->add_option("--dim", f->dim, "Vector dimension (taken from --model when omitted; must agree with it)");
  cmd->add_option("--metric", f->metric, "cosine, l2 or dot")->check(CLI::IsMember({"cosine", "l2", "dot"}))
      ->capture_default_str();
  cmd->add_option("--model", f->model,
                  "Model that encodes text for this collection: 'default', a word-vector file, a transformer folder "
                  "or a pulled ORG/NAME");
  cmd->add_option("--pooling", f->pooling, "How word vectors become a text vector: sif or mean (transformers pool "
                                           "as their folder says)")
      ->check(CLI::IsMember({"sif", "mean"}))
      ->capture_default_str();
  cmd->add_option("--sif-a", f->sif_a, "SIF weight parameter a: weight = a / (a + p(word))")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--db", f->db, kDbHelp);
  cmd->add_flag("--json", f->json, "Print one JSON object");
  cmd->callback([f, &exit_code] {
    store::CollectionInfo info{.name = f->name, .dim = f->dim, .metric = f->metric, .model = f->model,
                               .fingerprint = "",
                               .encoder = TextEncoding{.sif = f->pooling == "sif", .sif_a = f->sif_a}.to_json(),
                               .count = 0};
    if (!f->model.empty()) {
      auto model = load_text_model(f->model);
      if (!model) return void(exit_code = report(model.error()));
      if (info.dim != 0 && info.dim != static_cast<int>(model->dim())) {
        return void(exit_code = report(Error{ErrorCode::kInvalidArgument,
                                             fmt::format("--dim {} does not match model {} of dimension {}", info.dim,
                                                         f->model, model->dim())}));
      }
      info.dim = static_cast<int>(model->dim());
      info.fingerprint = model->fingerprint();
      info.encoder = store::encoder_settings(*model, TextEncoding{.sif = f->pooling == "sif", .sif_a = f->sif_a});
      // A path is kept absolute so later commands find it from anywhere; "default" and ORG/NAME stay names.
      if (std::error_code ec; std::filesystem::exists(f->model, ec)) {
        info.model = std::filesystem::absolute(f->model).lexically_normal().string();
      }
    } else if (info.dim == 0) {
      return void(exit_code = report(Error{ErrorCode::kInvalidArgument, "give --dim, or --model to take it from"}));
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

void register_upsert(CLI::App& group, int& exit_code) {
  struct Flags {
    std::string name, input, db;
    int threads = default_threads();
    bool json = false;
  };
  auto f = std::make_shared<Flags>();
  auto* cmd = group.add_subcommand("upsert", "Insert or replace points from JSONL");
  cmd->footer(
      "Each line: {\"id\": \"s\" or 123, \"vector\": [..]} or {\"id\": .., \"text\": \"..\"}, with an optional "
      "\"metadata\": {..}.\nThe last line of an id wins. All or nothing: one bad line (reported as file:line) stores "
      "nothing of the file.");
  cmd->add_option("NAME", f->name, "Collection name")->required();
  cmd->add_option("--input", f->input, "JSONL file (or gzip; - for stdin)")->required();
  cmd->add_option("--threads", f->threads, "Threads for encoding texts with a transformer model")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--db", f->db, kDbHelp);
  cmd->add_flag("--json", f->json, "Print one JSON object");
  cmd->callback([f, &exit_code] {
    auto db = open_store(f->db);
    if (!db) return void(exit_code = report_data(db.error()));
    auto info = db->info(f->name);
    if (!info) return void(exit_code = report_data(info.error()));
    auto reader = LineReader::open(f->input);
    if (!reader) return void(exit_code = report_data(reader.error()));
    std::optional<TextModel> model;
    TextEncodeStats stats;
    std::vector<store::Point> points;
    std::vector<std::size_t> text_rows;
    std::vector<std::string> texts;
    std::uint64_t total = 0;
    core::Progress progress("upsert " + f->name, core::Progress::stderr_is_terminal());
    // One transaction for the whole file, written batch by batch: memory stays bounded and a bad line, a
    // failed encoding or a crash leaves the collection exactly as it was before the command.
    if (auto ok = db->begin(); !ok) return void(exit_code = report_data(ok.error()));
    auto fail = [&](const Error& error) {
      db->rollback();
      exit_code = report_data(error);
    };
    auto flush = [&]() -> Status {
      if (!texts.empty()) {
        auto vectors = store::encode_documents(*db, f->name, *model, texts, {.threads = f->threads, .stats = &stats});
        if (!vectors) return tl::unexpected(vectors.error());
        for (std::size_t i = 0; i < text_rows.size(); ++i) {
          points[text_rows[i]].vector.assign(vectors->row(i).begin(), vectors->row(i).end());
        }
        text_rows.clear();
        texts.clear();
      }
      if (auto ok = db->upsert(f->name, points); !ok) return ok;
      total += points.size();
      points.clear();
      progress.update(reader->fraction_read(), fmt::format("{} points", core::human_count(static_cast<double>(total))));
      return {};
    };
    std::string_view piece;
    std::string record_text;
    while (reader->next(piece)) {
      std::string_view line = piece;
      if (reader->continues()) {  // a line longer than the reader's window comes in pieces
        record_text.assign(piece);
        while (reader->continues() && record_text.size() <= kMaxRecordBytes && reader->next(piece)) record_text += piece;
        line = record_text;
      }
      if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
      const std::string where = fmt::format("{}:{}", reader->name(), reader->line_number());
      auto bad = [&](const std::string& what) { fail(Error{ErrorCode::kCorrupt, where + ": " + what}); };
      if (line.size() > kMaxRecordBytes) return bad("line is longer than 64 MiB");
      nlohmann::json record;
      try {
        record = nlohmann::json::parse(line);
      } catch (const nlohmann::json::exception& error) {  // also out_of_range: a number beyond double (1e999)
        std::string what = error.what();  // "[json.exception.parse_error.101] parse error at line 1, column 9: ..."
        if (auto at = what.find("] "); at != std::string::npos) what = what.substr(at + 2);
        return bad("not valid JSON: " + what);
      }
      if (!record.is_object()) return bad("not a JSON object");
      store::Point point;
      auto id = record.find("id");
      if (id == record.end()) return bad("missing \"id\"");
      auto parsed_id = record_id(*id);
      if (!parsed_id) return bad(parsed_id.error().message);
      point.id = std::move(*parsed_id);
      if (auto meta = record.find("metadata"); meta != record.end()) {
        if (!meta->is_object()) return bad("\"metadata\" must be an object");
        point.metadata_json = meta->dump();
      }
      auto vector = record.find("vector");
      auto text = record.find("text");
      if (vector != record.end() && text != record.end()) return bad("has both \"vector\" and \"text\"; give one");
      if (vector != record.end()) {
        if (!vector->is_array()) return bad("\"vector\" must be an array of numbers");
        if (static_cast<int>(vector->size()) != info->dim) {
          return bad(fmt::format("\"vector\" has dimension {} but collection '{}' has dimension {}", vector->size(),
                                 f->name, info->dim));
        }
        point.vector.reserve(vector->size());
        for (std::size_t i = 0; i < vector->size(); ++i) {
          const auto& x = (*vector)[i];
          if (!x.is_number()) return bad(fmt::format("\"vector\"[{}] is not a number", i));
          // Checked as a double: converting a double beyond float's range to float is undefined behaviour.
          const double value = x.get<double>();
          if (!(std::fabs(value) <= std::numeric_limits<float>::max())) {
            return bad(fmt::format("\"vector\"[{}] is not a finite float", i));
          }
          point.vector.push_back(static_cast<float>(value));
        }
      } else if (text != record.end()) {
        if (!text->is_string()) return bad("\"text\" must be a string");
        if (!model) {
          auto loaded = collection_model(*info);
          if (!loaded) return bad(loaded.error().message);
          model.emplace(std::move(*loaded));
        }
        text_rows.push_back(points.size());
        texts.push_back(text->get<std::string>());
      } else {
        return bad("needs \"vector\" (array of numbers) or \"text\" (string)");
      }
      points.push_back(std::move(point));
      if (points.size() >= kUpsertBatch) {
        if (auto ok = flush(); !ok) return fail(ok.error());
      }
    }
    if (auto status = reader->status(); !status) return fail(status.error());
    if (auto ok = flush(); !ok) return fail(ok.error());
    if (auto ok = db->commit(); !ok) return void(exit_code = report_data(ok.error()));
    progress.finish(fmt::format("{} points", core::human_count(static_cast<double>(total))));
    if (model) note_truncation(*model, stats);
    // The points are durable now; refreshing the index snapshot here spares the next search the work.
    if (auto ok = db->sync_index(f->name); !ok) {
      std::fprintf(stderr, "semspace: warning: points stored, index not refreshed: %s\n", ok.error().message.c_str());
    }
    if (f->json) {
      print_json({{"upserted", total}});
    } else {
      fmt::print(stderr, "upserted {} points into '{}'\n", total, f->name);
    }
  });
}

void register_search(CLI::App& group, int& exit_code) {
  struct Flags {
    std::string name, text, vector, db, filter;
    int k = 10;
    int ef = store::SearchOptions{}.ef;
    bool json = false;
  };
  auto f = std::make_shared<Flags>();
  auto* cmd = group.add_subcommand("search", "Nearest points to a text or a vector, optionally among those passing a filter");
  cmd->footer(
      "Filters: {\"f\": v} equality; {\"f\": {\"$eq|$ne|$gt|$gte|$lt|$lte\": v}}; {\"f\": {\"$in|$nin\": [..]}}; "
      "{\"$and\": [..]}, {\"$or\": [..]}, {\"$not\": {..}};\ndotted paths (\"album.label\") reach nested fields. "
      "Types never mix (1 does not match \"1\"). See docs/user-guide.md.");
  cmd->add_option("NAME", f->name, "Collection name")->required();
  auto* text = cmd->add_option("--text", f->text, "Query text, encoded by the collection's model");
  auto* vector = cmd->add_option("--vector", f->vector, "Query vector: a .npy file with one row");
  text->excludes(vector);
  cmd->add_option("-k", f->k, "How many results")->capture_default_str()->check(CLI::Range(1, 100000));
  cmd->add_option("--ef", f->ef, "HNSW search breadth: higher finds more true neighbours, slower")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  cmd->add_option("--filter", f->filter,
                  "Metadata filter (JSON), e.g. '{\"year\": {\"$gte\": 1950}, \"genre\": {\"$in\": [\"jazz\", \"blues\"]}}'");
  cmd->add_option("--db", f->db, kDbHelp);
  cmd->add_flag("--json", f->json, "Print {\"results\": [{\"id\", \"score\", \"metadata\"}]}, best first");
  cmd->callback([f, &exit_code] {
    if (f->text.empty() == f->vector.empty()) {
      return void(exit_code = report(Error{ErrorCode::kInvalidArgument, "give exactly one of --text or --vector"}));
    }
    std::optional<store::FilterNode> filter;
    if (!f->filter.empty()) {
      auto parsed = store::parse_filter(f->filter);
      if (!parsed) return void(exit_code = report_data(parsed.error()));
      filter.emplace(std::move(*parsed));
    }
    auto db = open_store(f->db);
    if (!db) return void(exit_code = report_data(db.error()));
    auto info = db->info(f->name);
    if (!info) return void(exit_code = report_data(info.error()));
    std::vector<float> query;
    if (!f->text.empty()) {
      auto model = collection_model(*info);
      if (!model) return void(exit_code = report_data(model.error()));
      auto encoded = store::encode_query(*db, f->name, *model, f->text);
      if (!encoded) return void(exit_code = report_data(encoded.error()));
      query = std::move(*encoded);
    } else {
      auto matrix = io::read_npy_matrix(f->vector);
      if (!matrix) return void(exit_code = report_data(matrix.error()));
      if (matrix->rows() != 1) {
        return void(exit_code = report_data(
                        Error{ErrorCode::kInvalidArgument, fmt::format("{}: expected one row, found {}", f->vector, matrix->rows())}));
      }
      query.assign(matrix->row(0).begin(), matrix->row(0).end());
    }
    store::SearchOptions options{.k = f->k, .ef = f->ef, .filter = filter ? &*filter : nullptr};
    auto hits = db->search(f->name, query, options);
    if (!hits) return void(exit_code = report_data(hits.error()));
    if (f->json) {
      nlohmann::json results = nlohmann::json::array();
      for (const auto& hit : *hits) {
        results.push_back({{"id", id_json(hit.id)}, {"score", hit.score},
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
      } else if (meta.is_object() && !meta.empty()) {
        summary = meta.dump();
      }
      if (summary.size() > 90) summary = summary.substr(0, 87) + "...";
      fmt::print("{:>3}. {:<22} {:.4f}  {}\n", rank++, display_id(hit.id), hit.score, summary);
    }
  });
}

void register_delete(CLI::App& group, int& exit_code) {
  struct Flags {
    std::string name, db, ids_file;
    std::vector<std::string> ids;
    bool json = false;
  };
  auto f = std::make_shared<Flags>();
  auto* cmd = group.add_subcommand("delete", "Delete points by id");
  cmd->footer(
      "One transaction. An id is read as JSON when it is a JSON integer or string (7 is the integer id, '\"7\"' the "
      "string id),\notherwise as the string written (muesli). Absent ids are ignored and counted as missing.");
  cmd->add_option("NAME", f->name, "Collection name")->required();
  auto* ids = cmd->add_option("--id", f->ids, "An id to delete (repeatable)");
  auto* file = cmd->add_option("--ids", f->ids_file, "File with one id per line (same reading as --id)");
  ids->excludes(file);
  cmd->add_option("--db", f->db, kDbHelp);
  cmd->add_flag("--json", f->json, "Print {\"deleted\": n, \"missing\": m}");
  cmd->callback([f, &exit_code] {
    if (f->ids.empty() && f->ids_file.empty()) {
      return void(exit_code = report(Error{ErrorCode::kInvalidArgument, "give the ids to delete: --id X ... or --ids FILE"}));
    }
    std::vector<store::PointId> ids;
    for (const auto& text : f->ids) ids.push_back(argument_id(text));
    if (!f->ids_file.empty()) {
      auto reader = LineReader::open(f->ids_file);
      if (!reader) return void(exit_code = report_data(reader.error()));
      std::string_view line;
      while (reader->next(line)) {
        while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
        if (!line.empty()) ids.push_back(argument_id(std::string(line)));
      }
      if (auto status = reader->status(); !status) return void(exit_code = report_data(status.error()));
    }
    auto db = open_store(f->db);
    if (!db) return void(exit_code = report_data(db.error()));
    auto removed = db->remove(f->name, ids);
    if (!removed) return void(exit_code = report_data(removed.error()));
    if (auto ok = db->sync_index(f->name); !ok) {
      std::fprintf(stderr, "semspace: warning: points deleted, index not refreshed: %s\n", ok.error().message.c_str());
    }
    if (f->json) {
      print_json({{"deleted", *removed}, {"missing", ids.size() - *removed}});
    } else {
      fmt::print(stderr, "deleted {} of {} ids from '{}'\n", *removed, ids.size(), f->name);
    }
  });
}

void register_admin(CLI::App& group, int& exit_code) {
  struct Flags {
    std::string name, db;
    bool json = false;
  };
  auto f = std::make_shared<Flags>();
  auto* info_cmd = group.add_subcommand("info", "Dimension, metric, model, fingerprint and size of a collection");
  info_cmd->add_option("NAME", f->name, "Collection name")->required();
  info_cmd->add_option("--db", f->db, kDbHelp);
  info_cmd->add_flag("--json", f->json, "Print one JSON object");
  info_cmd->callback([f, &exit_code] {
    auto db = open_store(f->db);
    if (!db) return void(exit_code = report_data(db.error()));
    auto info = db->info(f->name);
    if (!info) return void(exit_code = report_data(info.error()));
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
  auto* drop_cmd = group.add_subcommand("drop", "Delete a collection, all its points and its index snapshot");
  drop_cmd->add_option("NAME", g->name, "Collection name")->required();
  drop_cmd->add_option("--db", g->db, kDbHelp);
  drop_cmd->callback([g, &exit_code] {
    auto db = open_store(g->db);
    if (!db) return void(exit_code = report_data(db.error()));
    if (auto ok = db->drop(g->name); !ok) exit_code = report_data(ok.error());
  });
  auto h = std::make_shared<Flags>();
  auto* list_cmd = group.add_subcommand("list", "List collections");
  list_cmd->add_option("--db", h->db, kDbHelp);
  list_cmd->add_flag("--json", h->json, "Print one JSON object");
  list_cmd->callback([h, &exit_code] {
    auto db = open_store(h->db);
    if (!db) return void(exit_code = report_data(db.error()));
    auto all = db->list();
    if (!all) return void(exit_code = report_data(all.error()));
    nlohmann::json list = nlohmann::json::array();
    for (const auto& c : *all) list.push_back({{"name", c.name}, {"dim", c.dim}, {"count", c.count}});
    if (h->json) {
      print_json({{"collections", list}});
    } else {
      for (const auto& c : *all) fmt::print("{}\t{}\t{}\n", c.name, c.dim, c.count);
    }
  });
}

}  // namespace

void register_collection(CLI::App& app, int& exit_code) {
  auto* group =
      app.add_subcommand("collection", "Durable collections: create, upsert, search, delete, info, list, drop");
  group->require_subcommand(1);
  register_create(*group, exit_code);
  register_upsert(*group, exit_code);
  register_search(*group, exit_code);
  register_delete(*group, exit_code);
  register_admin(*group, exit_code);
}

}  // namespace semspace::cli
