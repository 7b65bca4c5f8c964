#include "cluster/daemon/cib_store.h"

#include <algorithm>

namespace vigil::daemon {
namespace {

// A document to store. It may carry a status section (a cib-query answer sent back): the status
// is the DC's live state, never stored.
Result<cib::Cib> ToStore(std::string_view xml, std::string_view source) {
  auto cib = cib::Cib::Parse(xml, source);
  if (cib.ok()) cib->ClearStatus();
  return cib;
}

}  // namespace

Result<CibStore> CibStore::Open(const std::filesystem::path& state_dir) {
  const std::filesystem::path path = state_dir / "cib.xml";
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return CibStore(path, cib::Cib::Empty());
  std::string errors;
  for (int k = 0; k <= cib::Cib::kBackups; ++k) {
    const std::filesystem::path candidate = k == 0 ? path : std::filesystem::path(path.string() + "." + std::to_string(k));
    if (k > 0 && !std::filesystem::exists(candidate, ec)) continue;
    auto loaded = cib::Cib::Load(candidate);
    if (loaded.ok()) {
      loaded->ClearStatus();  // a file written by Pacemaker (or an older Vigil) may hold one
      CibStore store(path, std::move(*loaded));
      if (k > 0) store.recovered_from_ = candidate.string();
      return store;
    }
    errors += (errors.empty() ? "" : "; ") + loaded.status().message();
  }
  return Status(StatusCode::kParseError, "no loadable CIB in " + state_dir.string() + ": " + errors);
}

Result<cib::Versions> CibStore::Replace(std::string_view xml, const cib::Versions& expected) {
  const cib::Versions current = versions();
  if (!(expected == current)) {
    return Status(StatusCode::kConflict, "conflict: the change was made against CIB version " +
                                             cib::VersionText(expected) + ", the current one is " +
                                             cib::VersionText(current) + "; read it again and redo the change");
  }
  auto next = ToStore(xml, "the new CIB");
  if (!next.ok()) return next.status();
  next->KeepTicketsOf(cib_);
  cib::Versions v;
  v.admin_epoch = std::max(current.admin_epoch, next->model().versions.admin_epoch);
  v.epoch = current.epoch + 1;
  v.num_updates = 0;
  next->SetVersions(v);
  if (Status s = next->Save(path_); !s.ok()) return s;
  Set(std::move(*next));
  return v;
}

bool CibStore::Beaten(const cib::Versions& theirs, std::string_view text) const {
  const cib::Versions& ours = versions();
  if (ours < theirs) return true;
  return ours == theirs && text > std::string_view(text_);
}

Result<CibStore::Adoption> CibStore::Adopt(std::string_view xml, std::string_view source) {
  auto next = ToStore(xml, source);
  if (!next.ok()) return next.status();
  // Compared as this node would hold it, so that a copy sent back and forth compares equal.
  const std::string text = next->Serialize();
  if (text == text_) return Adoption::kSame;
  if (!Beaten(next->model().versions, text)) return Adoption::kKept;
  if (Status s = next->Save(path_); !s.ok()) return s;
  Set(std::move(*next));
  return Adoption::kAdopted;
}

void CibStore::Set(cib::Cib cib) {
  cib_ = std::move(cib);
  text_ = cib_.Serialize();
}

}  // namespace vigil::daemon
