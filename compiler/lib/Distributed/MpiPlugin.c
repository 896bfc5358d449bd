/*===- MpiPlugin.c - dlc's MPI calls, in a plugin dlc loads on demand ------===
 *
 * Open MPI is seven shared libraries; linked into dlc they cost every dlc
 * process ~2 ms of start-up (the dynamic loader maps and relocates them),
 * although only `dlc train` under mpirun uses them. dlc dlopens this module
 * instead (MpiLoader.cpp), when a run is distributed. Plain C over a C ABI,
 * so the module needs neither libstdc++ nor anything of dlc.
 *
 * MPI_COMM_WORLD with MPI_ERRORS_RETURN, so that a failed collective is an
 * error dlc reports with its rank instead of MPI's abort without context.
 * A rank that dies is Open MPI's launcher's business: mpirun sees the
 * process end and terminates the others (docs/distributed.md).
 *
 *===----------------------------------------------------------------------===*/
#include "MpiPlugin.h"

#include <limits.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

static int rank_ = 0, size_ = 1;

static void message(char *error, size_t capacity, const char *what, int rc) {
  char text[MPI_MAX_ERROR_STRING];
  int len = 0;
  if (MPI_Error_string(rc, text, &len) != MPI_SUCCESS)
    len = 0;
  snprintf(error, capacity, "%s: %.*s", what, len, text);
}

int dlc_mpi_abi_version(void) { return DLC_MPI_ABI_VERSION; }

int dlc_mpi_join(int *rank, int *size, char *error, size_t capacity) {
  /* Open MPI's shared-memory transport copies large messages between
   * processes with one process_vm_readv (CMA) by default; in the VMs
   * measured (docs/distributed.md) that made a 400 KB allreduce 4x slower
   * than its copy through shared memory. A setting of the user's wins. */
  setenv("OMPI_MCA_btl_vader_single_copy_mechanism", "none",
         /*overwrite=*/0);
  int initialised = 0;
  MPI_Initialized(&initialised);
  if (!initialised) {
    int rc = MPI_Init(NULL, NULL);
    if (rc != MPI_SUCCESS) {
      message(error, capacity, "MPI_Init failed", rc);
      return 0;
    }
  }
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
  *rank = rank_;
  *size = size_;
  return 1;
}

int dlc_mpi_allreduce_sum(void *data, int64_t n, int isDouble, char *error,
                          size_t capacity) {
  MPI_Datatype type = isDouble ? MPI_DOUBLE : MPI_FLOAT;
  size_t elementSize = isDouble ? sizeof(double) : sizeof(float);
  /* MPI counts are ints: a larger buffer goes in pieces. */
  for (int64_t done = 0; done < n;) {
    int count = n - done < INT_MAX ? (int)(n - done) : INT_MAX;
    int rc = MPI_Allreduce(MPI_IN_PLACE, (char *)data + done * elementSize,
                           count, type, MPI_SUM, MPI_COMM_WORLD);
    if (rc != MPI_SUCCESS) {
      char what[64];
      snprintf(what, sizeof what, "rank %d of %d: MPI_Allreduce failed", rank_,
               size_);
      message(error, capacity, what, rc);
      return 0;
    }
    done += count;
  }
  return 1;
}

void dlc_mpi_abort(int code) {
  MPI_Abort(MPI_COMM_WORLD, code);
  _Exit(code); /* MPI_Abort does not return; this is for the compiler */
}

void dlc_mpi_finalize(void) { MPI_Finalize(); }
