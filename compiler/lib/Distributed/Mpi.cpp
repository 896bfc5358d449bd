//===- Mpi.cpp - the ranks of a data-parallel run, over MPI
//-----------------===//
//
// MPI_COMM_WORLD with MPI_ERRORS_RETURN, so that a failed collective is an
// error dlc reports with its rank instead of MPI's abort without context.
// A rank that dies is Open MPI's launcher's business: mpirun sees the
// process end and terminates the others (docs/distributed.md).
//
//===----------------------------------------------------------------------===//
#include "dl/Compiler/Distributed.h"

#include <mpi.h>

#include <algorithm>
#include <climits>
#include <cstdlib>

namespace dlc {
namespace {

class MpiCommunicator final : public Communicator {
public:
  MpiCommunicator() {
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
  }
  ~MpiCommunicator() override { MPI_Finalize(); }

  int rank() const override { return rank_; }
  int size() const override { return size_; }
  bool allreduceSum(float *data, int64_t n) override {
    return allreduce(data, n, MPI_FLOAT);
  }
  bool allreduceSum(double *data, int64_t n) override {
    return allreduce(data, n, MPI_DOUBLE);
  }
  void abort(int code) override {
    MPI_Abort(MPI_COMM_WORLD, code);
    std::_Exit(code); // MPI_Abort does not return; this is for the compiler
  }

private:
  template <typename T> bool allreduce(T *data, int64_t n, MPI_Datatype type) {
    // MPI counts are ints: a larger buffer goes in pieces.
    for (int64_t done = 0; done < n;) {
      int count = int(std::min<int64_t>(n - done, INT_MAX));
      int rc = MPI_Allreduce(MPI_IN_PLACE, data + done, count, type, MPI_SUM,
                             MPI_COMM_WORLD);
      if (rc != MPI_SUCCESS) {
        char text[MPI_MAX_ERROR_STRING];
        int len = 0;
        MPI_Error_string(rc, text, &len);
        error_ = "rank " + std::to_string(rank_) + " of " +
                 std::to_string(size_) +
                 ": MPI_Allreduce failed: " + std::string(text, size_t(len));
        return false;
      }
      done += count;
    }
    return true;
  }
  int rank_ = 0, size_ = 1;
};

} // namespace

bool haveMpi() { return true; }

std::unique_ptr<Communicator> joinDistributed(std::string &error) {
  // Open MPI's shared-memory transport copies large messages between
  // processes with one process_vm_readv (CMA) by default; in the VMs
  // measured (docs/distributed.md) that made a 400 KB allreduce 4x slower
  // than its copy through shared memory. A setting of the user's wins.
  setenv("OMPI_MCA_btl_vader_single_copy_mechanism", "none",
         /*overwrite=*/0);
  int initialised = 0;
  MPI_Initialized(&initialised);
  if (!initialised && MPI_Init(nullptr, nullptr) != MPI_SUCCESS) {
    error = "MPI_Init failed";
    return nullptr;
  }
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  return std::make_unique<MpiCommunicator>();
}

} // namespace dlc
