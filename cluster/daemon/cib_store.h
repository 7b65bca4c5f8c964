// The node's copy of the CIB, kept in the state directory as cib.xml with numbered backups
// (cib::Cib::Save: temporary file, fsync, rename, directory fsync), so that a vigild killed at
// any instant restarts with the last committed CIB whole.
//
// A change names the version it was made against; if that is no longer the current version the
// change is refused as a conflict, never merged. An accepted change takes the next epoch (and
// num_updates 0), is on disk before Replace returns, and only then is acknowledged. A CIB that
// comes from another node is adopted whole when it wins (Adopt), which is how the DC's changes
// reach the members and how the highest version wins when partitions merge.
#pragma once

#include <filesystem>
#include <string_view>

#include "cluster/cib/cib.h"
#include "common/status.h"

namespace vigil::daemon {

class CibStore {
 public:
  // Loads STATE_DIR/cib.xml. A missing file gives the empty CIB; one that does not load gives the
  // newest backup that does (`recovered_from()` names it); with none, an error naming each file.
  static Result<CibStore> Open(const std::filesystem::path& state_dir);

  const cib::Cib& cib() const { return cib_; }
  const cib::Versions& versions() const { return cib_.model().versions; }
  const std::filesystem::path& path() const { return path_; }
  const std::string& recovered_from() const { return recovered_from_; }
  // The CIB as XML text (what cib-query answers and what is sent to peers).
  const std::string& text() const { return text_; }


  // Replaces the whole CIB with `xml` (validated in full first) if `expected` is the current
  // version; without a <tickets> section of its own it keeps the current ticket states
  // (Cib::KeepTicketsOf). Errors: kParseError/kUnsupported (the document; nothing changed), kConflict (another
  // change came first; nothing changed), kIoError (not saved; nothing changed).
  Result<cib::Versions> Replace(std::string_view xml, const cib::Versions& expected);

  // Takes `xml` as it stands, versions included, if it wins over this node's: a higher version;
  // for one version with two contents (both sides of a split changed it), the greater text, so
  // that every node picks the same one. Saved before returning.
  // Errors: kParseError and kUnsupported (`source` names it; nothing changed), kIoError (not
  // saved; nothing changed).
  enum class Adoption { kAdopted, kSame, kKept /* this node's wins */ };
  Result<Adoption> Adopt(std::string_view xml, std::string_view source);

 private:
  CibStore(std::filesystem::path path, cib::Cib cib)
      : path_(std::move(path)), cib_(std::move(cib)), text_(cib_.Serialize()) {}
  void Set(cib::Cib cib);
  // Whether a CIB with these versions and text wins over this node's (see Adopt).
  bool Beaten(const cib::Versions& versions, std::string_view text) const;


  std::filesystem::path path_;
  cib::Cib cib_;
  std::string text_;
  std::string recovered_from_;
};

}  // namespace vigil::daemon
