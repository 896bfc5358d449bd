//===- MpiLoader.cpp - the ranks of a data-parallel run, over MPI --------===//
//
// MPI itself lives in libdlc-mpi.so (MpiPlugin.c), loaded here when a run is
// distributed, so that every other dlc process starts without Open MPI's
// seven shared libraries. The module is found next to dlc: <bin>/../lib/dlc
// in the build tree, <bin>/../<libdir>/dlc once installed.
//
//===----------------------------------------------------------------------===//
#include "dl/Compiler/Distributed.h"

#include "MpiPlugin.h"

#include <dlfcn.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <string>
#include <type_traits>
#include <vector>

namespace dlc {
namespace {

struct MpiPlugin {
  decltype(&dlc_mpi_abi_version) abiVersion;
  decltype(&dlc_mpi_join) join;
  decltype(&dlc_mpi_allreduce_sum) allreduceSum;
  decltype(&dlc_mpi_abort) abort;
  decltype(&dlc_mpi_finalize) finalize;
};

std::string executableDir() {
  std::vector<char> path(PATH_MAX + 1);
  ssize_t n = readlink("/proc/self/exe", path.data(), PATH_MAX);
  if (n <= 0)
    return ".";
  std::string exe(path.data(), size_t(n));
  size_t slash = exe.rfind('/');
  return slash == std::string::npos ? "." : exe.substr(0, slash);
}

/// Loads the module, or says which paths were tried and why each failed.
bool loadPlugin(MpiPlugin &p, std::string &error) {
  std::string dir = executableDir();
  void *handle = nullptr;
  std::string tried;
  std::vector<std::string> rels = {DLC_MPI_PLUGIN_BUILD_DIR};
  if (rels[0] != DLC_MPI_PLUGIN_INSTALL_DIR)
    rels.push_back(DLC_MPI_PLUGIN_INSTALL_DIR);
  for (const std::string &rel : rels) {
    std::string path = dir + "/" + rel + "/libdlc-mpi.so";
    // Global: Open MPI's own components, which it dlopens in MPI_Init,
    // resolve symbols of libmpi and libopen-pal in the global scope.
    handle = dlopen(path.c_str(), RTLD_NOW | RTLD_GLOBAL);
    if (handle)
      break;
    const char *why = dlerror();
    tried += "\n  " + (why ? std::string(why) : path + ": not loaded");
  }
  if (!handle) {
    error = "cannot load dlc's MPI module (libdlc-mpi.so, built and "
            "installed with dlc):" +
            tried;
    return false;
  }
  auto sym = [&](auto &fn, const char *name) {
    fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(
        dlsym(handle, name));
    if (!fn && error.empty())
      error = std::string("dlc's MPI module has no ") + name +
              "; it is not from this dlc's build";
  };
  sym(p.abiVersion, "dlc_mpi_abi_version");
  sym(p.join, "dlc_mpi_join");
  sym(p.allreduceSum, "dlc_mpi_allreduce_sum");
  sym(p.abort, "dlc_mpi_abort");
  sym(p.finalize, "dlc_mpi_finalize");
  if (!error.empty())
    return false;
  if (p.abiVersion() != DLC_MPI_ABI_VERSION) {
    error = "dlc's MPI module speaks version " +
            std::to_string(p.abiVersion()) + " of its interface, dlc " +
            std::to_string(DLC_MPI_ABI_VERSION) +
            "; it is not from this dlc's build";
    return false;
  }
  return true;
}

class MpiCommunicator final : public Communicator {
public:
  MpiCommunicator(const MpiPlugin &p, int rank, int size)
      : p_(p), rank_(rank), size_(size) {}
  ~MpiCommunicator() override { p_.finalize(); }

  int rank() const override { return rank_; }
  int size() const override { return size_; }
  bool allreduceSum(float *data, int64_t n) override {
    return allreduce(data, n, /*isDouble=*/false);
  }
  bool allreduceSum(double *data, int64_t n) override {
    return allreduce(data, n, /*isDouble=*/true);
  }
  void abort(int code) override {
    p_.abort(code);
    std::_Exit(code); // dlc_mpi_abort does not return; this is for the compiler
  }

private:
  bool allreduce(void *data, int64_t n, bool isDouble) {
    char text[512] = "";
    if (p_.allreduceSum(data, n, isDouble, text, sizeof text))
      return true;
    error_ = text;
    return false;
  }
  MpiPlugin p_;
  int rank_, size_;
};

} // namespace

bool haveMpi() { return true; }

std::unique_ptr<Communicator> joinDistributed(std::string &error) {
  MpiPlugin p;
  if (!loadPlugin(p, error))
    return nullptr;
  int rank = 0, size = 1;
  char text[512] = "";
  if (!p.join(&rank, &size, text, sizeof text)) {
    error = text;
    return nullptr;
  }
  return std::make_unique<MpiCommunicator>(p, rank, size);
}

} // namespace dlc
