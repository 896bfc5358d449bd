//===- Launch.cpp - how dlc knows it runs under mpirun
//---------------------===//
//
// Shared by the MPI and the stub build: without MPI, a dlc started by
// mpirun must say so rather than train N independent copies that all write
// the same files.
//
//===----------------------------------------------------------------------===//
#include "dl/Compiler/Distributed.h"

#include <cstdlib>

namespace dlc {

Communicator::~Communicator() = default;

bool launchedByMpirun() {
  for (const char *var : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK"})
    if (std::getenv(var))
      return true;
  return false;
}

} // namespace dlc
