//===- NoMpi.cpp - dlc built without MPI
//------------------------------------===//
#include "dl/Compiler/Distributed.h"

namespace dlc {

bool haveMpi() { return false; }

std::unique_ptr<Communicator> joinDistributed(std::string &error) {
  error = "this dlc was built without MPI, so it cannot train across "
          "processes; install Open MPI (Debian: apt-get install "
          "libopenmpi-dev openmpi-bin) and rebuild dlc";
  return nullptr;
}

} // namespace dlc
