//===- Distributed.h - the ranks of a data-parallel run ----------*- C++
//-*-===//
//
// dlc train under mpirun: what the training loop needs from MPI, behind an
// interface, so that MPI's headers and library stay in one small library
// (DLDistributed) that a build without MPI replaces by a stub.
//
//===----------------------------------------------------------------------===//
#ifndef DL_COMPILER_DISTRIBUTED_H
#define DL_COMPILER_DISTRIBUTED_H

#include <cstdint>
#include <memory>
#include <string>

namespace dlc {

/// The processes of one data-parallel run (MPI_COMM_WORLD).
class Communicator {
public:
  virtual ~Communicator();
  virtual int rank() const = 0;
  virtual int size() const = 0;
  /// Sums `n` values over the ranks, in place on every rank. False on an
  /// MPI error, with error() saying which rank and what.
  virtual bool allreduceSum(float *data, int64_t n) = 0;
  virtual bool allreduceSum(double *data, int64_t n) = 0;
  /// Ends every rank's process with `code`: a rank that fails alone would
  /// leave the others waiting in the next collective.
  [[noreturn]] virtual void abort(int code) = 0;
  const std::string &error() const { return error_; }

protected:
  std::string error_;
};

/// Whether dlc was built with MPI.
bool haveMpi();

/// Whether this process was started by mpirun/mpiexec (Open MPI's, or a
/// PMI/PMIx launcher's, environment).
bool launchedByMpirun();

/// Joins the run (MPI_Init, errors returned rather than fatal); null with
/// `error` set when dlc has no MPI or MPI fails to start.
std::unique_ptr<Communicator> joinDistributed(std::string &error);

} // namespace dlc

#endif // DL_COMPILER_DISTRIBUTED_H
